"""Organisations as teams: details, members and roles, invitations, the audit log, switching."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..labels import ROLES
from ..models import Organisation, utcnow
from ..reports.logo import KEPT_SIDE, MAX_BYTES, LogoRefused
from ..services import (
    access,
    accounts,
    advisers,
    audit,
    logos,
    mail,
    sessions,
    teams,
    transaction,
)
from .auth import begin_browser_session, safe_next, user_agent
from .forms import (
    AcceptInvitationForm,
    AdviserInviteForm,
    InviteForm,
    LogoForm,
    OrganisationForm,
    RoleForm,
    SwitchOrganisationForm,
)

bp = Blueprint("teams", __name__)


@bp.route("/organisations/<id:organisation_id>")
@login_required
def show(organisation_id: int):
    organisation = access.load_organisation(current_user, organisation_id, "read")
    return organisation_page(organisation)


def organisation_page(organisation: Organisation, status: int = 200, **forms):
    manage = access.can(current_user, organisation.id, "manage")
    details = forms.get("details_form") or OrganisationForm(data={
        "organisation_name": organisation.name, "organisation_type": organisation.type,
        "country": organisation.country})
    invite = forms.get("invite_form") or InviteForm(data={"locale": str(get_locale()),
                                                          "role": "editor"})
    adviser_form = forms.get("adviser_form") or AdviserInviteForm(
        prefix=AdviserInviteForm.PREFIX,
        data={"locale": str(get_locale()), "scope": "results", "months": 12})
    return render_template(
        "teams/show.html", organisation=organisation, manage=manage,
        members=teams.members(organisation),
        invitations=teams.pending(organisation) if manage else [],
        adviser_invitations=teams.pending(organisation, "adviser") if manage else [],
        grants=advisers.grants(organisation) if manage else [],
        details_form=details, invite_form=invite, adviser_form=adviser_form,
        logo=logos.current(organisation.id) if manage else None,
        logo_form=forms.get("logo_form") or LogoForm(), logo_kb=MAX_BYTES // 1024,
        logo_side=KEPT_SIDE, role_form=RoleForm(), now=utcnow(), ROLES=ROLES,
    ), status


@bp.route("/organisations/<id:organisation_id>/details", methods=["POST"])
@login_required
def update_details(organisation_id: int):
    organisation = access.load_organisation(current_user, organisation_id, "manage")
    form = OrganisationForm()
    if not form.validate_on_submit():
        return organisation_page(organisation, 422, details_form=form)
    with transaction.write():
        teams.update_details(current_user, organisation, name=form.organisation_name.data,
                             organisation_type=form.organisation_type.data,
                             country=form.country.data)
    flash(_("The organisation's details are saved."), "success")
    return redirect(url_for("teams.show", organisation_id=organisation.id))


@bp.route("/organisations/<id:organisation_id>/logo", methods=["POST"])
@login_required
def upload_logo(organisation_id: int):
    organisation = access.load_organisation(current_user, organisation_id, "manage")
    form = LogoForm()
    if form.validate_on_submit():
        try:
            picture = logos.prepare(form.logo.data.read(MAX_BYTES + 1))
        except LogoRefused as refused:
            form.logo.errors = [_logo_refusal(refused.reason)]
        else:
            with transaction.write():
                logos.replace(current_user, organisation, picture)
            flash(_("The logo is saved. It appears on the cover of the plan's PDF."),
                  "success")
            return redirect(url_for("teams.show", organisation_id=organisation.id,
                                    _anchor="logo"))
    return organisation_page(organisation, 422, logo_form=form)


def _logo_refusal(reason: str) -> str:
    return {
        "empty": lambda: _("The file is empty."),
        "too_large": lambda: _("The file is larger than %(kb)d KB. Save the logo smaller "
                               "(%(side)d pixels wide is plenty) and try again.",
                               kb=MAX_BYTES // 1024, side=KEPT_SIDE),
        "not_png_or_jpeg": lambda: _("The file is not a PNG or JPEG picture."),
        "too_many_pixels": lambda: _("The picture has too many pixels. Save it smaller "
                                     "(%(side)d pixels wide is plenty) and try again.",
                                     side=KEPT_SIDE),
        "damaged": lambda: _("The picture could not be read; the file may be damaged."),
    }[reason]()


@bp.route("/organisations/<id:organisation_id>/logo/remove", methods=["POST"])
@login_required
def remove_logo(organisation_id: int):
    organisation = access.load_organisation(current_user, organisation_id, "manage")
    with transaction.write():
        removed = logos.remove(current_user, organisation)
    if removed:
        flash(_("The logo is removed."), "success")
    return redirect(url_for("teams.show", organisation_id=organisation.id, _anchor="logo"))


@bp.route("/organisations/<id:organisation_id>/logo.png")
@login_required
def logo(organisation_id: int):
    organisation = access.load_organisation(current_user, organisation_id, "manage")
    found = logos.current(organisation.id)
    if found is None:
        abort(404)
    return Response(found.png, mimetype="image/png")


@bp.route("/organisations/<id:organisation_id>/members/<id:membership_id>/role",
          methods=["POST"])
@login_required
def change_role(organisation_id: int, membership_id: int):
    organisation = access.load_organisation(current_user, organisation_id, "manage")
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        with transaction.write():
            teams.change_role(current_user, organisation, membership_id, form.role.data)
    except teams.LastAdmin:
        flash(_("An organisation needs at least one admin. Make someone else an admin first."),
              "error")
    else:
        flash(_("The role is changed."), "success")
    return redirect(url_for("teams.show", organisation_id=organisation.id))


@bp.route("/organisations/<id:organisation_id>/members/<id:membership_id>/remove",
          methods=["POST"])
@login_required
def remove_member(organisation_id: int, membership_id: int):
    organisation = access.load_organisation(current_user, organisation_id, "manage")
    try:
        with transaction.write():
            teams.remove_member(current_user, organisation, membership_id)
    except teams.LastAdmin:
        flash(_("An organisation needs at least one admin. Make someone else an admin first."),
              "error")
        return redirect(url_for("teams.show", organisation_id=organisation.id))
    if not access.places(current_user).get(organisation.id):
        flash(_("You have left %(name)s.", name=organisation.name), "success")
        return redirect(url_for("assess.index"))
    flash(_("The member is removed. Their answers stay in the assessments."), "success")
    return redirect(url_for("teams.show", organisation_id=organisation.id))


@bp.route("/organisations/<id:organisation_id>/leave", methods=["POST"])
@login_required
def leave(organisation_id: int):
    organisation = access.load_organisation(current_user, organisation_id, "read")
    try:
        with transaction.write():
            teams.leave(current_user, organisation)
    except teams.LastAdmin:
        flash(_("You are the only admin: make someone else an admin before you leave."),
              "error")
        return redirect(url_for("teams.show", organisation_id=organisation.id))
    flash(_("You have left %(name)s.", name=organisation.name), "success")
    return redirect(url_for("assess.index"))


@bp.route("/organisations/<id:organisation_id>/invitations", methods=["POST"])
@login_required
def invite(organisation_id: int):
    organisation = access.load_organisation(current_user, organisation_id, "manage")
    form = InviteForm()
    if not form.validate_on_submit():
        return organisation_page(organisation, 422, invite_form=form)
    try:
        with transaction.write() as written:
            invitation, token = teams.invite(current_user, organisation, form.email.data,
                                             form.role.data, form.locale.data)
    except teams.AlreadyMember:
        form.email.errors.append(_("This person is a member already."))
        return organisation_page(organisation, 422, invite_form=form)
    return link_page(organisation, invitation, token, written.results)


@bp.route("/organisations/<id:organisation_id>/invitations/<id:invitation_id>/renew",
          methods=["POST"])
@login_required
def renew_invitation(organisation_id: int, invitation_id: int):
    organisation = access.load_organisation(current_user, organisation_id, "manage")
    try:
        with transaction.write() as written:
            invitation, token = teams.renew(current_user, organisation, invitation_id)
    except teams.InvitationUnusable:
        abort(409)
    return link_page(organisation, invitation, token, written.results)


def link_page(organisation: Organisation, invitation, token: str, delivered: list):
    """Show the invitation's link once (only its hash is kept), and whether it was mailed."""
    return render_template(
        "teams/invitation_link.html", organisation=organisation, invitation=invitation,
        link=url_for("teams.accept", token=token, _external=True),
        mailed=mail.configured() and all(delivered), ROLES=ROLES)


