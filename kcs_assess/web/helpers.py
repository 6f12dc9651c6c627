"""Labels, formatting and template helpers shared by the views."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import Response, g, request, url_for
from flask_babel import get_locale, ngettext
from flask_login import current_user

from .. import labels
from ..domain.chart import chart_layout, trend_layout
from ..domain.questionnaire import Questionnaire, Standard
from ..domain.scoring import level_ranges
from ..domain.wizard import NOTHING_STORED
from ..i18n import LANGUAGES, Translator, country_name, direction, format_day, format_moment
from ..models import Organisation
from ..services import access


class TranslatedLabels(Mapping[str, str]):
    """One family of fixed words from labels.py, translated when looked up."""

    def __init__(self, msgids: dict[str, str]):
        self.msgids = msgids

    def __getitem__(self, key: str) -> str:
        return translator().gettext(self.msgids[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self.msgids)

    def __len__(self) -> int:
        return len(self.msgids)


ANSWER_LABELS = TranslatedLabels(labels.ANSWERS)
SEVERITY_LABELS = TranslatedLabels(labels.SEVERITIES)
STATUS_LABELS = TranslatedLabels(labels.STEP_STATUSES)
ASSESSMENT_STATUS_LABELS = TranslatedLabels(labels.ASSESSMENT_STATUSES)
TIER_LABELS = TranslatedLabels(labels.TIERS)
ORGANISATION_TYPE_LABELS = TranslatedLabels(labels.ORGANISATION_TYPES)
PLAN_STATUS_LABELS = TranslatedLabels(labels.PLAN_STATUSES)
CROSSWALK_LABELS = TranslatedLabels(labels.CROSSWALK_STATUSES)
ROLE_LABELS = TranslatedLabels(labels.ROLES)
ACTION_STATUS_LABELS = TranslatedLabels(labels.ACTION_STATUSES)
GRANT_SCOPE_LABELS = TranslatedLabels(labels.GRANT_SCOPES)
CHANGE_LABELS = TranslatedLabels(labels.CHANGES)
ROLE_DESCRIPTIONS = TranslatedLabels(labels.ROLE_DESCRIPTIONS)


def current_organisation() -> Organisation | None:
    """Return the organisation this browser's pages are about (the user's choice, else the
    first by name), or None for a visitor or a user who belongs to none."""
    if not current_user.is_authenticated:
        return None
    places = access.places(current_user)
    found = g.get("user_session")
    if found is not None and found.organisation_id in places:
        return places[found.organisation_id].organisation
    return next(iter(places.values())).organisation if places else None


def user_places() -> list[access.Place]:
    return list(access.places(current_user).values()) if current_user.is_authenticated else []


def translator() -> Translator:
    """Return this request's translator: a plain catalog lookup, cheap to call per string.

    Flask-Babel's gettext walks several context proxies per call; a wizard page looks up
    hundreds of strings, so the web layer resolves the language once per request.
    """
    cached = g.get("kcs_translator")
    if cached is None:
        cached = g.kcs_translator = Translator.for_locale(str(get_locale()))
    return cached


def install_gettext(app: Any) -> None:
    """Make the templates' _(), ngettext() and pgettext() look up this request's translator.

    Flask-Babel's find the language through several context proxies on every call, and a
    page calls them dozens of times. Jinja's newstyle wrapping (escaping, %(name)s) stays.
    """
    app.jinja_env.install_gettext_callables(
        gettext=lambda message: translator().catalog.gettext(message),
        ngettext=lambda singular, plural, n: translator().catalog.ngettext(singular, plural, n),
        newstyle=True,
        pgettext=lambda context, message: translator().catalog.pgettext(context, message),
        npgettext=lambda context, singular, plural, n: translator().catalog.npgettext(
            context, singular, plural, n),
    )


def qtext(text: str, questionnaire_id: str, element_id: str, field: str) -> str:
    """Translate one questionnaire string through the catalogs, by its own context."""
    return translator().questionnaire_text(text, questionnaire_id, element_id, field)


def ftext(text: str, framework_id: str, item_id: str | None = None) -> str:
    """Translate a framework's title, or one of its items' titles, through the catalogs."""
    return translator().framework_text(text, framework_id, item_id)


@dataclass(frozen=True)
class QuestionView:
    """What a wizard step shows of one question that does not depend on the answers."""

    id: str
    text: str
    help: str
    critical: bool
    show_if: str  # "<question id> <answer> ...", read by app.js; "" when always shown
    options: tuple[tuple[str, str], ...]  # (answer key, label)


@dataclass(frozen=True)
class CriterionView:
    title: str
    questions: tuple[QuestionView, ...]


_step_views: dict[tuple[str, str, str], tuple[CriterionView, ...]] = {}


def step_view(questionnaire: Questionnaire, digest: str, standard: Standard,
              locale: str) -> tuple[CriterionView, ...]:
    """Return a step's translated questions, prepared once per snapshot, step and language.

    A step page shows up to 18 questions; preparing their texts and labels on every request
    was most of the cost of rendering it. `digest` is the snapshot's sha256.
    """
    key = (digest, standard.id, locale)
    if key not in _step_views:
        t = Translator.for_locale(locale)
        _step_views[key] = tuple(
            CriterionView(
                t.questionnaire_text(criterion.title, questionnaire.id, criterion.id, "title"),
                tuple(
                    QuestionView(
                        id=q.id,
                        text=t.questionnaire_text(q.text, questionnaire.id, q.id, "text"),
                        help=t.questionnaire_text(q.help, questionnaire.id, q.id, "help"),
                        critical=q.critical,
                        show_if=" ".join((q.show_if.question, *q.show_if.opening))
                        if q.show_if else "",
                        options=tuple((k, t.gettext(labels.ANSWERS[k])) for k in q.options),
                    )
                    for q in criterion.questions
                ),
            )
            for criterion in standard.criteria
        )
    return _step_views[key]


def level_text(questionnaire: Questionnaire | None, key: str | None) -> str:
    """Name a level of a questionnaire by its key, in the page's language ("" if unknown)."""
    if questionnaire is None or not key:
        return ""
    level = next((level for level in questionnaire.levels if level.key == key), None)
    return qtext(level.title, questionnaire.id, f"level.{key}", "title") if level else ""


