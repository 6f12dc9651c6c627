"""Assessments: start, list, save a step, submit, reopen and delete.

Views load an assessment through `access.load_assessment`, which checks the role; the
functions here that write run inside `transaction.write()` and lock what they decide on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from sqlalchemy import bindparam, select, update
from sqlalchemy import delete as delete_rows

from ..domain.questionnaire import Questionnaire, Standard
from ..domain.scoring import Result, score
from ..domain.wizard import Conflict, StepInput, Stored, merge_step
from ..extensions import db
from ..models import Answer, Assessment, Organisation, User, utcnow
from . import access, actions, audit
from .questionnaires import questionnaire_of, snapshot_for

LABEL_MAX_LENGTH = 120
REASON_MAX_LENGTH = 500


class AssessmentLocked(Exception):
    """The assessment was submitted and can no longer change."""


class NotSubmitted(Exception):
    """Only a submitted assessment can be reopened."""


class Incomplete(Exception):
    """Some included questions are unanswered, so the assessment cannot be submitted."""


class LabelMismatch(ValueError):
    """The name typed to confirm a deletion is not the assessment's name."""


@dataclass(frozen=True)
class Recorded:
    """An assessment's stored answers and notes, keyed by question id."""

    answers: dict[str, str]
    notes: dict[str, str]
    stored: dict[str, Stored]
    updated_by: dict[str, int | None]
    carried: frozenset[str] = frozenset()  # carried over from the round before, not yet saved


@dataclass(frozen=True)
class SaveResult:
    changed: int
    conflicts: tuple[Conflict, ...]


def start(user: User, organisation: Organisation, questionnaire: Questionnaire, label: str,
          locale: str) -> Assessment:
    """Start a draft assessment of an organisation on the current version of a questionnaire."""
    if not access.can(user, organisation.id, "answer"):
        raise access.Forbidden("answer")
    assessment = Assessment(
        organisation=organisation, questionnaire_version=snapshot_for(questionnaire),
        label=label.strip(), locale=locale, created_by_id=user.id, status="draft",
    )
    db.session.add(assessment)
    db.session.flush()
    audit.record(user, "assessment_started", organisation_id=organisation.id,
                 object_type="assessment", object_id=assessment.id, label=assessment.label)
    return assessment


def list_for(user: User, organisation_id: int) -> list[Assessment]:
    """Return an organisation's assessments that the user may read, newest first."""
    return list(db.session.execute(
        select(Assessment)
        .where(Assessment.organisation_id == organisation_id,
               access.visible_assessments(user, "read"))
        .order_by(Assessment.updated_at.desc(), Assessment.id.desc())
    ).scalars())


def questionnaire_for(assessment: Assessment) -> Questionnaire:
    return questionnaire_of(assessment.questionnaire_version)


def recorded(assessment: Assessment) -> Recorded:
    return recorded_many([assessment.id])[assessment.id]


def recorded_many(assessment_ids: Iterable[int]) -> dict[int, Recorded]:
    """Return the stored answers of several assessments, read with one query."""
    ids = list(dict.fromkeys(assessment_ids))
    rows_by: dict[int, list] = {assessment_id: [] for assessment_id in ids}
    if ids:
        for row in db.session.execute(_answers_of(), {"ids": ids}):
            rows_by[row[0]].append(row)
    found = {}
    for assessment_id, rows in rows_by.items():
        answers, notes, stored, updated_by, carried = {}, {}, {}, {}, set()
        for _, question_id, value, note, revision, by, carried_over in rows:
            if value is not None:
                answers[question_id] = value
            if note:
                notes[question_id] = note
            stored[question_id] = Stored(value, note, revision)
            updated_by[question_id] = by
            if carried_over:
                carried.add(question_id)
        found[assessment_id] = Recorded(answers, notes, stored, updated_by, frozenset(carried))
    return found


@cache
def _answers_of():
    """Every step page runs this: built once, of the table's columns (no ORM entity)."""
    column = Answer.__table__.c
    return (select(column.assessment_id, column.question_id, column.value, column.note,
                   column.revision, column.updated_by_id, column.carried_over)
            .where(column.assessment_id.in_(bindparam("ids", expanding=True))))


class AssessmentSheet:
    """An assessment's answer sheet for the wizard's steps (domain.wizard.Sheet): shared by
    colleagues, so a save keeps their newer changes and reports conflicts."""

    def __init__(self, user: User, assessment: Assessment):
        self.user = user
        self.assessment = assessment

    def answers(self) -> dict[str, str]:
        return recorded(self.assessment).answers

    def save(self, standard: Standard, step: StepInput) -> tuple[Conflict, ...]:
        return save_step(self.user, self.assessment, step,
                         [q.id for q in standard.questions]).conflicts


