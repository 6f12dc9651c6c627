"""Gather what the PDF builder needs; the builder itself knows nothing of the database."""

from __future__ import annotations

import datetime

from ..domain.crosswalk import crosswalk, informative
from ..domain.questionnaire import Questionnaire
from ..domain.scoring import score
from ..models import Assessment
from ..reports.blank import build_blank_pdf
from ..reports.plan import PlanReport, build_plan_pdf
from . import assessments, logos
from .questionnaires import catalogue


def plan_pdf(assessment: Assessment, locale: str, today: datetime.date,
             answers_shown: bool = True) -> bytes:
    """Return the results and improvement plan of an assessment as a PDF in a language;
    without notes and answers for a reader allowed the results only."""
    recorded = assessments.recorded(assessment)
    questionnaire = assessments.questionnaire_for(assessment)
    submitted_at = assessment.submitted_at
    result = score(questionnaire, recorded.answers)
    report = PlanReport(
        organisation_name=assessment.organisation.name,
        assessment_label=assessment.label,
        questionnaire=questionnaire,
        result=result,
        answers=recorded.answers,
        notes=recorded.notes if answers_shown else {},
        submitted=assessment.submitted,
        date=submitted_at.date() if submitted_at else today,
        generated_on=today,
        country=assessment.organisation.country,
        submitted_by=submitted_by(assessment),
        readiness=informative(crosswalk(result, recorded.answers,
                                        catalogue().frameworks)),
        answers_shown=answers_shown,
        logo=logos.png(assessment.organisation_id),
    )
    return build_plan_pdf(report, locale)


def submitted_by(assessment: Assessment) -> str | None:
    """Return the name of who submitted an assessment, or None for a draft or a deleted user."""
    if not assessment.submitted or assessment.submitted_by is None:
        return None
    return assessment.submitted_by.name


_blank_pdfs: dict[tuple[str, str, str], bytes] = {}


def blank_pdf(questionnaire: Questionnaire, locale: str) -> bytes:
    """Return the printable blank questionnaire; built once per version and language."""
    key = (questionnaire.id, questionnaire.version, locale)
    if key not in _blank_pdfs:
        _blank_pdfs[key] = build_blank_pdf(questionnaire, locale)
    return _blank_pdfs[key]
