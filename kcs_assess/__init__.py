"""kcs-assess: organisational child safeguarding self-assessment (app factory)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from flask import Flask, g, request, session
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from .config import configure, questionnaire_sources
from .domain.catalogue import load_catalogue
from .extensions import babel, compress, csrf, db, login_manager, migrate
from .paths import shipped


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create the app; refuse to start (QuestionnaireError) if a questionnaire file is invalid."""
    app = Flask(__name__, instance_relative_config=True)
    configure(app, config)
    app.url_map.converters["id"] = DatabaseId
    if app.config["TRUSTED_PROXIES"]:
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops,
                                x_port=hops, x_prefix=hops)
    app.extensions["kcs_catalogue"] = load_catalogue(*questionnaire_sources(app.config))
    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_security_headers(app)
    return app


class DatabaseId(IntegerConverter):
    """A positive whole number that fits the database's id columns (64 bits), else 404."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 (werkzeug's name)
        super().__init__(map, min=1, max=2**63 - 1)


def register_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (the tables must be known to Flask-Migrate)
    from .services import passwords, transaction
    from .web import hygiene, operations

    db.init_app(app)
    operations.init_app(app)  # first: every later hook and error page has the request id
    migrate.init_app(app, db, directory=str(shipped("migrations")), render_as_batch=True)
    hygiene.init_app(app)  # before the CSRF check, which would blame the form's age
    csrf.init_app(app)
    compress.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _sqlite_pragmas(db.engine)
            transaction.configure_sqlite(db.engine)
        passwords.warm_up()


def _sqlite_pragmas(engine: Any) -> None:
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def set_pragmas(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        # WAL lets readers carry on while a save is written; foreign keys are off by default.
        cursor.execute("PRAGMA journal_mode=WAL")
        # With WAL, NORMAL loses no committed transaction on a crash of the app, only
        # possibly the last ones on a power cut, and saves an fsync per commit.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def register_blueprints(app: Flask) -> None:
    from .web import (
        account,
        actions,
        advisers,
        assess,
        auth,
        errors,
        exports,
        language,
        limits,
        results,
        rounds,
        teams,
        workshops,
    )

    app.register_blueprint(auth.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(teams.bp)
    app.register_blueprint(language.bp)
    app.register_blueprint(assess.bp)
    app.register_blueprint(results.bp)
    app.register_blueprint(rounds.bp)
    app.register_blueprint(actions.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(advisers.bp)
    app.register_blueprint(workshops.bp)
    errors.register(app)
    limits.init_app(app)


def register_template_helpers(app: Flask) -> None:
    from .web import helpers

    static = Path(app.static_folder or "")
    digest = hashlib.sha256()
    for path in sorted(static.glob("*")):
        digest.update(path.read_bytes())
    version = digest.hexdigest()[:10]
    app.extensions["kcs_static_version"] = version
    app.jinja_env.globals.update(helpers.template_globals(version))
    helpers.install_gettext(app)  # after Flask-Babel's, which it replaces
    app.jinja_env.filters.update(helpers.template_filters())
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def add_headers(response: Any) -> Any:
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if app.config["HSTS_SECONDS"]:
            response.headers.setdefault("Strict-Transport-Security",
                                        f"max-age={int(app.config['HSTS_SECONDS'])}")
        if request.endpoint == "static":
            # Read the (small) file into the response, so that it is compressed like a page:
            # compressing a streamed file would leave the file open.
            response.direct_passthrough = False
            response.make_sequence()
            # Pages link the static files with their content's digest (?v=): a changed file
            # gets a new address, so a browser may keep what it has for a year.
            if request.args.get("v") == app.extensions["kcs_static_version"]:
                response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
            else:
                response.headers["Cache-Control"] = "no-cache"
        else:
            # Answers describe an organisation's weaknesses, and a signed-out page holds a
            # form's token or a participant's answers: keep every page out of caches (a view
            # may say otherwise: a workshop room's JSON is revalidated by its ETag).
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def select_locale() -> str:
    """The language a page is about (a workshop participant's), else the user's saved choice,
    else this browser's choice, else Accept-Language, else English."""
    from .i18n import LANGUAGES

    if g.get("page_locale") in LANGUAGES:
        return g.page_locale
    if current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES)) or "en"
