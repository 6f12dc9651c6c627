"""Labels, formatting and template helpers shared by the views."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import format_date, format_datetime, format_decimal, get_locale, ngettext, pgettext
from flask_babel import lazy_gettext as _l

from ..domain.questionnaire import message_context

# The shipped interface languages: code -> the language's own name.
LANGUAGES = {"en": "English"}
RIGHT_TO_LEFT = {"ar"}

ANSWER_LABELS = {
    "yes": _l("Yes"),
    "partly": _l("Partly"),
    "no": _l("No"),
    "unknown": _l("Don't know"),
    "na": _l("Not applicable"),
}
SEVERITY_LABELS = {
    "critical": _l("Critical"),
    "high": _l("High"),
    "medium": _l("Medium"),
    "low": _l("Low"),
}
STATUS_LABELS = {
    "not_started": _l("Not started"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
}
ASSESSMENT_STATUS_LABELS = {"draft": _l("Draft"), "submitted": _l("Submitted")}
TIER_LABELS = {"framework": _l("On paper"), "practice": _l("In practice")}
ORGANISATION_TYPE_LABELS = {
    "ngo": _l("Non-governmental organisation (NGO)"),
    "contingent": _l("Military or police contingent"),
    "other": _l("Other organisation"),
}


def qtext(text: str, questionnaire_id: str, element_id: str, field: str) -> str:
    """Translate one questionnaire string through the catalogs, by its own context."""
    if not text:
        return text
    return pgettext(message_context(questionnaire_id, element_id, field), text)


def score_text(value: float | None) -> str:
    """Show a score rounded to a whole number, or "not assessed" (never 0) when there is none."""
    if value is None:
        return str(_l("Not assessed"))
    return format_decimal(round(value), format="#,##0")


def month_text(months: int) -> str:
    return ngettext("%(num)d month", "%(num)d months", months)


def text_direction() -> str:
    return "rtl" if str(get_locale().language) in RIGHT_TO_LEFT else "ltr"


def template_globals(static_version: str) -> dict[str, Any]:
    def static_url(filename: str) -> str:
        return url_for("static", filename=filename, v=static_version)

    return {
        "static_url": static_url,
        "get_locale": get_locale,
        "text_direction": text_direction,
        "ANSWER_LABELS": ANSWER_LABELS,
        "SEVERITY_LABELS": SEVERITY_LABELS,
        "STATUS_LABELS": STATUS_LABELS,
        "ASSESSMENT_STATUS_LABELS": ASSESSMENT_STATUS_LABELS,
        "TIER_LABELS": TIER_LABELS,
        "ORGANISATION_TYPE_LABELS": ORGANISATION_TYPE_LABELS,
        "LANGUAGES": LANGUAGES,
        "qtext": qtext,
        "score_text": score_text,
        "month_text": month_text,
    }


def template_filters() -> dict[str, Any]:
    return {"date": format_date, "datetime": format_datetime}
