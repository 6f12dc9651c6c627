"""Register, confirm the address, sign in and out, and reset a forgotten password.

A signed-in browser is a row in the database (services/sessions.py): the signed cookie
holds its random id, and Flask-Login's user loader accepts the cookie only while that row
lives, so signing out (here, or everywhere from the account page) ends it on every host.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import login_manager
from ..models import User, utcnow
from ..services import accounts, mail, sessions, transaction
from .forms import ForgotPasswordForm, RegisterForm, ResetPasswordForm, SignInForm

bp = Blueprint("auth", __name__)

SESSION_KEY = "sid"
login_manager.login_view = "auth.sign_in"
login_manager.login_message = None  # the sign-in page says why on its own


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Return the user of this browser's session row, if it still lives."""
    found = sessions.resume(session.get(SESSION_KEY), utcnow())
    if found is None or str(found.user_id) != user_id:
        return None
    g.user_session = found
    return found.user


@bp.after_app_request
def note_session_use(response):
    found = g.get("user_session")
    now = utcnow()
    if found is not None and sessions.needs_touch(found, now):
        sessions.touch(found.id, now)
        session.modified = True  # the cookie's expiry moves on with the row's last use
    return response


def begin_browser_session(user: User, token: str) -> None:
    """Sign this browser in with a new session row's token; nothing but the language carries
    over from before (so a session id planted before sign-in is worthless)."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    session[SESSION_KEY] = token
    session.permanent = True  # kept across browser restarts, until idle too long
    login_user(user)


def end_browser_session() -> None:
    locale = session.get("locale")
    logout_user()
    session.clear()
    if locale:
        session["locale"] = locale


def user_agent() -> str:
    return request.headers.get("User-Agent", "")


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("assess.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        with transaction.write():
            accounts.request_registration(
                email=form.email.data, password=form.password.data, name=form.name.data,
                organisation_name=form.organisation_name.data,
                organisation_type=form.organisation_type.data, country=form.country.data,
                locale=str(get_locale()),
            )
        session["registered_email"] = accounts.normalise_email(form.email.data)
        return redirect(url_for("auth.check_email"))
    return render_template("auth/register.html", form=form), 200 if not form.errors else 422


@bp.route("/register/check-email")
def check_email():
    """The same answer whether the address was new or had an account (its owner got a mail)."""
    return render_template("auth/check_email.html", email=session.get("registered_email"),
                           mail_folder=None if mail.configured() else mail.folder())


@bp.route("/register/confirm/<token>", methods=["GET", "POST"])
def confirm_registration(token: str):
    # A button, not the link itself, creates the account: mail scanners open links.
    if request.method == "GET":
        return render_template("auth/confirm_registration.html")
    try:
        with transaction.write():
            user = accounts.confirm_registration(token)
            if user is not None:
                browser_token = accounts.sign_in(user, user_agent())
    except accounts.EmailTaken:
        flash(_("This address has an account already. Sign in, or reset the password if it "
                "is forgotten."), "info")
        return redirect(url_for("auth.sign_in"))
    if user is None:
        return render_template("auth/link_expired.html", again=url_for("auth.register")), 400
    begin_browser_session(user, browser_token)
    session.pop("registered_email", None)
    flash(_("Welcome. Your account and your organisation are set up."), "success")
    return redirect(url_for("assess.index"))


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("assess.index"))
    form = SignInForm()
    failed = False
    if form.validate_on_submit():
        with transaction.write():
            user = accounts.authenticate(form.email.data, form.password.data)
            if user is not None:
                token = accounts.sign_in(user, user_agent())
        if user is not None:
            begin_browser_session(user, token)
            return redirect(safe_next(request.args.get("next")))
        failed = True
    status = 422 if (failed or form.errors) else 200
    return render_template("auth/sign_in.html", form=form, failed=failed), status


@bp.route("/sign-out", methods=["POST"])
@login_required
def sign_out():
    with transaction.write():
        sessions.end(session.get(SESSION_KEY))
    end_browser_session()
    flash(_("You have signed out. Your answers are saved."), "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        with transaction.write():
            accounts.request_reset(form.email.data, str(get_locale()))
        return render_template("auth/reset_sent.html", email=form.email.data,
                               mail_folder=None if mail.configured() else mail.folder())
    return render_template("auth/forgot.html", form=form), 422 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    found = accounts.valid_token(token, "reset")
    if found is None:
        return render_template("auth/link_expired.html",
                               again=url_for("auth.forgot_password")), 400
    form = ResetPasswordForm()
    form.personal = (found.user.email, found.user.name)
    if form.validate_on_submit():
        with transaction.write():
            reset = accounts.reset_password(token, form.password.data, user_agent())
        if reset is None:  # used by another tab in the meantime
            return render_template("auth/link_expired.html",
                                   again=url_for("auth.forgot_password")), 400
        user, browser_token = reset
        begin_browser_session(user, browser_token)
        flash(_("Your password is changed, and every other browser is signed out."), "success")
        return redirect(url_for("assess.index"))
    return render_template("auth/reset.html", form=form, email=found.user.email), \
        422 if form.errors else 200


def safe_next(target: str | None) -> str:
    """Return the page to go back to after signing in, only if it is a path on this site."""
    if target and target.isprintable() and target.startswith("/") \
            and not target.startswith("//") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("assess.index")
