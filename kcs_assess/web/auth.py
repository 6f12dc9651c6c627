"""Register, sign in and sign out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import db, login_manager
from ..models import User
from ..services import accounts
from .forms import RegisterForm, SignInForm

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.sign_in"
login_manager.login_message = None  # the sign-in page says why on its own


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("assess.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.register(
                email=form.email.data, password=form.password.data, name=form.name.data,
                organisation_name=form.organisation_name.data,
                organisation_type=form.organisation_type.data, country=form.country.data,
                locale=str(get_locale()),
            )
        except accounts.EmailTaken:
            form.email.errors.append(_("An account with this email address exists already. "
                                       "Sign in instead."))
        else:
            _start_session(user)
            flash(_("Welcome. Your account and your organisation are set up."), "success")
            return redirect(url_for("assess.index"))
    return render_template("auth/register.html", form=form), 200 if not form.errors else 422


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("assess.index"))
    form = SignInForm()
    failed = False
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            _start_session(user)
            return redirect(safe_next(request.args.get("next")))
        failed = True
    status = 422 if (failed or form.errors) else 200
    return render_template("auth/sign_in.html", form=form, failed=failed), status


@bp.route("/sign-out", methods=["POST"])
@login_required
def sign_out():
    locale = session.get("locale")
    logout_user()
    session.clear()
    if locale:
        session["locale"] = locale
    flash(_("You have signed out. Your answers are saved."), "success")
    return redirect(url_for("auth.sign_in"))


def _start_session(user: User) -> None:
    # A fresh session on sign-in, so nothing from before carries over but the language.
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    login_user(user)


def safe_next(target: str | None) -> str:
    """Return the page to go back to after signing in, only if it is on this site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") \
                and not target.startswith("//") and "\\" not in target:
            return target
    return url_for("assess.index")
