"""The account page: name, email, password, language, and the browsers signed in."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..i18n import LANGUAGES
from ..models import utcnow
from ..services import access, accounts, audit, sessions, transaction
from .auth import begin_browser_session, end_browser_session, user_agent
from .forms import ChangeEmailForm, ChangePasswordForm, LanguageForm, NameForm

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.before_request
@login_required
def require_sign_in() -> None:
    """Every page here is about the signed-in user's own account."""


@bp.route("")
def show():
    return _page()


def _page(status: int = 200, **forms):
    now = utcnow()
    name_form = forms.get("name_form") or NameForm(data={"name": current_user.name})
    language_form = forms.get("language_form") or LanguageForm(
        data={"locale": current_user.locale or str(get_locale())})
    return render_template(
        "account/show.html",
        name_form=name_form, language_form=language_form,
        email_form=forms.get("email_form") or ChangeEmailForm(),
        password_form=forms.get("password_form") or ChangePasswordForm(),
        browser_sessions=sessions.live(current_user, now),
        this_session=g.get("user_session"),
        places=access.places(current_user).values(),
        events=audit.account_events(current_user),
    ), status


@bp.route("/name", methods=["POST"])
def change_name():
    form = NameForm()
    if not form.validate_on_submit():
        return _page(422, name_form=form)
    with transaction.write():
        accounts.set_name(current_user, form.name.data)
    flash(_("Your name is changed."), "success")
    return redirect(url_for("account.show"))


@bp.route("/language", methods=["POST"])
def change_language():
    form = LanguageForm()
    if not form.validate_on_submit() or form.locale.data not in LANGUAGES:
        abort(400)
    with transaction.write():
        accounts.set_locale(current_user, form.locale.data)
    session["locale"] = form.locale.data
    return redirect(url_for("account.show"))


@bp.route("/email", methods=["POST"])
def change_email():
    form = ChangeEmailForm()
    if not form.validate_on_submit():
        return _page(422, email_form=form)
    try:
        with transaction.write():
            accounts.request_email_change(current_user, form.current.data, form.email.data,
                                          str(get_locale()))
    except accounts.WrongPassword:
        form.current.errors.append(_("The password is not right."))
        return _page(422, email_form=form)
    flash(_("We have sent a link to %(email)s. Open it to confirm the new address; until "
            "then your account keeps its current one.", email=form.email.data), "success")
    return redirect(url_for("account.show"))


@bp.route("/password", methods=["POST"])
def change_password():
    form = ChangePasswordForm()
    form.personal = (current_user.email, current_user.name)
    if not form.validate_on_submit():
        return _page(422, password_form=form)
    try:
        with transaction.write():
            token = accounts.change_password(current_user, form.current.data,
                                             form.password.data, user_agent())
    except accounts.WrongPassword:
        form.current.errors.append(_("The password is not right."))
        return _page(422, password_form=form)
    begin_browser_session(current_user._get_current_object(), token)
    flash(_("Your password is changed, and every other browser is signed out."), "success")
    return redirect(url_for("account.show"))


@bp.route("/sessions/<id:session_id>/end", methods=["POST"])
def end_session(session_id: int):
    this = g.get("user_session")
    with transaction.write():
        found = sessions.end_one(current_user, session_id)
        if found:
            audit.record(current_user, "session_ended", object_type="user",
                         object_id=current_user.id)
    if not found:
        abort(404)
    if this is not None and this.id == session_id:
        end_browser_session()
        return redirect(url_for("auth.sign_in"))
    flash(_("That browser is signed out."), "success")
    return redirect(url_for("account.show"))


@bp.route("/sessions/end-all", methods=["POST"])
def end_all_sessions():
    with transaction.write():
        sessions.end_all(current_user)
        audit.record(current_user, "signed_out_everywhere", object_type="user",
                     object_id=current_user.id)
    end_browser_session()
    flash(_("Every browser, this one included, is signed out."), "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/email/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    """Confirm a new address with the link mailed to it (a button: mail scanners open links)."""
    if request.method == "GET":
        return render_template("account/confirm_email.html")
    try:
        with transaction.write():
            user = accounts.confirm_email_change(token)
    except accounts.EmailTaken:
        return render_template("account/email_taken.html"), 409
    if user is None:
        return render_template("auth/link_expired.html",
                               again=url_for("account.show")), 400
    flash(_("Your email address is now %(email)s.", email=user.email), "success")
    return redirect(url_for("account.show"))
