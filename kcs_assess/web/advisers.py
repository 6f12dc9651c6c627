"""Advisers: an admin grants and revokes read access; the adviser's portfolio; every page an
adviser opens is written to the organisation's audit log."""

from __future__ import annotations

import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..labels import GRANT_SCOPES, ORGANISATION_TYPES
from ..reports.exports import portfolio_csv
from ..services import access, advisers, teams, transaction
from ..services.questionnaires import catalogue
from .forms import AdviserInviteForm
from .helpers import download
from .teams import link_page, organisation_page

bp = Blueprint("advisers", __name__)


@bp.after_app_request
def record_adviser_reads(response):
    """Write to each organisation's log the pages of its results an adviser opened."""
    read = access.adviser_reads()
    if read and request.method == "GET" and response.status_code < 400:
        with transaction.write():
            advisers.record_views(current_user, read, request.endpoint or "")
    return response


@bp.route("/organisations/<id:organisation_id>/advisers", methods=["POST"])
@login_required
def invite(organisation_id: int):
    organisation = access.load_organisation(current_user, organisation_id, "manage")
    form = AdviserInviteForm(prefix=AdviserInviteForm.PREFIX)
    if not form.validate_on_submit():
        return organisation_page(organisation, 422, adviser_form=form)
    try:
        with transaction.write() as written:
            invitation, token = advisers.invite(current_user, organisation, form.email.data,
                                                form.scope.data, form.months.data,
                                                form.locale.data)
    except teams.AlreadyMember:
        form.email.errors.append(_("This person is a member already: members need no grant."))
        return organisation_page(organisation, 422, adviser_form=form)
    return link_page(organisation, invitation, token, written.results)


@bp.route("/organisations/<id:organisation_id>/advisers/<id:grant_id>/revoke",
          methods=["POST"])
@login_required
def revoke(organisation_id: int, grant_id: int):
    organisation = access.load_organisation(current_user, organisation_id, "manage")
    with transaction.write():
        advisers.revoke(current_user, organisation, grant_id)
    flash(_("The adviser's access is revoked, as of now."), "success")
    return redirect(url_for("teams.show", organisation_id=organisation.id, _anchor="advisers"))


def _filters() -> advisers.PortfolioFilters:
    return advisers.PortfolioFilters(
        organisation_type=_one_of(request.args.get("type", ""), ORGANISATION_TYPES),
        country=request.args.get("country", "")[:2].upper(),
        questionnaire_id=_one_of(request.args.get("questionnaire", ""),
                                 [q.id for q in catalogue().current]))


def _one_of(value: str, allowed) -> str:
    return value if value in allowed else ""


def _sort() -> tuple[str, bool]:
    sort = request.args.get("sort", "organisation")[:80]
    return sort, request.args.get("order") == "desc"


@bp.route("/portfolio")
@login_required
def portfolio():
    filters = _filters()
    sort, descending = _sort()
    page = request.args.get("page", "1")
    found = advisers.portfolio(current_user, filters, sort, descending,
                               int(page) if page.isdigit() and len(page) < 9 else 1)
    with transaction.write():
        advisers.record_portfolio_view(current_user, found.rows)
    return render_template(
        "advisers/portfolio.html", portfolio=found, rows=found.rows, page=found.page,
        pages=found.pages,
        filters=filters, sort=sort, descending=descending, questionnaires=catalogue().current,
        today=datetime.datetime.now(datetime.UTC).date(), SCOPES=GRANT_SCOPES)


@bp.route("/portfolio.csv")
@login_required
def portfolio_export():
    filters = _filters()
    sort, descending = _sort()
    found = advisers.portfolio(current_user, filters, sort, descending, page=None)
    locale = str(get_locale())
    with transaction.write():
        advisers.record_portfolio_view(current_user, found.rows)
    return download(portfolio_csv(found.rows, found.standards, locale),
                    "text/csv; charset=utf-8", f"portfolio-{locale}.csv")
