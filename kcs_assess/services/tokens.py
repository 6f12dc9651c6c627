"""Random tokens for links and sessions, kept in the database only as a hash."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> tuple[str, str]:
    """Return a new random token (to send or to set in a cookie) and the hash to store."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    """Return the stored form of a token; 256 random bits need no salt or slow hash."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
