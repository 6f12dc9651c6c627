"""Accounts: registering with a confirmed address, signing in, passwords and email changes.

Nothing here tells a visitor whether an address has an account: registration and password
reset give the same answer either way (the owner of an existing account gets a mail), and
signing in does the same hashing work for an unknown address as for a wrong password.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select, update

from ..extensions import db
from ..models import (
    Membership,
    Organisation,
    PendingRegistration,
    User,
    UserToken,
    utcnow,
)
from . import access, audit, mail, passwords, sessions
from .tokens import new_token, token_hash

REGISTRATION_VALID = timedelta(days=2)
RESET_VALID = timedelta(hours=1)
EMAIL_CHANGE_VALID = timedelta(days=1)


class EmailTaken(Exception):
    """The address has an account already."""


class WrongPassword(Exception):
    """The current password given to confirm a change is not right."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.execute(
        select(User).where(func.lower(User.email) == normalise_email(email))
    ).scalar_one_or_none()


# -- registering ----------------------------------------------------------------------------


def request_registration(*, email: str, password: str, name: str, organisation_name: str,
                         organisation_type: str, country: str, locale: str) -> None:
    """Mail a confirmation link; or, if the address has an account, tell its owner instead."""
    email = normalise_email(email)
    existing = find_user(email)
    if existing is not None:
        passwords.verify_nothing(password)  # as long as hashing the new password below
        mail.queue(mail.compose("account_exists", existing.email,
                                existing.locale or locale, name=existing.name))
        return
    token, digest = new_token()
    now = utcnow()
    db.session.add(PendingRegistration(
        token_hash=digest, email=email, name=name.strip(),
        password_hash=passwords.hash_password(password),
        organisation_name=organisation_name.strip(), organisation_type=organisation_type,
        country=country, locale=locale, created_at=now, expires_at=now + REGISTRATION_VALID,
    ))
    mail.queue(mail.compose("confirm_registration", email, locale, name=name.strip(),
                            token=token, organisation_name=organisation_name.strip(),
                            days=REGISTRATION_VALID.days))


def confirm_registration(token: str) -> User | None:
    """Create the account and organisation of a confirmed registration; None if the link is
    unknown, used or expired. Raise EmailTaken if the address got an account meanwhile."""
    pending = db.session.execute(
        select(PendingRegistration).where(PendingRegistration.token_hash == token_hash(token))
    ).scalar_one_or_none()
    if pending is None or pending.expires_at <= utcnow():
        return None
    db.session.execute(delete(PendingRegistration)
                       .where(PendingRegistration.email == pending.email))
    if find_user(pending.email) is not None:
        raise EmailTaken(pending.email)
    user = create_user(pending.email, pending.name, pending.locale, pending.password_hash)
    create_organisation(user, pending.organisation_name, pending.organisation_type,
                        pending.country)
    return user


def create_user(email: str, name: str, locale: str | None, password_hash: str) -> User:
    """Add an account whose address is known to be its owner's (confirmed, or invited)."""
    user = User(email=normalise_email(email), name=name.strip(), locale=locale,
                password_hash=password_hash)
    db.session.add(user)
    db.session.flush()
    return user


def create_organisation(user: User, name: str, organisation_type: str,
                        country: str) -> Organisation:
    """Create an organisation with the user as its first admin."""
    organisation = Organisation(name=name.strip(), type=organisation_type, country=country)
    db.session.add_all([organisation,
                        Membership(user=user, organisation=organisation, role="admin")])
    db.session.flush()
    access.forget_places()
    audit.record(user, "organisation_created", organisation_id=organisation.id,
                 object_type="organisation", object_id=organisation.id, name=organisation.name)
    return organisation


# -- signing in -----------------------------------------------------------------------------


def authenticate(email: str, password: str) -> User | None:
    """Return the user if the password is right, upgrading an outdated hash on the way.

    A wrong password for an existing account is recorded in its log.
    """
    user = find_user(email)
    if user is None:
        passwords.verify_nothing(password)
        return None
    if not passwords.verify(user.password_hash, password):
        audit.record(user, "sign_in_failed", object_type="user", object_id=user.id)
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    return user


def sign_in(user: User, user_agent: str) -> str:
    """Begin a session for a user who proved who they are; return its cookie token."""
    audit.record(user, "signed_in", object_type="user", object_id=user.id)
    return sessions.begin(user, user_agent, _first_organisation(user))


def _first_organisation(user: User) -> int | None:
    organisations = access.organisations(user)
    return organisations[0].id if organisations else None


