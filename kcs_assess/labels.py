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
    "done": N_("Completed"),  # a part of the questionnaire; an action's "Done" is below
}
ASSESSMENT_STATUSES = {"draft": N_("Draft"), "submitted": N_("Submitted")}
TIERS = {"framework": N_("On paper"), "practice": N_("In practice")}
ORGANISATION_TYPES = {
    # i18n: no abbreviation here: English "NGO" would show as is in other languages.
    "ngo": N_("Non-governmental organisation"),
    "contingent": N_("Military or police contingent"),
    "other": N_("Other organisation"),
}
ACTION_STATUSES = {
    "open": N_("Open"),
    "in_progress": N_("In progress"),
    "done": N_("Done"),
    "wont_do": N_("Will not do"),
}
GRANT_SCOPES = {
    "results": N_("Results and plan"),
    "answers": N_("Results, plan, answers and notes"),
}
CHANGES = {
    "worsened": N_("Worsened"),
    "improved": N_("Improved"),
    "new": N_("New"),
    "removed": N_("Removed"),
    "unchanged": N_("Unchanged"),
}
ROLES = {
    "viewer": N_("Viewer"),
    "editor": N_("Editor"),
    "admin": N_("Admin"),
}
ROLE_DESCRIPTIONS = {
    "viewer": N_("reads assessments, results and PDFs"),
    "editor": N_("also starts, answers and submits assessments"),
    "admin": N_("also manages members, invitations and the organisation, and can reopen or "
                "delete an assessment"),
}
NOT_ASSESSED = N_("Not assessed")
# What the improvement plan says when it has no action (scoring.Result.plan_status).
PLAN_STATUSES = {
    "nothing_answered": N_("Nothing has been answered yet, so there is no improvement plan "
                           "yet. Answer the questions to see the gaps and what to do about "
                           "them."),
    "incomplete": N_("No gaps among the answers so far, but some questions are still "
                     "unanswered: the plan is complete only when every question is answered."),
    "nothing_scored": N_("Nothing could be scored: every question that applied was answered "
                         "“Not applicable”."),
    "no_gaps": N_("No gaps found: everything asked about is fully in place."),
}
# What the answers indicate for an item of another framework (domain/crosswalk.py).
CROSSWALK_STATUSES = {
    "met": N_("Met"),
    "partly": N_("Partly met"),
    "not_met": N_("Not met"),
    "not_assessed": NOT_ASSESSED,
}
