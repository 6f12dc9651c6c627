"""Refuse input that cannot be stored before anything reads it: text that is not UTF-8, and NUL.

Browsers send forms as UTF-8 and never send NUL, which PostgreSQL cannot store in text: either
is a tampered or broken request, answered 400 with a message that says so (and before the
CSRF check, which would otherwise blame the form's age).
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from flask import Flask, request
from werkzeug.exceptions import BadRequest

FORM = "application/x-www-form-urlencoded"


class UnreadableInput(BadRequest):
    """The request's text is not UTF-8, or holds a NUL character."""

    def __init__(self, reason: str):
        super().__init__()
        self.reason = reason  # not_utf8 | nul


def check_request() -> None:
    _check(request.query_string)
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype == FORM:
        _check(request.get_data(cache=True))
    elif request.method in ("POST", "PUT", "PATCH"):
        for value in request.form.values():
            if "\x00" in value:
                raise UnreadableInput("nul")


def _check(encoded: bytes) -> None:
    for pair in encoded.split(b"&"):
        for part in pair.split(b"=", 1):
            raw = unquote_to_bytes(part.replace(b"+", b" "))
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                raise UnreadableInput("not_utf8") from None
            if b"\x00" in raw:
                raise UnreadableInput("nul")


def init_app(app: Flask) -> None:
    """Register the check; call before CSRFProtect so that it runs first."""
    app.before_request(check_request)
