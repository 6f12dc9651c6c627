"""Who may do what: the one access policy for every object an URL names.

A user acts on an organisation's data through a membership, whose role allows a set of
actions. Every view loads the object it names through `load_assessment` or
`load_organisation`: an object the user may not see does not exist for them (NotFound,
answered 404); one they may see but not change this way is Forbidden (403).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import ROLES, Assessment, Membership, Organisation, User

# The least role each action needs; each role may do what the roles before it may.
ACTIONS = {
    "read": "viewer",  # assessments, results, PDFs, the members list
    "answer": "editor",  # start, answer and submit assessments
    "manage": "admin",  # members, invitations, organisation details, reopen, delete, audit log
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


def places(user: User) -> dict[int, Place]:
    """Return the user's organisations by id, read once per request (one query)."""
    cache = db.session.info.setdefault("kcs_places", {})
    if user.id not in cache:
        rows = db.session.execute(
            select(Membership).options(joinedload(Membership.organisation))
            .where(Membership.user_id == user.id)
        ).scalars()
        found = {m.organisation_id: Place(m.organisation, m.role) for m in rows}
        cache[user.id] = dict(sorted(found.items(),
                                     key=lambda item: item[1].organisation.name.casefold()))
    return cache[user.id]


def forget_places() -> None:
    """Drop the cached memberships after changing them in this request."""
    db.session.info.pop("kcs_places", None)


def role_in(user: User, organisation_id: int) -> str | None:
    place = places(user).get(organisation_id)
    return place.role if place else None


def can(user: User, organisation_id: int, action: str) -> bool:
    return allows(role_in(user, organisation_id), action)


def organisations(user: User, action: str = "read") -> list[Organisation]:
    """Return the organisations in which the user may do an action, by name."""
    return [p.organisation for p in places(user).values() if allows(p.role, action)]


def visible_assessments(user: User, action: str = "read") -> ColumnElement[bool]:
    """Return a filter on Assessment: those the user may do the action on."""
    return Assessment.organisation_id.in_(
        select(Membership.organisation_id).where(
            Membership.user_id == user.id, Membership.role.in_(roles_allowing(action)))
    )


def load_assessment(user: User, assessment_id: int, action: str) -> Assessment:
    """Return an assessment the user may do the action on; NotFound or Forbidden otherwise."""
    assessment = db.session.execute(
        select(Assessment)
        .where(Assessment.id == assessment_id, visible_assessments(user, "read"))
        .options(joinedload(Assessment.questionnaire_version),  # every page needs them
                 joinedload(Assessment.organisation))
    ).scalar_one_or_none()
    if assessment is None:
        raise NotFound(assessment_id)
    if not can(user, assessment.organisation_id, action):
        raise Forbidden(action)
    return assessment


def load_organisation(user: User, organisation_id: int, action: str) -> Organisation:
    """Return an organisation the user may do the action in; NotFound or Forbidden otherwise."""
    place = places(user).get(organisation_id)
    if place is None:
        raise NotFound(organisation_id)
    if not allows(place.role, action):
        raise Forbidden(action)
    return place.organisation