# -- passwords ------------------------------------------------------------------------------


def change_password(user: User, current: str, new: str, user_agent: str) -> str:
    """Set a new password after checking the current one; end every session and return the
    token of a new one for this browser."""
    if not passwords.verify(user.password_hash, current):
        raise WrongPassword()
    _set_password(user, new)
    audit.record(user, "password_changed", object_type="user", object_id=user.id)
    return sessions.begin(user, user_agent, _first_organisation(user))


def request_reset(email: str, locale: str) -> None:
    """Mail a password reset link if the address has an account; do nothing visible if not."""
    user = find_user(email)
    if user is None:
        return
    token, digest = new_token()
    now = utcnow()
    db.session.add(UserToken(user_id=user.id, purpose="reset", token_hash=digest,
                             email=user.email, created_at=now, expires_at=now + RESET_VALID))
    mail.queue(mail.compose("password_reset", user.email, user.locale or locale,
                            name=user.name, token=token,
                            minutes=int(RESET_VALID.total_seconds() // 60)))


def valid_token(token: str, purpose: str) -> UserToken | None:
    """Return an unused, unexpired token of a purpose, with its user; else None."""
    found = db.session.execute(
        select(UserToken).where(UserToken.token_hash == token_hash(token),
                                UserToken.purpose == purpose)
    ).scalar_one_or_none()
    if found is None or found.used_at is not None or found.expires_at <= utcnow():
        return None
    return found


def reset_password(token: str, new: str, user_agent: str) -> tuple[User, str] | None:
    """Set a new password from a reset link, end every session and begin one for this browser.

    Returns the user and the new session's token, or None if the link is not valid.
    """
    found = valid_token(token, "reset")
    if found is None:
        return None
    user = found.user
    _set_password(user, new)
    audit.record(user, "password_reset", object_type="user", object_id=user.id)
    return user, sessions.begin(user, user_agent, _first_organisation(user))


def _set_password(user: User, new: str) -> None:
    now = utcnow()
    user.password_hash = passwords.hash_password(new)
    user.password_changed_at = now
    # A new password makes every reset link void, and signs out every browser.
    db.session.execute(update(UserToken).where(UserToken.user_id == user.id,
                                               UserToken.purpose == "reset",
                                               UserToken.used_at.is_(None))
                       .values(used_at=now))
    sessions.end_all(user)


# -- the account page -----------------------------------------------------------------------


def set_name(user: User, name: str) -> None:
    user.name = name.strip()


def set_locale(user: User, locale: str) -> None:
    user.locale = locale


def request_email_change(user: User, password: str, new_email: str, locale: str) -> None:
    """Mail a confirmation link to the new address and a notice to the old one.

    Whether the new address has an account is only checked when the link is used, so that
    this form does not tell which addresses have accounts.
    """
    if not passwords.verify(user.password_hash, password):
        raise WrongPassword()
    new_email = normalise_email(new_email)
    token, digest = new_token()
    now = utcnow()
    db.session.add(UserToken(user_id=user.id, purpose="email", token_hash=digest,
                             email=new_email, created_at=now,
                             expires_at=now + EMAIL_CHANGE_VALID))
    language = user.locale or locale
    mail.queue(mail.compose("email_change", new_email, language, name=user.name, token=token,
                            hours=int(EMAIL_CHANGE_VALID.total_seconds() // 3600)))
    mail.queue(mail.compose("email_change_notice", user.email, language, name=user.name,
                            new_email=new_email))


def confirm_email_change(token: str) -> User | None:
    """Give the account its confirmed new address; None if the link is not valid.

    Raises EmailTaken if the address belongs to another account by now.
    """
    found = valid_token(token, "email")
    if found is None:
        return None
    found.used_at = utcnow()
    if find_user(found.email) is not None:
        raise EmailTaken(found.email)
    found.user.email = found.email
    audit.record(found.user, "email_changed", object_type="user", object_id=found.user_id)
    return found.user


def purge_expired() -> dict[str, int]:
    """Delete expired sessions, links and registrations never confirmed (run from cron)."""
    now = utcnow()
    return {
        "sessions": sessions.purge(now),
        "links": db.session.execute(delete(UserToken).where(
            (UserToken.expires_at <= now) | UserToken.used_at.is_not(None))).rowcount,
        "registrations": db.session.execute(delete(PendingRegistration).where(
            PendingRegistration.expires_at <= now)).rowcount,
    }
