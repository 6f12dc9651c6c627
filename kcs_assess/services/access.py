"""Who may do what: the one access policy for every object an URL names.

A user acts on an organisation's data through a membership, whose role allows a set of
actions, or, as an adviser, through a grant the organisation gave them: time-limited,
revocable, read-only, for its results and plan or also its answers and notes. Every view
loads the object it names through `load_assessment` or `load_organisation`: an object the
user may not see does not exist for them (NotFound, answered 404); one they may see but not
act on this way is Forbidden (403). Every assessment an adviser opens is noted, and the web
layer writes it to the organisation's audit log.

A workshop belongs to its trainer alone (`load_workshop`): for everyone else, it does not
exist. Its participants have no account and never load it this way; they hold a token.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from sqlalchemy import BindParameter, ColumnElement, and_, bindparam, exists, or_, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import (
    ROLES,
    Assessment,
    Grant,
    Membership,
    Organisation,
    User,
    Workshop,
    utcnow,
)

# The least role each action needs; each role may do what the roles before it may.
ACTIONS = {
    "results": "viewer",  # scores, levels, the plan and its actions, comparisons, trends
    "answers": "viewer",  # also the answers and notes: check page, PDF appendix, exports
    "read": "viewer",  # what only members see: the organisation's page and members
    "answer": "editor",  # start, answer and submit assessments; update actions
    "manage": "admin",  # members, invitations, grants, details, reopen, delete, audit log
}
# What an adviser's grant allows, by its scope; an adviser never writes.
GRANT_ACTIONS = {
    "results": frozenset({"results"}),
    "answers": frozenset({"results", "answers"}),
}


class NotFound(LookupError):
    """The object does not exist, or the user may not know that it does."""


class Forbidden(PermissionError):
    """The user may see the object but not do this to it."""


@dataclass(frozen=True)
class Place:
    """One organisation the user belongs to, and their role in it."""

    organisation: Organisation
    role: str


def allows(role: str | None, action: str) -> bool:
    return role is not None and ROLES.index(role) >= ROLES.index(ACTIONS[action])


def roles_allowing(action: str) -> tuple[str, ...]:
    return ROLES[ROLES.index(ACTIONS[action]):]


def scopes_allowing(action: str) -> tuple[str, ...]:
    return tuple(scope for scope, actions in GRANT_ACTIONS.items() if action in actions)


def places(user: User) -> dict[int, Place]:
    """Return the user's organisations by id, read once per request (one query)."""
    cache = db.session.info.setdefault("kcs_places", {})
    if user.id not in cache:
        knew_places(user.id, db.session.execute(_memberships(), {"user_id": user.id}).scalars())
    return cache[user.id]


def knew_places(user_id: int, memberships: Iterable[Membership]) -> None:
    """Note what places would answer for this request, from memberships read by another
    query (the session's, which every signed-in page runs: sessions.resume)."""
    found = {m.organisation_id: Place(m.organisation, m.role) for m in memberships}
    db.session.info.setdefault("kcs_places", {})[user_id] = dict(
        sorted(found.items(), key=lambda item: item[1].organisation.name.casefold()))


def forget_places() -> None:
    """Drop the cached memberships after changing them in this request."""
    db.session.info.pop("kcs_places", None)


def role_in(user: User, organisation_id: int) -> str | None:
    place = places(user).get(organisation_id)
    return place.role if place else None


def is_member(user_id: int, organisation_id: int) -> bool:
    return db.session.execute(select(Membership.id).where(
        Membership.user_id == user_id, Membership.organisation_id == organisation_id)
    ).first() is not None


def can(user: User, organisation_id: int, action: str) -> bool:
    if allows(role_in(user, organisation_id), action):
        return True
    grant = live_grant(user, organisation_id)
    return grant is not None and action in GRANT_ACTIONS[grant.scope]


def organisations(user: User, action: str = "read") -> list[Organisation]:
    """Return the organisations in which the user is a member allowed an action, by name."""
    return [p.organisation for p in places(user).values() if allows(p.role, action)]