def country_text(code: str) -> str:
    return country_name(code, str(get_locale()))


def has_portfolio() -> bool:
    """Return whether the signed-in user has a live adviser's grant (the header links to it)."""
    return current_user.is_authenticated and access.has_grants(current_user)


def signed_score(change: float | None) -> str:
    return translator().change(change)


def pdf_response(pdf: bytes, filename: str) -> Response:
    return download(pdf, "application/pdf", filename)


def slug(label: str) -> str:
    """Return an ASCII file name part for a label, which may be in any script."""
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()[:60] or "assessment"


def download(data: bytes, mimetype: str, filename: str) -> Response:
    """Answer with a file to save, under an ASCII name."""
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def score_text(value: float | None) -> str:
    """Show a score as the PDF does: whole, or "not assessed" (never 0) when there is none."""
    return translator().score(value)


def month_text(months: int) -> str:
    return ngettext("%(num)d month", "%(num)d months", months)


def text_direction() -> str:
    return direction(translator().locale)


def locale_code() -> str:
    """Return this request's language code ("en", "ar"...), as its translator has it."""
    return translator().locale


def template_globals(static_version: str) -> dict[str, Any]:
    # Addresses that take no parameter (the header's links, the static files) are the same on
    # every request: built once per app and script root, not by url_for on every page.
    fixed: dict[tuple[str, str, str], str] = {}

    def page_url(endpoint: str) -> str:
        key = (endpoint, "", request.script_root)
        found = fixed.get(key)
        if found is None:
            found = fixed[key] = url_for(endpoint)
        return found

    def static_url(filename: str) -> str:
        key = ("static", filename, request.script_root)
        found = fixed.get(key)
        if found is None:
            found = fixed[key] = url_for("static", filename=filename, v=static_version)
        return found

    return {
        "static_url": static_url,
        "page_url": page_url,
        "locale_code": locale_code,
        "get_locale": get_locale,
        "text_direction": text_direction,
        "ANSWER_LABELS": ANSWER_LABELS,
        "SEVERITY_LABELS": SEVERITY_LABELS,
        "STATUS_LABELS": STATUS_LABELS,
        "ASSESSMENT_STATUS_LABELS": ASSESSMENT_STATUS_LABELS,
        "TIER_LABELS": TIER_LABELS,
        "ORGANISATION_TYPE_LABELS": ORGANISATION_TYPE_LABELS,
        "ROLE_LABELS": ROLE_LABELS,
        "ACTION_STATUS_LABELS": ACTION_STATUS_LABELS,
        "GRANT_SCOPE_LABELS": GRANT_SCOPE_LABELS,
        "CHANGE_LABELS": CHANGE_LABELS,
        "signed_score": signed_score,
        "country_text": country_text,
        "level_text": level_text,
        "has_portfolio": has_portfolio,
        "trend_layout": trend_layout,
        "ROLE_DESCRIPTIONS": ROLE_DESCRIPTIONS,
        "current_organisation": current_organisation,
        "user_places": user_places,
        "NOTHING_STORED": NOTHING_STORED,
        "browser_text": browser_text,
        "audit_text": audit_text,
        "PLAN_STATUS_LABELS": PLAN_STATUS_LABELS,
        "LANGUAGES": LANGUAGES,
        "CROSSWALK_LABELS": CROSSWALK_LABELS,
        "qtext": qtext,
        "ftext": ftext,
        "level_ranges": level_ranges,
        "score_text": score_text,
        "month_text": month_text,
        "chart_layout": chart_layout,
    }


