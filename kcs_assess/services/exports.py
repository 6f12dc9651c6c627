"""Exports: gather an assessment for reports/exports.py, and record each export in the log."""

from __future__ import annotations

from sqlalchemy import select

from ..domain.scoring import score
from ..extensions import db
from ..models import ActionComment, Assessment, User, utcnow
from ..reports import exports as build
from . import actions, assessments, audit

FORMATS = {
    "csv": ("text/csv; charset=utf-8", build.assessment_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             build.assessment_xlsx),
    "json": ("application/json", build.assessment_json),
}


def assessment_export(assessment: Assessment) -> build.AssessmentExport:
    recorded = assessments.recorded(assessment)
    questionnaire = assessments.questionnaire_for(assessment)
    states = actions.states(assessment)
    comments: dict[int, list[build.Comment]] = {}
    if states:
        for row in db.session.execute(
            select(ActionComment).where(ActionComment.action_id.in_(
                [state.id for state in states.values()])).order_by(ActionComment.id)
        ).scalars():
            comments.setdefault(row.action_id, []).append(
                build.Comment(row.author_name, row.at, row.text))
    return build.AssessmentExport(
        organisation_name=assessment.organisation.name,
        organisation_type=assessment.organisation.type,
        country=assessment.organisation.country,
        assessment_id=assessment.id, label=assessment.label, status=assessment.status,
        created_at=assessment.created_at, submitted_at=assessment.submitted_at,
        submitted_by=assessment.submitted_by.name if assessment.submitted_by else None,
        questionnaire=questionnaire, result=score(questionnaire, recorded.answers),
        answers=recorded.answers, notes=recorded.notes, actions=states,
        comments={key: tuple(value) for key, value in comments.items()},
        exported_at=utcnow(),
    )


def export(user: User, assessment: Assessment, file_format: str, locale: str) -> bytes:
    """Return the assessment in a format and language; the organisation's log records it."""
    _, builder = FORMATS[file_format]
    data = builder(assessment_export(assessment), locale)
    record(user, assessment, file_format, locale)
    return data


def record(user: User, assessment: Assessment, file_format: str, locale: str) -> None:
    audit.record(user, "exported", organisation_id=assessment.organisation_id,
                 object_type="assessment", object_id=assessment.id, label=assessment.label,
                 format=file_format, language=locale)
