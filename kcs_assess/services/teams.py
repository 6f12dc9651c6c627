"""Organisations as teams: members and their roles, invitations, and the organisation's details.

Every change is made by an admin (the views load the organisation with the "manage"
action) and recorded in the audit log. An organisation always keeps at least one admin.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from ..domain.actions import add_months
from ..extensions import db
from ..models import ROLES, Grant, Invitation, Membership, Organisation, User, utcnow
from . import access, audit, mail, passwords
from .accounts import create_user, find_user, normalise_email
from .tokens import new_token, token_hash

INVITATION_VALID = timedelta(days=7)


class LastAdmin(Exception):
    """The change would leave the organisation without an admin."""


class AlreadyMember(Exception):
    """The address belongs to a member of the organisation already."""


class WrongAccount(Exception):
    """The invitation was sent to another address than the signed-in account's."""


class InvitationUnusable(Exception):
    """The invitation was accepted, revoked or has expired."""


def members(organisation: Organisation) -> list[Membership]:
    """Return the organisation's memberships with their users, by name."""
    found = db.session.execute(
        select(Membership).options(joinedload(Membership.user))
        .where(Membership.organisation_id == organisation.id)
    ).scalars()
    return sorted(found, key=lambda m: (m.user.name.casefold(), m.id))


def update_details(actor: User, organisation: Organisation, *, name: str,
                   organisation_type: str, country: str) -> None:
    changed = [field for field, old, new in (
        ("name", organisation.name, name.strip()), ("type", organisation.type, organisation_type),
        ("country", organisation.country, country)) if old != new]
    if not changed:
        return
    organisation.name, organisation.type, organisation.country = (
        name.strip(), organisation_type, country)
    audit.record(actor, "organisation_updated", organisation_id=organisation.id,
                 object_type="organisation", object_id=organisation.id, fields=changed)


def change_role(actor: User, organisation: Organisation, membership_id: int, role: str) -> None:
    if role not in ROLES:
        raise ValueError(role)
    membership = _membership(organisation, membership_id)
    if membership.role == role:
        return
    if membership.role == "admin":
        _keep_an_admin(organisation)
    old = membership.role
    membership.role = role
    access.forget_places()
    audit.record(actor, "member_role_changed", organisation_id=organisation.id,
                 object_type="user", object_id=membership.user_id,
                 member=membership.user.name, old=old, new=role)


def remove_member(actor: User, organisation: Organisation, membership_id: int) -> None:
    """Remove a member (or, when it is the actor's own membership, leave)."""
    membership = _membership(organisation, membership_id)
    if membership.role == "admin":
        _keep_an_admin(organisation)
    own = membership.user_id == actor.id
    audit.record(actor, "member_left" if own else "member_removed",
                 organisation_id=organisation.id, object_type="user",
                 object_id=membership.user_id, member=membership.user.name,
                 role=membership.role)
    db.session.delete(membership)
    access.forget_places()


def leave(user: User, organisation: Organisation) -> None:
    membership = db.session.execute(select(Membership).where(
        Membership.organisation_id == organisation.id, Membership.user_id == user.id)
    ).scalar_one_or_none()
    if membership is None:
        raise access.NotFound(organisation.id)
    remove_member(user, organisation, membership.id)


def _membership(organisation: Organisation, membership_id: int) -> Membership:
    membership = db.session.execute(
        select(Membership).options(joinedload(Membership.user))
        .where(Membership.id == membership_id, Membership.organisation_id == organisation.id)
    ).scalar_one_or_none()
    if membership is None:
        raise access.NotFound(membership_id)
    return membership


def _keep_an_admin(organisation: Organisation) -> None:
    """Refuse to take away the last admin: two admins demoting each other at once included.

    The organisation's row is locked first (PostgreSQL; SQLite's write lock is held from
    the start of the transaction), so concurrent changes count the admins one after another.
    """
    db.session.execute(select(Organisation.id).where(Organisation.id == organisation.id)
                       .with_for_update())
    admins = db.session.execute(select(func.count(Membership.id)).where(
        Membership.organisation_id == organisation.id, Membership.role == "admin")
    ).scalar_one()
    if admins <= 1:
        raise LastAdmin(organisation.id)


# -- invitations ----------------------------------------------------------------------------


def invite(actor: User, organisation: Organisation, email: str, role: str,
           locale: str) -> tuple[Invitation, str]:
    """Invite someone to become a member with a role; return the invitation and its token."""
    if role not in ROLES:
        raise ValueError(role)
    return create_invitation(actor, organisation, email, locale, kind="member", role=role)


def create_invitation(actor: User, organisation: Organisation, email: str, locale: str, *,
                      kind: str, role: str = "", scope: str | None = None,
                      grant_months: int | None = None) -> tuple[Invitation, str]:
    """Create an invitation (a member's, or an adviser's grant) and mail it; return it with
    its token, which is shown once to the admin and then kept only as a hash.

    An earlier pending invitation of the same kind to the same address is revoked: one
    link per person.
    """
    email = normalise_email(email)
    existing = find_user(email)
    if existing is not None and access.role_in(existing, organisation.id) is not None:
        raise AlreadyMember(email)
    now = utcnow()
    db.session.execute(update(Invitation).where(
        Invitation.organisation_id == organisation.id, Invitation.email == email,
        Invitation.kind == kind, Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None),
    ).values(revoked_at=now))
    token, digest = new_token()
    invitation = Invitation(organisation_id=organisation.id, email=email, role=role, kind=kind,
                            scope=scope, grant_months=grant_months,
                            locale=existing.locale if existing and existing.locale else locale,
                            token_hash=digest, invited_by_id=actor.id, created_at=now,
                            expires_at=now + INVITATION_VALID)
    db.session.add(invitation)
    db.session.flush()
    details = {"role": role} if kind == "member" else {"scope": scope, "months": grant_months}
    audit.record(actor, "invitation_created" if kind == "member" else "adviser_invited",
                 organisation_id=organisation.id, object_type="invitation",
                 object_id=invitation.id, email=email, **details)
    _mail_invitation(actor, organisation, invitation, token)
    return invitation, token


