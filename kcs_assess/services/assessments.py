"""Assessments: start, read with access control, save a step, submit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..domain.questionnaire import Questionnaire
from ..domain.scoring import Result, score
from ..domain.wizard import StepInput
from ..extensions import db
from ..models import Answer, Assessment, Membership, Organisation, User, utcnow
from .questionnaires import questionnaire_of, snapshot_for

LABEL_MAX_LENGTH = 120


class AssessmentLocked(Exception):
    """The assessment was submitted and can no longer change."""


class Incomplete(Exception):
    """Some included questions are unanswered, so the assessment cannot be submitted."""


@dataclass(frozen=True)
class Recorded:
    """An assessment's stored answers and notes, keyed by question id."""

    answers: dict[str, str]
    notes: dict[str, str]
    updated: dict[str, datetime]


def start(user: User, organisation: Organisation, questionnaire: Questionnaire, label: str,
          locale: str) -> Assessment:
    """Start a draft assessment of an organisation on the current version of a questionnaire."""
    _require_member(user, organisation.id)
    assessment = Assessment(
        organisation=organisation, questionnaire_version=snapshot_for(questionnaire),
        label=label.strip(), locale=locale, created_by_id=user.id, status="draft",
    )
    db.session.add(assessment)
    db.session.commit()
    return assessment


def for_user(user: User, assessment_id: int) -> Assessment | None:
    """Return the assessment if the user belongs to its organisation, else None."""
    return db.session.execute(
        select(Assessment)
        .join(Membership, Membership.organisation_id == Assessment.organisation_id)
        .where(Assessment.id == assessment_id, Membership.user_id == user.id)
        .options(joinedload(Assessment.questionnaire_version))  # every page needs it
    ).scalar_one_or_none()


def list_for(user: User) -> list[Assessment]:
    """Return the assessments of every organisation the user belongs to, newest first."""
    return list(db.session.execute(
        select(Assessment)
        .join(Membership, Membership.organisation_id == Assessment.organisation_id)
        .where(Membership.user_id == user.id)
        .order_by(Assessment.updated_at.desc(), Assessment.id.desc())
    ).scalars())


def questionnaire_for(assessment: Assessment) -> Questionnaire:
    return questionnaire_of(assessment.questionnaire_version)


def recorded(assessment: Assessment) -> Recorded:
    rows = db.session.execute(
        select(Answer.question_id, Answer.value, Answer.note, Answer.updated_at)
        .where(Answer.assessment_id == assessment.id)
    ).all()
    return Recorded(
        answers={r.question_id: r.value for r in rows if r.value is not None},
        notes={r.question_id: r.note for r in rows if r.note},
        updated={r.question_id: r.updated_at for r in rows},
    )


def result_of(assessment: Assessment) -> Result:
    return score(questionnaire_for(assessment), recorded(assessment).answers)


def save_step(user: User, assessment: Assessment, step: StepInput) -> int:
    """Store a step's answers and notes in one transaction; return how many rows changed."""
    _lock_draft(assessment)
    existing = {
        a.question_id: a for a in db.session.execute(
            select(Answer).where(Answer.assessment_id == assessment.id,
                                 Answer.question_id.in_(step.question_ids))
        ).scalars()
    }
    changed = 0
    for question_id in sorted(step.question_ids):
        value = step.answers.get(question_id)
        note = step.notes.get(question_id)
        row = existing.get(question_id)
        if row is None:
            if value is None and not note:
                continue
            row = Answer(assessment_id=assessment.id, question_id=question_id, note="")
            db.session.add(row)
        new_value = row.value if value is None else value
        new_note = row.note if note is None else note
        if row.id is not None and (new_value, new_note) == (row.value, row.note):
            continue
        row.value, row.note, row.updated_by_id = new_value, new_note, user.id
        changed += 1
    if changed:
        assessment.updated_at = utcnow()
    db.session.commit()
    return changed


def submit(user: User, assessment: Assessment) -> Result:
    """Lock a complete assessment; raise Incomplete when an included question is unanswered."""
    _lock_draft(assessment)
    result = result_of(assessment)
    if not result.complete:
        raise Incomplete(result.unanswered)
    assessment.status = "submitted"
    assessment.submitted_at = utcnow()
    db.session.commit()
    return result


def _lock_draft(assessment: Assessment) -> None:
    """Hold the assessment's row for this transaction, refusing a submitted one.

    The row lock (PostgreSQL; SQLite serialises writers anyway) stops a save from
    landing after a concurrent submit.
    """
    status = db.session.execute(
        select(Assessment.status).where(Assessment.id == assessment.id).with_for_update()
    ).scalar_one()
    if status == "submitted":
        db.session.rollback()
        raise AssessmentLocked(assessment.id)


def _require_member(user: User, organisation_id: int) -> None:
    member = db.session.execute(
        select(Membership.id).where(Membership.user_id == user.id,
                                    Membership.organisation_id == organisation_id)
    ).first()
    if member is None:
        raise PermissionError("not a member of this organisation")
