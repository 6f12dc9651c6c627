"""Passwords: the rules a new one must meet, and hashing that keeps up with current practice."""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 10
MAX_LENGTH = 200
COMMON_PASSWORDS = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt.gz"


@cache
def common_passwords() -> frozenset[str]:
    """Return the shipped list of common passwords (no network: it is read from the package)."""
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if line.strip()
                         and not line.startswith("#"))


def problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Return why a new password is refused (too_short, too_long, common, personal), or None."""
    if len(password) < MIN_LENGTH:
        return "too_short"
    if len(password) > MAX_LENGTH:
        return "too_long"
    folded = password.casefold()
    if folded in common_passwords():
        return "common"
    personal = {email.casefold(), email.partition("@")[0].casefold(), name.casefold(),
                name.casefold().replace(" ", "")}
    if folded in personal - {""}:
        return "personal"
    return None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def verify(stored: str, password: str) -> bool:
    return check_password_hash(stored, password)


def needs_rehash(stored: str) -> bool:
    """Return whether a hash was made with other settings than today's (upgraded at sign-in)."""
    return _scheme(stored) != _scheme(_reference_hash())


def verify_nothing(password: str) -> None:
    """Do the work of checking a password, for an account that does not exist.

    Sign-in and registration must take as long for an unknown address as for a known one,
    so that their timing does not tell which addresses have accounts.
    """
    check_password_hash(_reference_hash(), password)


def _scheme(stored: str) -> str:
    return stored.partition("$")[0]


def _reference_hash() -> str:
    """Return a hash made with today's settings (made once per process and method)."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    known = _reference.get(method)
    if known is None:
        known = _reference[method] = generate_password_hash("reference password", method)
    return known


_reference: dict[str, str] = {}


def warm_up() -> None:
    """Make the reference hash at start-up, so the first unknown address costs no extra hash."""
    _reference_hash()