@bp.route("/organisations/<id:organisation_id>/invitations/<id:invitation_id>/revoke",
          methods=["POST"])
@login_required
def revoke_invitation(organisation_id: int, invitation_id: int):
    organisation = access.load_organisation(current_user, organisation_id, "manage")
    with transaction.write():
        teams.revoke(current_user, organisation, invitation_id)
    flash(_("The invitation is revoked: its link no longer works."), "success")
    return redirect(url_for("teams.show", organisation_id=organisation.id))


@bp.route("/organisations/<id:organisation_id>/audit")
@login_required
def audit_log(organisation_id: int):
    organisation = access.load_organisation(current_user, organisation_id, "manage")
    page = request.args.get("page", "1")
    log = audit.organisation_log(organisation.id, int(page) if page.isdigit() else 1)
    return render_template("teams/audit.html", organisation=organisation, log=log)


@bp.route("/organisations/new", methods=["GET", "POST"])
@login_required
def new():
    form = OrganisationForm()
    if form.validate_on_submit():
        with transaction.write():
            organisation = accounts.create_organisation(
                current_user, form.organisation_name.data, form.organisation_type.data,
                form.country.data)
            found = g.get("user_session")
            if found is not None:
                sessions.choose_organisation(found, organisation.id)
        flash(_("%(name)s is set up, and you are its admin.", name=organisation.name),
              "success")
        return redirect(url_for("assess.index"))
    return render_template("teams/new.html", form=form), 422 if form.errors else 200


