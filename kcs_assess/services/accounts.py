"""Accounts: registering a user with their organisation, and checking a password."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import Membership, Organisation, User


class EmailTaken(Exception):
    """An account with this email address exists already."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def register(*, email: str, password: str, name: str, organisation_name: str,
             organisation_type: str, country: str, locale: str | None = None) -> User:
    """Create a user, their organisation and their admin membership in one transaction."""
    email = normalise_email(email)
    if _find_user(email) is not None:
        raise EmailTaken(email)
    user = User(email=email, name=name.strip(), locale=locale,
                password_hash=_hash(password))
    organisation = Organisation(name=organisation_name.strip(), type=organisation_type,
                                country=country)
    db.session.add_all([user, organisation,
                        Membership(user=user, organisation=organisation, role="admin")])
    try:
        db.session.commit()
    except IntegrityError as exc:  # registered meanwhile by a concurrent request
        db.session.rollback()
        raise EmailTaken(email) from exc
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the user if the password is right; take as long whether or not the email exists."""
    user = _find_user(normalise_email(email))
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    return user


def organisations_of(user: User) -> list[Organisation]:
    return [m.organisation for m in sorted(user.memberships, key=lambda m: m.id)]


def set_locale(user: User, locale: str) -> None:
    user.locale = locale
    db.session.commit()


def _find_user(email: str) -> User | None:
    return db.session.execute(
        select(User).where(func.lower(User.email) == email)
    ).scalar_one_or_none()


def _hash(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


_dummy: dict[str, str] = {}


def _dummy_hash() -> str:
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _dummy:
        _dummy[method] = generate_password_hash("not a password", method=method)
    return _dummy[method]
