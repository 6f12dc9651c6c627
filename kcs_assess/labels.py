"""The fixed words of the tool (answers, severities, levels of progress), as gettext msgids.

Marked with N_ for extraction and translated where they are shown, by the web layer and
by the PDF builder alike, so each word has one source.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark a string for translation without translating it yet."""
    return message


ANSWERS = {
    "yes": N_("Yes"),
    "partly": N_("Partly"),
    "no": N_("No"),
    "unknown": N_("Don't know"),
    "na": N_("Not applicable"),
}
SEVERITIES = {
    "critical": N_("Critical"),
    "high": N_("High"),
    "medium": N_("Medium"),
    "low": N_("Low"),
}
STEP_STATUSES = {
    "not_started": N_("Not started"),
    "in_progress": N_("In progress"),
    "done": N_("Done"),
}
ASSESSMENT_STATUSES = {"draft": N_("Draft"), "submitted": N_("Submitted")}
TIERS = {"framework": N_("On paper"), "practice": N_("In practice")}
ORGANISATION_TYPES = {
    # i18n: no abbreviation here: English "NGO" would show as is in other languages.
    "ngo": N_("Non-governmental organisation"),
    "contingent": N_("Military or police contingent"),
    "other": N_("Other organisation"),
}
NOT_ASSESSED = N_("Not assessed")