def isolate(text: str) -> str:
    """Wrap user text in first-strong isolates, for where no element can (a page's title).

    Its direction then follows its own first letter, and it cannot reorder what is around it.
    """
    return f"\u2068{text}\u2069"


def day_text(value: date) -> str:
    return format_day(value, str(get_locale()))


def moment_text(value: datetime) -> str:
    return format_moment(value, str(get_locale()))


def template_filters() -> dict[str, Any]:
    return {"date": day_text, "datetime": moment_text, "isolate": isolate}


_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser/", "Samsung Internet"),
             ("Firefox/", "Firefox"), ("Chromium/", "Chromium"), ("Chrome/", "Chrome"),
             ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"),
            ("Windows", "Windows"), ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"),
            ("Linux", "Linux"))


def browser_text(user_agent: str) -> str:
    """Name a browser from its user agent, as the list of signed-in browsers shows it."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), None)
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), None)
    t = translator()
    if browser and system:
        return t.gettext("%(browser)s on %(system)s", browser=browser, system=system)
    return browser or system or t.gettext("An unknown browser")


def audit_text(event: Any) -> str:
    """Say what an audit event records, in the reader's language."""
    t = translator()
    d = event.details or {}

    def role(key: str | None) -> str:
        return t.gettext(labels.ROLES[key]) if key in labels.ROLES else str(key)

    texts = {
        "signed_in": lambda: t.gettext("Signed in"),
        "sign_in_failed": lambda: t.gettext("A sign-in with a wrong password"),
        "signed_out_everywhere": lambda: t.gettext("Signed out in every browser"),
        "session_ended": lambda: t.gettext("Signed out one browser"),
        "password_changed": lambda: t.gettext("Changed the password"),
        "password_reset": lambda: t.gettext("Reset the password with an emailed link"),
        "email_changed": lambda: t.gettext("Changed the email address"),
        "organisation_created": lambda: t.gettext("Created the organisation"),
        "organisation_updated": lambda: t.gettext("Changed the organisation's details"),
        "logo_changed": lambda: t.gettext("Changed the logo"),
        "logo_removed": lambda: t.gettext("Removed the logo"),
        "member_role_changed": lambda: t.gettext(
            "Changed the role of %(member)s from %(old)s to %(new)s",
            member=d.get("member", ""), old=role(d.get("old")), new=role(d.get("new"))),
        "member_removed": lambda: t.gettext("Removed %(member)s (%(role)s)",
                                            member=d.get("member", ""), role=role(d.get("role"))),
        "member_left": lambda: t.gettext("Left the organisation"),
        "invitation_created": lambda: t.gettext("Invited %(email)s as %(role)s",
                                                email=d.get("email", ""),
                                                role=role(d.get("role"))),
        "invitation_renewed": lambda: t.gettext("Made a new invitation link for %(email)s",
                                                email=d.get("email", "")),
        "invitation_revoked": lambda: t.gettext("Revoked the invitation of %(email)s",
                                                email=d.get("email", "")),
        "invitation_accepted": lambda: t.gettext("Accepted an invitation and joined as %(role)s",
                                                 role=role(d.get("role"))),
        "assessment_started": lambda: t.gettext("Started the assessment “%(label)s”",
                                                label=d.get("label", "")),
        "assessment_submitted": lambda: t.gettext("Submitted the assessment “%(label)s”",
                                                  label=d.get("label", "")),
        "assessment_reopened": lambda: t.gettext(
            "Reopened the assessment “%(label)s”: %(reason)s", label=d.get("label", ""),
            reason=d.get("reason", "")),
        "assessment_deleted": lambda: t.gettext("Deleted the assessment “%(label)s”",
                                                label=d.get("label", "")),
        "exported": lambda: t.gettext("Downloaded “%(label)s” as %(format)s (%(language)s)",
                                      label=d.get("label", ""),
                                      format=EXPORT_NAMES.get(d.get("format"), "?"),
                                      language=LANGUAGES.get(d.get("language", ""), "")),
        "adviser_invited": lambda: t.ngettext(
            "Invited %(email)s as an adviser for %(num)d month: %(scope)s",
            "Invited %(email)s as an adviser for %(num)d months: %(scope)s",
            int(d.get("months") or 0), email=d.get("email", ""),
            scope=t.gettext(labels.GRANT_SCOPES.get(d.get("scope"), ""))),
        "grant_accepted": lambda: t.gettext("Accepted to read the results as an adviser, "
                                            "until %(date)s", date=d.get("until", "")),
        "grant_revoked": lambda: t.gettext("Revoked the access of the adviser %(name)s",
                                           name=d.get("adviser", "")),
        "adviser_viewed": lambda: t.gettext("As an adviser, opened %(page)s",
                                            page=_page_name(t, d)),
        "workshop_created": lambda: t.gettext("Created the workshop “%(title)s”",
                                              title=d.get("title", "")),
        "workshop_closed": lambda: t.gettext("Closed the workshop “%(title)s”",
                                             title=d.get("title", "")),
        "workshop_kept_open": lambda: t.ngettext(
            "Kept the workshop “%(title)s” open %(num)d hour longer",
            "Kept the workshop “%(title)s” open %(num)d hours longer",
            int(d.get("hours") or 0), title=d.get("title", "")),
        "workshop_exported": lambda: t.gettext(
            "Downloaded the results of the workshop “%(title)s” as %(format)s (%(language)s)",
            title=d.get("title", ""), format=EXPORT_NAMES.get(d.get("format"), "?"),
            language=LANGUAGES.get(d.get("language", ""), "")),
        "workshop_converted": lambda: t.gettext(
            "Made a draft assessment from the workshop “%(title)s”", title=d.get("title", "")),
        "action_updated": lambda: t.gettext(
            "Updated the action on %(question)s of “%(label)s”: %(status)s",
            question=d.get("question", ""), label=d.get("label", ""),
            status=t.gettext(labels.ACTION_STATUSES.get(d.get("status"), ""))),
    }
    text = texts.get(event.action)
    return text() if text else event.action


EXPORT_NAMES = {"pdf": "PDF", "csv": "CSV", "xlsx": "Excel", "json": "JSON",
                "comparison-pdf": "PDF"}


def _page_name(t: Translator, details: dict) -> str:
    """Name the page an adviser opened, for the organisation's audit log."""
    pages = {
        "portfolio": labels.N_("the portfolio"),
        "results.show": labels.N_("the results of “%(label)s”"),
        "results.plan_pdf": labels.N_("the PDF of “%(label)s”"),
        "rounds.compare": labels.N_("a comparison with “%(label)s”"),
        "rounds.compare_pdf": labels.N_("a comparison with “%(label)s”, as a PDF"),
        "rounds.trend": labels.N_("the trend, from “%(label)s”"),
        "actions.plan": labels.N_("the action plan of “%(label)s”"),
        "actions.edit": labels.N_("an action of “%(label)s”"),
        "assess.overview": labels.N_("the overview of “%(label)s”"),
        "assess.check": labels.N_("the answers of “%(label)s”"),
        "exports.assessment": labels.N_("an export of “%(label)s”"),
    }
    msgid = pages.get(details.get("page", ""), labels.N_("a page of “%(label)s”"))
    return t.gettext(msgid, label=details.get("label", ""))