def live_grant(user: User, organisation_id: int) -> Grant | None:
    """Return the user's unexpired, unrevoked grant for an organisation, if any."""
    cache = db.session.info.setdefault("kcs_grants", {})
    key = (user.id, organisation_id)
    if key not in cache:
        cache[key] = db.session.execute(
            select(Grant).where(Grant.adviser_id == user.id,
                                Grant.organisation_id == organisation_id, _live())
            .order_by(Grant.expires_at.desc())
        ).scalars().first()
    return cache[key]


def has_grants(user: User) -> bool:
    """Return whether the user is an adviser with a live grant (read once per request)."""
    cache = db.session.info.setdefault("kcs_has_grants", {})
    if user.id not in cache:
        cache[user.id] = db.session.execute(
            _any_grant(), {"user_id": user.id, "now": utcnow()}).first() is not None
    return cache[user.id]


def knew_grants(user_id: int, found: bool) -> None:
    """Note what has_grants would answer for this request, found by another query."""
    db.session.info.setdefault("kcs_has_grants", {})[user_id] = bool(found)


def forget_grants() -> None:
    """Drop what this request read of grants after changing them."""
    db.session.info.pop("kcs_grants", None)
    db.session.info.pop("kcs_has_grants", None)


def _live(now: object = None) -> ColumnElement[bool]:
    return and_(Grant.revoked_at.is_(None),
                Grant.expires_at > (utcnow() if now is None else now))


def visible_assessments(user: User | BindParameter, action: str = "results",
                        now: BindParameter | None = None) -> ColumnElement[bool]:
    """Return a filter on Assessment: those the user may do the action on.

    `user` and `now` may be bound parameters instead, for a statement built once.
    """
    user_id = user if isinstance(user, BindParameter) else user.id
    member = Assessment.organisation_id.in_(
        select(Membership.organisation_id).where(
            Membership.user_id == user_id, Membership.role.in_(roles_allowing(action)))
    )
    scopes = scopes_allowing(action)
    if not scopes:
        return member
    granted = exists().where(Grant.organisation_id == Assessment.organisation_id,
                             Grant.adviser_id == user_id, Grant.scope.in_(scopes), _live(now))
    return or_(member, granted)


def load_assessment(user: User, assessment_id: int, action: str) -> Assessment:
    """Return an assessment the user may do the action on; NotFound or Forbidden otherwise."""
    assessment = db.session.execute(_assessment(), {
        "assessment_id": assessment_id, "user_id": user.id, "now": utcnow()}
    ).scalar_one_or_none()
    if assessment is None:
        raise NotFound(assessment_id)
    if not can(user, assessment.organisation_id, action):
        raise Forbidden(action)
    if role_in(user, assessment.organisation_id) is None:
        adviser_reads().append(assessment)
    return assessment


# Every page runs the statements below: each is built once (building a statement and its
# cache key cost more than running it) and a request binds its ids and the time.


@cache
def _memberships():
    return (select(Membership).options(joinedload(Membership.organisation))
            .where(Membership.user_id == bindparam("user_id")))


@cache
def _any_grant():
    return (select(Grant.id)
            .where(Grant.adviser_id == bindparam("user_id"), _live(bindparam("now"))).limit(1))


@cache
def _assessment():
    return (select(Assessment)
            .where(Assessment.id == bindparam("assessment_id"),
                   visible_assessments(bindparam("user_id"), "results", bindparam("now")))
            .options(joinedload(Assessment.questionnaire_version),  # every page needs them
                     joinedload(Assessment.organisation)))


def adviser_reads() -> list[Assessment]:
    """Return the assessments this request opened through a grant (for the audit log)."""
    return db.session.info.setdefault("kcs_adviser_reads", [])


def load_organisation(user: User, organisation_id: int, action: str) -> Organisation:
    """Return an organisation the user may do the action in; NotFound or Forbidden otherwise."""
    place = places(user).get(organisation_id)
    if place is None:
        raise NotFound(organisation_id)
    if not allows(place.role, action):
        raise Forbidden(action)
    return place.organisation


def load_workshop(user: User, workshop_id: int) -> Workshop:
    """Return a workshop the user runs as its trainer; NotFound for anyone else."""
    workshop = db.session.execute(
        select(Workshop).where(Workshop.id == workshop_id, Workshop.trainer_id == user.id)
        .options(joinedload(Workshop.questionnaire_version))
    ).scalar_one_or_none()
    if workshop is None:
        raise NotFound(workshop_id)
    return workshop