def renew(actor: User, organisation: Organisation, invitation_id: int) -> tuple[Invitation, str]:
    """Give a pending or expired invitation a new link and a new expiry; the old link dies."""
    invitation = _invitation(organisation, invitation_id)
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise InvitationUnusable(invitation_id)
    token, digest = new_token()
    now = utcnow()
    invitation.token_hash = digest
    invitation.created_at, invitation.expires_at = now, now + INVITATION_VALID
    audit.record(actor, "invitation_renewed", organisation_id=organisation.id,
                 object_type="invitation", object_id=invitation.id, email=invitation.email)
    _mail_invitation(actor, organisation, invitation, token)
    return invitation, token


def revoke(actor: User, organisation: Organisation, invitation_id: int) -> None:
    invitation = _invitation(organisation, invitation_id)
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        return
    invitation.revoked_at = utcnow()
    audit.record(actor, "invitation_revoked", organisation_id=organisation.id,
                 object_type="invitation", object_id=invitation.id, email=invitation.email)


def pending(organisation: Organisation, kind: str = "member") -> list[Invitation]:
    """Return the invitations not yet accepted or revoked (expired ones too), newest first."""
    return list(db.session.execute(
        select(Invitation).options(joinedload(Invitation.invited_by))
        .where(Invitation.organisation_id == organisation.id, Invitation.kind == kind,
               Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    ).scalars())


def invitation_for(token: str) -> Invitation | None:
    """Return the invitation of a link, whatever its state (the page says why it is unusable)."""
    return db.session.execute(
        select(Invitation).options(joinedload(Invitation.organisation),
                                   joinedload(Invitation.invited_by))
        .where(Invitation.token_hash == token_hash(token))
    ).scalar_one_or_none()


def accept(user: User, invitation: Invitation) -> Membership | Grant:
    """Add the signed-in user to the organisation (or, for an adviser, grant them read access
    for the invitation's months), if the invitation was sent to their address."""
    _check_usable(invitation)
    if normalise_email(user.email) != invitation.email:
        raise WrongAccount(invitation.email)
    if invitation.kind == "adviser":
        return _grant(user, invitation)
    membership = db.session.execute(select(Membership).where(
        Membership.organisation_id == invitation.organisation_id,
        Membership.user_id == user.id)).scalar_one_or_none()
    if membership is None:
        membership = Membership(user=user, organisation_id=invitation.organisation_id,
                                role=invitation.role)
        db.session.add(membership)
    invitation.accepted_at = utcnow()
    db.session.flush()
    access.forget_places()
    audit.record(user, "invitation_accepted", organisation_id=invitation.organisation_id,
                 object_type="invitation", object_id=invitation.id, role=membership.role)
    return membership


def _grant(user: User, invitation: Invitation) -> Grant:
    now = utcnow()
    grant = Grant(organisation_id=invitation.organisation_id, adviser_id=user.id,
                  scope=invitation.scope or "results", granted_by_id=invitation.invited_by_id,
                  created_at=now, expires_at=add_months(now, invitation.grant_months or 12))
    db.session.add(grant)
    invitation.accepted_at = now
    db.session.flush()
    access.forget_grants()
    audit.record(user, "grant_accepted", organisation_id=invitation.organisation_id,
                 object_type="grant", object_id=grant.id, scope=grant.scope,
                 until=grant.expires_at.date().isoformat())
    return grant


def accept_with_new_account(invitation: Invitation, *, name: str, password: str,
                            locale: str) -> User:
    """Create the account of an invited person who has none, and make them a member."""
    _check_usable(invitation)
    if find_user(invitation.email) is not None:
        raise WrongAccount(invitation.email)
    user = create_user(invitation.email, name, locale, passwords.hash_password(password))
    accept(user, invitation)
    return user


def _check_usable(invitation: Invitation) -> None:
    # Locked, so two tabs accepting one link at once cannot both use it.
    db.session.execute(select(Invitation.id).where(Invitation.id == invitation.id)
                       .with_for_update())
    db.session.refresh(invitation)
    if not invitation.usable(utcnow()):
        raise InvitationUnusable(invitation.id)


def _invitation(organisation: Organisation, invitation_id: int) -> Invitation:
    invitation = db.session.execute(select(Invitation).where(
        Invitation.id == invitation_id, Invitation.organisation_id == organisation.id)
    ).scalar_one_or_none()
    if invitation is None:
        raise access.NotFound(invitation_id)
    return invitation


def _mail_invitation(actor: User, organisation: Organisation, invitation: Invitation,
                     token: str) -> None:
    template = "invitation" if invitation.kind == "member" else "adviser_invitation"
    mail.queue(mail.compose(template, invitation.email, invitation.locale,
                            inviter=actor.name, organisation_name=organisation.name,
                            role=invitation.role, scope=invitation.scope,
                            months=invitation.grant_months, token=token,
                            days=INVITATION_VALID.days))