def result_of(assessment: Assessment) -> Result:
    return score(questionnaire_for(assessment), recorded(assessment).answers)


def save_step(user: User, assessment: Assessment, step: StepInput,
              on_step: Iterable[str] = ()) -> SaveResult:
    """Store what a step post changed; report the questions a colleague changed meanwhile.

    Runs inside transaction.write(): the draft is locked first, so the answers read here
    are the latest and no submit can land in between. Answers carried over from the round
    before are no longer marked as such once their step (`on_step`: its question ids) is
    saved: the respondent has seen them.
    """
    _lock_draft(assessment)
    on_step = list(on_step)
    if on_step:
        db.session.execute(update(Answer).where(
            Answer.assessment_id == assessment.id, Answer.question_id.in_(on_step),
            Answer.carried_over.is_(True)).values(carried_over=False))
    rows = {
        a.question_id: a for a in db.session.execute(
            select(Answer).where(Answer.assessment_id == assessment.id,
                                 Answer.question_id.in_(step.question_ids))
        ).scalars()
    }
    merge = merge_step(step, {q: Stored(r.value, r.note, r.revision) for q, r in rows.items()})
    now = utcnow()
    for change in merge.changes:
        row = rows.get(change.question_id)
        if row is None:
            row = Answer(assessment_id=assessment.id, question_id=change.question_id,
                         revision=0)
            db.session.add(row)
        row.value, row.note = change.value, change.note
        row.revision += 1
        row.updated_by_id, row.updated_at = user.id, now
    if merge.changes:
        assessment.updated_at = now
    return SaveResult(len(merge.changes), merge.conflicts)


def submit(user: User, assessment: Assessment) -> Result:
    """Lock a complete assessment; raise Incomplete when an included question is unanswered."""
    _lock_draft(assessment)
    result = result_of(assessment)
    if not result.complete:
        raise Incomplete(result.unanswered)
    assessment.status = "submitted"
    assessment.submitted_at = utcnow()
    assessment.submitted_by_id = user.id
    _keep_summary(assessment, result)
    audit.record(user, "assessment_submitted", organisation_id=assessment.organisation_id,
                 object_type="assessment", object_id=assessment.id, label=assessment.label)
    actions.reconcile(user, assessment, result, recorded(assessment).answers)
    return result


def _keep_summary(assessment: Assessment, result: Result | None) -> None:
    """Store what scoring computed at submission, so lists can sort by it without scoring."""
    assessment.score = result.score if result else None
    assessment.level = result.level.key if result and result.level else None
    assessment.minimum_met = result.minimum_met if result else None
    assessment.standard_levels = {
        r.standard.id: {"score": r.score, "level": r.level.key if r.level else None}
        for r in result.standards
    } if result else None


def reopen(user: User, assessment: Assessment, reason: str) -> None:
    """Return a submitted assessment to draft; the audit log keeps who did it and why."""
    status = _lock(assessment)
    if status != "submitted":
        raise NotSubmitted(assessment.id)
    assessment.status = "draft"
    assessment.submitted_at = None
    assessment.submitted_by_id = None
    assessment.updated_at = utcnow()
    _keep_summary(assessment, None)
    audit.record(user, "assessment_reopened", organisation_id=assessment.organisation_id,
                 object_type="assessment", object_id=assessment.id, label=assessment.label,
                 reason=reason.strip()[:REASON_MAX_LENGTH])


def delete(user: User, assessment: Assessment, typed_label: str) -> None:
    """Delete an assessment and every answer and note of it, once its name is typed."""
    if typed_label.strip() != assessment.label.strip():
        raise LabelMismatch(typed_label)
    _lock(assessment)
    audit.record(user, "assessment_deleted", organisation_id=assessment.organisation_id,
                 object_type="assessment", object_id=assessment.id, label=assessment.label)
    db.session.execute(delete_rows(Answer).where(Answer.assessment_id == assessment.id))
    db.session.delete(assessment)


def _lock(assessment: Assessment) -> str:
    """Hold the assessment's row for this transaction and return its status as stored now.

    FOR UPDATE on PostgreSQL; SQLite holds its write lock from the start of write().
    """
    status = db.session.execute(
        select(Assessment.status).where(Assessment.id == assessment.id).with_for_update()
    ).scalar_one_or_none()
    if status is None:  # deleted by someone else since the page was loaded
        raise access.NotFound(assessment.id)
    return status


def _lock_draft(assessment: Assessment) -> None:
    if _lock(assessment) == "submitted":
        raise AssessmentLocked(assessment.id)
