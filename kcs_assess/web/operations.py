"""What an operator needs: a request id on every response and log line, structured logs, a
refusal to serve a database whose schema is not the code's, and a health endpoint."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Flask, current_app, g, has_request_context, jsonify, request
from flask_babel import gettext as _
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..services import schema

bp = Blueprint("operations", __name__)
log = logging.getLogger("kcs_assess.requests")

# A caller's (a proxy's) request id is kept when it is short and plain, so that one id follows
# a request through the proxy's log and ours; anything else is replaced by our own.
INCOMING_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")
UNGATED = {"static", "operations.health"}


def init_app(app: Flask) -> None:
    """Register first, so that every later hook and error page has the request id."""
    app.before_request(_start)
    app.before_request(_check_schema)
    app.after_request(_finish)
    app.register_blueprint(bp)
    app.register_error_handler(SchemaNotAtHead, schema_page)
    app.jinja_env.globals["request_id"] = request_id
    configure_logging(app)
    app.extensions["kcs_schema_ok"] = False


def request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


def _start() -> None:
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if INCOMING_ID.fullmatch(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish(response: Any) -> Any:
    response.headers["X-Request-ID"] = g.get("request_id", "")
    if current_app.config["LOG_REQUESTS"] and request.endpoint != "static":
        started = g.get("request_started")
        log.info("request", extra={"fields": {
            "method": request.method,
            "path": request.path,  # never the query string, which may hold a token
            "endpoint": request.endpoint,
            "status": response.status_code,
            "ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
        }})
    return response


# ----- the schema ---------------------------------------------------------------------------

class SchemaNotAtHead(Exception):
    def __init__(self, status: schema.SchemaStatus):
        super().__init__(status)
        self.status = status


def _check_schema() -> None:
    """Serve nothing until the database has been migrated to this code's head.

    Checked on each request until it passes once (one short query), then never again in this
    process: an operator who upgrades the database needs no restart.
    """
    if current_app.extensions["kcs_schema_ok"] or request.endpoint in UNGATED:
        return
    found = schema.status(db.engine)
    if not found.at_head:
        raise SchemaNotAtHead(found)
    current_app.extensions["kcs_schema_ok"] = True


def schema_page(error: SchemaNotAtHead):
    from flask import render_template

    from ..extensions import login_manager

    # The session and account tables may be missing: show the page as to a visitor.
    g._login_user = login_manager.anonymous_user()
    found = error.status
    logging.getLogger("kcs_assess").error(
        "database schema is %s, this code needs %s: run %s",
        ",".join(found.current) or "empty", found.head, schema.UPGRADE_COMMAND)
    if found.ahead:
        message = _("The database was upgraded by a newer release of KCS Assess than the one "
                    "running. The person who runs this site must install that release.")
    else:
        message = _("The database has not been upgraded for this release of KCS Assess, so "
                    "nothing can be shown or saved yet. The person who runs this site must "
                    "run: %(command)s", command=schema.UPGRADE_COMMAND)
    body = render_template("error.html", code=503, title=_("Being upgraded"), message=message)
    return body, 503, {"Retry-After": "60"}


# ----- health ---------------------------------------------------------------------------

@bp.get("/health")
def health():
    """For load balancers and monitors: 200 when the database answers and its schema is the
    code's, else 503. Says nothing about any organisation."""
    try:
        db.session.execute(text("SELECT 1"))
        found = schema.status(db.engine)
    except SQLAlchemyError as exc:
        logging.getLogger("kcs_assess").error("health check: database unreachable: %s",
                                              type(exc).__name__)
        return _fresh(jsonify(status="unavailable", database="unreachable"), 503)
    finally:
        db.session.remove()
    if not found.at_head:
        return _fresh(jsonify(status="unavailable", database="ok", schema=list(found.current),
                              expected=found.head, fix=schema.UPGRADE_COMMAND), 503)
    return _fresh(jsonify(status="ok", database="ok", schema=found.head))


def _fresh(response: Any, status: int = 200) -> Any:
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


# ----- logs ---------------------------------------------------------------------------------

class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id and any fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = request_id()
        if rid:
            entry["request_id"] = rid
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        rid = request_id()
        fields = getattr(record, "fields", {})
        extra = " ".join(f"{key}={value}" for key, value in fields.items())
        return " ".join(part for part in (line, extra, f"request_id={rid}" if rid else "")
                        if part)


class _Handler(logging.StreamHandler):
    """Ours, so that a second app in the same process replaces it rather than doubling it."""


def configure_logging(app: Flask) -> None:
    """Send the app's logs (the kcs_assess logger and its children) to standard error."""
    root = logging.getLogger("kcs_assess")
    for handler in [h for h in root.handlers if isinstance(h, _Handler)]:
        root.removeHandler(handler)
    handler = _Handler(sys.stderr)
    if app.config["LOG_FORMAT"] == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(app.config["LOG_LEVEL"])
