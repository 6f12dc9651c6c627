"""The language switcher: remembered for a signed-in user and for a visitor's browser."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, session
from flask_login import current_user

from ..i18n import LANGUAGES
from ..services import accounts, transaction
from .auth import safe_next

bp = Blueprint("language", __name__)


@bp.route("/language", methods=["POST"])
def choose():
    locale = request.form.get("locale", "")
    if locale not in LANGUAGES:
        abort(400)
    session["locale"] = locale
    if current_user.is_authenticated:
        with transaction.write():
            accounts.set_locale(current_user, locale)
    return redirect(safe_next(request.form.get("next")))
