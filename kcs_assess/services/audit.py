"""The audit log: who did what and when, written in the same transaction as the change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, exists, func, or_, select

from ..extensions import db
from ..models import AuditEvent, Membership, User, utcnow

PAGE_SIZE = 50


def record(actor: User | None, action: str, *, organisation_id: int | None = None,
           object_type: str = "", object_id: int | None = None,
           **details: Any) -> AuditEvent:
    """Add an event to the current transaction. Details never hold answers, notes or secrets."""
    event = AuditEvent(
        organisation_id=organisation_id, actor_id=actor.id if actor else None,
        actor_name=actor.name if actor else "", action=action, object_type=object_type,
        object_id=object_id, details=details, at=utcnow(),
    )
    db.session.add(event)
    return event


@dataclass(frozen=True)
class LogPage:
    events: list[AuditEvent]
    page: int
    pages: int
    total: int


def organisation_log(organisation_id: int, page: int = 1) -> LogPage:
    """Return one page of an organisation's log, newest first.

    It holds the organisation's own events and the account events (sign-ins, password
    resets) of its members from the moment they joined, but not their workshops.
    """
    member_then = exists().where(
        Membership.organisation_id == organisation_id,
        Membership.user_id == AuditEvent.actor_id,
        Membership.created_at <= AuditEvent.at,
    )
    # A member's workshops are their own (a trainer may run them for anyone): not the
    # organisation's business.
    condition = or_(AuditEvent.organisation_id == organisation_id,
                    and_(AuditEvent.organisation_id.is_(None), member_then,
                         AuditEvent.object_type != "workshop"))
    total = db.session.execute(select(func.count(AuditEvent.id)).where(condition)).scalar_one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    events = list(db.session.execute(
        select(AuditEvent).where(condition)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).scalars())
    return LogPage(events, page, pages, total)


def account_events(user: User, limit: int = 20) -> list[AuditEvent]:
    """Return the latest events about one account (sign-ins, password and email changes)."""
    return list(db.session.execute(
        select(AuditEvent)
        .where(AuditEvent.actor_id == user.id, AuditEvent.organisation_id.is_(None))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    ).scalars())
