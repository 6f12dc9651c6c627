"""Signed-in browsers as rows in the database, so that signing out ends them on every host.

The cookie holds only a random id; the row holds its hash, when it began, when it was last
used and the browser's user agent. Signing out deletes the row, so a copy of the cookie
made before stops working; a session unused for longer than SESSION_IDLE_DAYS has expired.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import and_, bindparam, delete, exists, select, update
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Grant, Membership, User, UserSession, utcnow
from . import access
from .tokens import new_token, token_hash

USER_AGENT_MAX_LENGTH = 300
# Writing "last used" on every request would make every page a write: once in a while is
# precise enough for an idle limit counted in days and for the list of sessions.
TOUCH_INTERVAL = timedelta(minutes=5)


def idle_limit() -> timedelta:
    return timedelta(days=float(current_app.config["SESSION_IDLE_DAYS"]))


def begin(user: User, user_agent: str, organisation_id: int | None = None) -> str:
    """Record a new signed-in browser; return the token for its cookie."""
    now = utcnow()
    token, digest = new_token()
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id,
                                                 UserSession.last_used_at < now - idle_limit()))
    db.session.add(UserSession(user_id=user.id, token_hash=digest,
                               user_agent=user_agent[:USER_AGENT_MAX_LENGTH],
                               organisation_id=organisation_id, created_at=now,
                               last_used_at=now))
    return token


def resume(token: str | None, now: datetime) -> UserSession | None:
    """Return the live session of a cookie's token, with its user; None if gone or idle.

    The same query tells whether the user is an adviser with a live grant, which every
    page's header asks (access.has_grants).
    """
    if not token:
        return None
    row = db.session.execute(_by_token(), {"token_hash": token_hash(token), "now": now}
                             ).unique().one_or_none()
    if row is None or row[0].last_used_at < now - idle_limit():
        return None
    found, advises = row
    access.knew_grants(found.user_id, advises)
    access.knew_places(found.user_id, found.user.memberships)
    return found


@cache
def _by_token():
    """Every request runs this: built once (building it cost more than running it). It also
    reads the user's memberships, which every signed-in page needs (access.places)."""
    advises = exists().where(Grant.adviser_id == UserSession.user_id,
                             and_(Grant.revoked_at.is_(None), Grant.expires_at > bindparam("now")))
    return (select(UserSession, advises.label("advises"))
            .options(joinedload(UserSession.user).joinedload(User.memberships)
                     .joinedload(Membership.organisation))
            .where(UserSession.token_hash == bindparam("token_hash")))


def needs_touch(found: UserSession, now: datetime) -> bool:
    return now - found.last_used_at >= TOUCH_INTERVAL


def touch(session_id: int, now: datetime) -> None:
    """Note that a session was used, in a short transaction of its own."""
    with db.engine.begin() as connection:
        connection.execute(update(UserSession).where(UserSession.id == session_id)
                           .values(last_used_at=now))


def end(token: str | None) -> None:
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == token_hash(token)))


def end_all(user: User) -> int:
    """End every session of a user (sign out everywhere; a new password)."""
    return db.session.execute(delete(UserSession).where(UserSession.user_id == user.id)).rowcount


def end_one(user: User, session_id: int) -> bool:
    """End one of the user's own sessions; return whether there was one."""
    return db.session.execute(delete(UserSession).where(
        UserSession.user_id == user.id, UserSession.id == session_id)).rowcount > 0


def live(user: User, now: datetime) -> list[UserSession]:
    """Return the user's sessions that have not expired, most recently used first."""
    return list(db.session.execute(
        select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.last_used_at >= now - idle_limit())
        .order_by(UserSession.last_used_at.desc(), UserSession.id.desc())
    ).scalars())


def choose_organisation(found: UserSession, organisation_id: int) -> None:
    """Make the pages of this browser's session about another of the user's organisations."""
    found.organisation_id = organisation_id


def purge(now: datetime) -> int:
    """Delete every expired session; return how many (run from cron)."""
    return db.session.execute(
        delete(UserSession).where(UserSession.last_used_at < now - idle_limit())).rowcount