@bp.route("/organisations/switch", methods=["POST"])
@login_required
def switch():
    form = SwitchOrganisationForm()
    if not form.validate_on_submit():
        abort(400)
    organisation = access.load_organisation(current_user, form.organisation.data, "read")
    found = g.get("user_session")
    if found is not None:
        with transaction.write():
            sessions.choose_organisation(found, organisation.id)
    return redirect(safe_next(request.form.get("next")))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept(token: str):
    invitation = teams.invitation_for(token)
    if invitation is None or not invitation.usable(utcnow()):
        return render_template("teams/invitation_unusable.html", invitation=invitation), \
            404 if invitation is None else 410
    has_account = accounts.find_user(invitation.email) is not None
    form = AcceptInvitationForm()
    form.personal = (invitation.email, "")
    if current_user.is_authenticated:
        if request.method == "POST":
            try:
                with transaction.write():
                    teams.accept(current_user, invitation)
                    found = g.get("user_session")
                    if found is not None and invitation.kind == "member":
                        sessions.choose_organisation(found, invitation.organisation_id)
            except teams.WrongAccount:
                abort(403)
            except teams.InvitationUnusable:
                return render_template("teams/invitation_unusable.html",
                                       invitation=invitation), 410
            return _welcome(invitation, new_account=False)
        wrong_account = accounts.normalise_email(current_user.email) != invitation.email
        return render_template("teams/accept.html", invitation=invitation, form=None,
                               has_account=True, wrong_account=wrong_account, ROLES=ROLES)
    if has_account or request.method == "GET" or not form.validate_on_submit():
        status = 422 if form.errors else 200
        return render_template("teams/accept.html", invitation=invitation, form=form,
                               has_account=has_account, wrong_account=False,
                               ROLES=ROLES), status
    try:
        with transaction.write():
            user = teams.accept_with_new_account(invitation, name=form.name.data,
                                                 password=form.password.data,
                                                 locale=str(get_locale()))
            browser_token = accounts.sign_in(user, user_agent())
    except (teams.WrongAccount, teams.InvitationUnusable):
        return render_template("teams/invitation_unusable.html", invitation=invitation), 410
    begin_browser_session(user, browser_token)
    return _welcome(invitation, new_account=True)


def _welcome(invitation, new_account: bool):
    name = invitation.organisation.name
    if invitation.kind == "adviser":
        flash(_("You can now read the results of %(name)s: they are in your portfolio.",
                name=name), "success")
        return redirect(url_for("advisers.portfolio"))
    if new_account:
        flash(_("Welcome. You are now a member of %(name)s.", name=name), "success")
    else:
        flash(_("You are now a member of %(name)s.", name=name), "success")
    return redirect(url_for("assess.index"))
