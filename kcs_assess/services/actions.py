"""Actions: each gap of a submitted assessment, with an owner, a due date, a status, comments.

Submitting makes the actions (`reconcile`): an action of the round before whose question is
now answered "yes" is closed as done, confirmed by the answers; one still open carries over
to the new round's gap with its owner, due date and status; every other gap gets a new
action due after its severity's time frame.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..domain.actions import CLOSED, STATUSES, ActionState, add_months
from ..domain.rounds import successors
from ..domain.scoring import Result
from ..extensions import db
from ..models import Action, ActionComment, Assessment, User, utcnow
from . import access, audit
from .questionnaires import questionnaire_of

COMMENT_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 500


class ReasonNeeded(ValueError):
    """"Will not do" needs a reason."""


def reconcile(user: User, assessment: Assessment, result: Result,
              answers: Mapping[str, str]) -> None:
    """Make the submitted assessment's actions (see the module's docstring)."""
    now = utcnow()
    start = now.date()
    existing = {a.question_id: a for a in _actions_of(assessment.id)}
    gaps = {gap.question.id: gap for gap in result.plan}
    for question_id, action in existing.items():  # a reopened round submitted again
        if question_id not in gaps and action.status not in CLOSED:
            _close_confirmed(user, action, now)
    inherited = _from_previous_round(user, assessment, result, answers, now)
    for question_id, gap in gaps.items():
        if question_id in existing:
            continue
        earlier = inherited.get(question_id)
        db.session.add(Action(
            assessment_id=assessment.id, question_id=question_id,
            owner_id=earlier.owner_id if earlier else None,
            owner_name=earlier.owner_name if earlier else "",
            due=earlier.due if earlier else add_months(start, gap.timeframe_months),
            status=earlier.status if earlier else "open",
            carried_from_id=earlier.id if earlier else None,
            created_at=now, updated_at=now, updated_by_id=user.id,
        ))


def _from_previous_round(user: User, assessment: Assessment, result: Result,
                         answers: Mapping[str, str], now: datetime.datetime) -> dict[str, Action]:
    """Close the round before's open actions now answered "yes"; return the others by the
    new round's question they carry over to."""
    if assessment.previous_id is None:
        return {}
    previous = db.session.get(Assessment, assessment.previous_id)
    if previous is None:
        return {}
    later = successors(questionnaire_of(previous.questionnaire_version), result.questionnaire)
    gaps = {gap.question.id for gap in result.plan}
    carried: dict[str, Action] = {}
    for action in _actions_of(previous.id):
        if action.status in CLOSED:
            continue
        now_asked = later.get(action.question_id, ())
        if now_asked and all(answers.get(q) == "yes" for q in now_asked):
            _close_confirmed(user, action, now)
        for question_id in now_asked:
            if question_id in gaps:
                carried.setdefault(question_id, action)
    return carried


def _close_confirmed(user: User, action: Action, now: datetime.datetime) -> None:
    action.status = "done"
    action.confirmed_by_answers = True
    action.updated_at, action.updated_by_id = now, user.id


def _actions_of(assessment_id: int) -> list[Action]:
    return list(db.session.execute(
        select(Action).where(Action.assessment_id == assessment_id).order_by(Action.id)
    ).scalars())


def states(assessment: Assessment) -> dict[str, ActionState]:
    """Return the assessment's actions as the plan shows them, by question id (two queries)."""
    counts = dict(db.session.execute(
        select(ActionComment.action_id, func.count(ActionComment.id))
        .join(Action, Action.id == ActionComment.action_id)
        .where(Action.assessment_id == assessment.id).group_by(ActionComment.action_id)
    ).all())
    found = db.session.execute(
        select(Action).options(joinedload(Action.owner))
        .where(Action.assessment_id == assessment.id)
    ).scalars()
    return {a.question_id: _state(a, counts.get(a.id, 0)) for a in found}


def _state(action: Action, comments: int) -> ActionState:
    return ActionState(
        id=action.id, question_id=action.question_id, owner=owner_of(action),
        owner_id=action.owner_id, due=action.due, status=action.status, reason=action.reason,
        confirmed_by_answers=action.confirmed_by_answers, comments=comments)


def owner_of(action: Action) -> str:
    return action.owner.name if action.owner is not None else action.owner_name


def load(user: User, assessment: Assessment, action_id: int) -> Action:
    """Return one action of an assessment the view has loaded through the access policy."""
    found = db.session.execute(
        select(Action).options(joinedload(Action.owner), joinedload(Action.comments))
        .where(Action.id == action_id, Action.assessment_id == assessment.id)
    ).unique().scalar_one_or_none()
    if found is None:
        raise access.NotFound(action_id)
    return found


def update(user: User, assessment: Assessment, action: Action, *, owner_id: int | None,
           owner_name: str, due: datetime.date, status: str, reason: str) -> None:
    """Change an action's owner, due date and status; "will not do" needs a reason."""
    if status not in STATUSES:
        raise ValueError(status)
    if status == "wont_do" and not reason.strip():
        raise ReasonNeeded()
    if owner_id is not None and not access.is_member(owner_id, assessment.organisation_id):
        raise access.NotFound(owner_id)  # only a member of the organisation owns by account
    db.session.execute(select(Action.id).where(Action.id == action.id).with_for_update())
    changed = [field for field, old, new in (
        ("owner", (action.owner_id, action.owner_name), (owner_id, owner_name.strip())),
        ("due", action.due, due), ("status", action.status, status),
        ("reason", action.reason, reason.strip())) if old != new]
    if not changed:
        return
    action.owner_id, action.owner_name = owner_id, "" if owner_id else owner_name.strip()
    action.due, action.status = due, status
    action.reason = reason.strip()[:REASON_MAX_LENGTH] if status == "wont_do" else ""
    action.confirmed_by_answers = False
    action.updated_at, action.updated_by_id = utcnow(), user.id
    audit.record(user, "action_updated", organisation_id=assessment.organisation_id,
                 object_type="action", object_id=action.id, question=action.question_id,
                 label=assessment.label, fields=changed, status=status)


def comment(user: User, assessment: Assessment, action: Action, text: str) -> None:
    db.session.add(ActionComment(action_id=action.id, author_id=user.id,
                                 author_name=user.name,
                                 text=text.strip()[:COMMENT_MAX_LENGTH], at=utcnow()))
    action.updated_at, action.updated_by_id = utcnow(), user.id
