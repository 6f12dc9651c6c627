"""Rounds over time: the next round from a submitted one, comparisons and trends.

Reads are batched: `recorded_many` reads the answers of every round shown with one query,
and scoring runs on read (it is pure and cheap).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..domain.questionnaire import Questionnaire
from ..domain.rounds import Comparison, carry_over, compare
from ..domain.scoring import Result, score
from ..extensions import db
from ..models import Answer, Assessment, QuestionnaireVersion, User, utcnow
from . import access, assessments
from .questionnaires import catalogue, questionnaire_of


class NotSubmitted(Exception):
    """Only a submitted assessment has a next round."""


class DifferentOrganisations(Exception):
    """Two assessments of different organisations are never compared."""


def start_next(user: User, previous: Assessment, label: str, locale: str) -> Assessment:
    """Start a draft on the current version of the questionnaire, carrying over every answer
    and note of questions that still exist (by id, or through `replaces`)."""
    if not previous.submitted:
        raise NotSubmitted(previous.id)
    old = questionnaire_of(previous.questionnaire_version)
    new = catalogue().get(old.id)
    if new is None:  # the questionnaire is no longer offered at all
        new = old
    draft = assessments.start(user, previous.organisation, new, label, locale)
    draft.previous_id = previous.id
    before = assessments.recorded(previous)
    now = utcnow()
    for question_id, carried in carry_over(old, new, before.answers, before.notes).items():
        db.session.add(Answer(assessment_id=draft.id, question_id=question_id,
                              value=carried.value, note=carried.note, revision=1,
                              carried_over=True, updated_at=now, updated_by_id=user.id))
    return draft


@dataclass(frozen=True)
class Round:
    assessment: Assessment
    questionnaire: Questionnaire
    result: Result
    answers: dict[str, str]


def rounds(assessments_to_score: list[Assessment]) -> list[Round]:
    """Score several assessments, reading all their answers with one query."""
    recorded = assessments.recorded_many(a.id for a in assessments_to_score)
    found = []
    for assessment in assessments_to_score:
        questionnaire = questionnaire_of(assessment.questionnaire_version)
        answers = recorded[assessment.id].answers
        found.append(Round(assessment, questionnaire, score(questionnaire, answers), answers))
    return found


def comparison(before: Assessment, after: Assessment) -> Comparison:
    if before.organisation_id != after.organisation_id:
        raise DifferentOrganisations()
    first, second = rounds([before, after])
    return compare(first.result, first.answers, second.result, second.answers)


def others(user: User, assessment: Assessment) -> list[Assessment]:
    """Return the organisation's other assessments the user may see the results of, newest
    first: what this one can be compared with."""
    return list(db.session.execute(
        select(Assessment).options(joinedload(Assessment.questionnaire_version))
        .where(Assessment.organisation_id == assessment.organisation_id,
               Assessment.id != assessment.id, access.visible_assessments(user, "results"))
        .order_by(Assessment.submitted_at.desc().nulls_last(), Assessment.id.desc())
    ).scalars())


def submitted_rounds(user: User, assessment: Assessment) -> list[Round]:
    """Return the organisation's submitted rounds of this assessment's questionnaire (any
    version), oldest first, scored: the trend."""
    questionnaire_id = assessment.questionnaire_version.questionnaire_id
    found = list(db.session.execute(
        select(Assessment).join(Assessment.questionnaire_version)
        .options(joinedload(Assessment.questionnaire_version))
        .where(Assessment.organisation_id == assessment.organisation_id,
               Assessment.status == "submitted",
               QuestionnaireVersion.questionnaire_id == questionnaire_id,
               access.visible_assessments(user, "results"))
        .order_by(Assessment.submitted_at, Assessment.id)
    ).scalars())
    return rounds(found)
