"""Configuration: defaults, then KCS_-prefixed environment variables, then the caller's mapping."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

from .paths import shipped

DEFAULT_QUESTIONNAIRE_DIR = shipped("questionnaires")
# In a folder of its own, so that it is not read as a questionnaire.
DEFAULT_FRAMEWORKS_FILE = DEFAULT_QUESTIONNAIRE_DIR / "frameworks" / "frameworks.yaml"


class ConfigurationError(RuntimeError):
    """The app cannot start safely with this configuration."""


DEFAULTS: dict[str, Any] = {
    "ENV": "development",
    "QUESTIONNAIRE_DIR": str(DEFAULT_QUESTIONNAIRE_DIR),
    "FRAMEWORKS_FILE": str(DEFAULT_FRAMEWORKS_FILE),
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,  # a long questionnaire step must not expire while being read
    "BABEL_DEFAULT_LOCALE": "en",
    "MAX_CONTENT_LENGTH": 512 * 1024,
    "PASSWORD_HASH_METHOD": "scrypt",
    "COMPRESS_MIMETYPES": ["text/html", "text/css", "text/javascript",
                           "application/javascript", "application/json", "image/svg+xml",
                           "text/csv"],
    # Proxies in front of the app whose X-Forwarded-* headers are trusted (0: none).
    "TRUSTED_PROXIES": 0,
    # Strict-Transport-Security max-age; None: a year when cookies are Secure, else off.
    "HSTS_SECONDS": None,
    "SESSION_IDLE_DAYS": 14,
    # The signed-in cookie is sent again when its session row is touched (every few minutes,
    # web/auth.py), which keeps it alive as long as the row; not re-signed on every page.
    "SESSION_REFRESH_EACH_REQUEST": False,
    # Logs on standard error: json (one object per line) or text; None: json in production.
    "LOG_FORMAT": None,
    "LOG_LEVEL": "INFO",
    "LOG_REQUESTS": None,  # a line per request; None: in production only
    # Mail: without MAIL_HOST, messages go to the log and to instance/mail/ (MAIL_FOLDER).
    "MAIL_HOST": None,
    "MAIL_PORT": 587,
    "MAIL_SECURITY": "starttls",  # starttls | ssl | none
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_SENDER": "KCS Assess <no-reply@localhost>",
    "MAIL_TIMEOUT": 10,
    "MAIL_FOLDER": None,
    # Rate limits: in memory per process, or shared through e.g. redis://host:6379/0.
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_KEY_PREFIX": "kcs-assess",
    "RATELIMIT_HEADERS_ENABLED": True,
    "RATE_LIMIT_SIGN_IN_ADDRESS": "30 per 5 minutes",  # failed sign-ins from one address
    "RATE_LIMIT_SIGN_IN_ACCOUNT": "10 per 15 minutes",  # failed sign-ins to one account
    "RATE_LIMIT_REGISTER": "10 per hour",
    "RATE_LIMIT_RESET_ADDRESS": "10 per hour",
    "RATE_LIMIT_RESET_ACCOUNT": "5 per hour",
    "RATE_LIMIT_TOKEN": "30 per 10 minutes",  # confirmation, reset and invitation links
    "RATE_LIMIT_PASSWORD_CHECK": "10 per 15 minutes",  # the current password on the account page
    # Workshop codes that open nothing, from one address (a room may share one address).
    "RATE_LIMIT_WORKSHOP_JOIN": "30 per 10 minutes",
    # Days after a workshop closes until its participants' answers are deleted (the room's
    # counts stay); `flask workshops purge` deletes them.
    "WORKSHOP_RETENTION_DAYS": 30,
}


def questionnaire_sources(config: Mapping[str, Any]) -> tuple[list[Path], Path]:
    """Return the configured questionnaire folders (QUESTIONNAIRE_DIR, colon-separated) and
    frameworks file."""
    folders = [Path(p) for p in str(config["QUESTIONNAIRE_DIR"]).split(":") if p]
    return folders, Path(config["FRAMEWORKS_FILE"])


def environment_sources() -> tuple[list[Path], Path]:
    """The questionnaire sources that KCS_ environment variables configure, without an app."""
    return questionnaire_sources({
        "QUESTIONNAIRE_DIR": os.environ.get("KCS_QUESTIONNAIRE_DIR")
        or DEFAULTS["QUESTIONNAIRE_DIR"],
        "FRAMEWORKS_FILE": os.environ.get("KCS_FRAMEWORKS_FILE") or DEFAULTS["FRAMEWORKS_FILE"],
    })


def configure(app: Flask, overrides: dict[str, Any] | None) -> None:
    """Fill app.config and refuse an unsafe production set-up."""
    app.config.update(DEFAULTS)
    explicit = {key for key in os.environ if key.startswith("KCS_")}
    app.config.from_prefixed_env("KCS")
    if overrides:
        app.config.update(overrides)
    production = app.config["ENV"] == "production"
    if "SQLALCHEMY_DATABASE_URI" not in app.config:
        url = os.environ.get("KCS_DATABASE_URL") or os.environ.get("DATABASE_URL")
        if not url and production:
            # A missing setting must not quietly migrate and serve a new, empty SQLite file.
            raise ConfigurationError(
                "KCS_DATABASE_URL (or DATABASE_URL) must be set in production, e.g. "
                "postgresql://user@host/kcs_assess")
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            _normalise_database_url(url) if url else _sqlite_url(app)
        )
    if not app.config.get("SECRET_KEY"):
        if production:
            raise ConfigurationError(
                "KCS_SECRET_KEY must be set in production (a long random string shared by "
                "every worker and host)."
            )
        app.config["SECRET_KEY"] = _instance_secret(app)
    given = {key[len("KCS_"):] for key in explicit} | set(overrides or {})
    if production:
        # Flask's own defaults already hold these keys (False): only an explicit setting
        # may keep a production cookie off HTTPS.
        for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
            if key not in given:
                app.config[key] = True
    if app.config["LOG_FORMAT"] is None:
        app.config["LOG_FORMAT"] = "json" if production else "text"
    if app.config["LOG_REQUESTS"] is None:
        app.config["LOG_REQUESTS"] = production
    if app.config["HSTS_SECONDS"] is None:
        app.config["HSTS_SECONDS"] = 31536000 if app.config.get("SESSION_COOKIE_SECURE") else 0
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(
        days=float(app.config["SESSION_IDLE_DAYS"]))


def _normalise_database_url(url: str) -> str:
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants a driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _sqlite_url(app: Flask) -> str:
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    return "sqlite:///" + str(Path(app.instance_path) / "kcs_assess.sqlite3")


def _instance_secret(app: Flask) -> str:
    """Return a random key kept in the instance folder, so sessions outlive a restart."""
    path = Path(app.instance_path) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass  # made earlier, or just now by another worker
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()
