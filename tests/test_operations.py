"""What an operator relies on: production settings refused when unsafe, the schema gate, request
ids in headers, error pages and logs, structured logs, and the health endpoint."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import TEST_CONFIG, make_app, migrate_to_head, post, register, sign_in
from sqlalchemy import text

from kcs_assess import create_app
from kcs_assess.config import ConfigurationError
from kcs_assess.extensions import db
from kcs_assess.services import schema

UPGRADE = "flask --app kcs_assess db upgrade"


# ----- production settings -------------------------------------------------------------

@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KCS_DATABASE_URL", "DATABASE_URL", "KCS_SECRET_KEY", "KCS_ENV"):
        monkeypatch.delenv(name, raising=False)


def test_production_refuses_to_start_without_a_database_url(clean_environment, tmp_path):
    # Else it would quietly create, migrate and serve an empty SQLite file.
    with pytest.raises(ConfigurationError, match="KCS_DATABASE_URL"):
        create_app({"ENV": "production", "SECRET_KEY": "s" * 40})
    assert not list(tmp_path.iterdir())


def test_production_refuses_to_start_without_a_secret_key(clean_environment, tmp_path):
    with pytest.raises(ConfigurationError, match="KCS_SECRET_KEY"):
        create_app({"ENV": "production",
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/kcs.sqlite3"})


def test_a_hosting_platforms_postgres_url_gets_a_driver(clean_environment, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://kcs:secret@db.internal:5432/kcs")
    app = create_app({"ENV": "production", "SECRET_KEY": "s" * 40})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == \
        "postgresql+psycopg://kcs:secret@db.internal:5432/kcs"


def test_an_oversized_post_is_refused_before_it_is_read(client):
    response = client.post("/sign-in", data={"email": "x" * (600 * 1024)})
    assert response.status_code == 413
    assert "Too much data" in response.get_data(as_text=True)


# ----- request ids ----------------------------------------------------------------------

def test_every_response_carries_a_new_request_id(client):
    first = client.get("/sign-in").headers["X-Request-ID"]
    second = client.get("/sign-in").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and first != second


def test_a_proxys_request_id_is_kept_and_a_strange_one_replaced(client):
    kept = client.get("/sign-in", headers={"X-Request-ID": "edge-4f2a9c11"})
    assert kept.headers["X-Request-ID"] == "edge-4f2a9c11"
    for strange in ("<script>", "short", "x" * 65, "a b c d e f g h"):
        replaced = client.get("/sign-in", headers={"X-Request-ID": strange})
        assert re.fullmatch(r"[0-9a-f]{32}", replaced.headers["X-Request-ID"])


def test_an_error_page_shows_the_reference_of_its_request(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    reference = response.headers["X-Request-ID"]
    assert f"give this reference: {reference}" in response.get_data(as_text=True)


# ----- logs -----------------------------------------------------------------------------

def json_lines(captured: str) -> list[dict]:
    return [json.loads(line) for line in captured.splitlines() if line.startswith("{")]


def test_json_logs_carry_the_request_id_and_no_query_string(another_app, capsys):
    app = another_app(LOG_FORMAT="json", LOG_REQUESTS=True)
    client = app.test_client()
    response = client.get("/reset-password/a-secret-token?next=/private")
    rid = response.headers["X-Request-ID"]
    lines = json_lines(capsys.readouterr().err)
    entry = next(line for line in lines if line.get("request_id") == rid)
    assert entry["message"] == "request" and entry["level"] == "info"
    assert entry["method"] == "GET" and entry["status"] == response.status_code
    assert entry["path"].startswith("/reset-password/") and "next=" not in json.dumps(lines)
    assert isinstance(entry["ms"], float)


def test_a_server_error_is_logged_with_its_request_id_and_shown_with_it(another_app, capsys):
    app = another_app(LOG_FORMAT="json", PROPAGATE_EXCEPTIONS=False)

    @app.get("/explode")
    def explode():
        raise RuntimeError("the disk is on fire")

    response = app.test_client().get("/explode")
    assert response.status_code == 500
    rid = response.headers["X-Request-ID"]
    assert rid in response.get_data(as_text=True)
    entry = next(line for line in json_lines(capsys.readouterr().err)
                 if line["level"] == "error")
    assert entry["request_id"] == rid
    assert "RuntimeError: the disk is on fire" in entry["exception"]


def test_without_settings_development_logs_are_text(app):
    assert app.config["LOG_FORMAT"] == "text" and app.config["LOG_REQUESTS"] is False


# ----- the schema gate ------------------------------------------------------------------

@pytest.fixture
def empty_database(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'new.sqlite3'}"


def test_a_database_not_yet_migrated_is_refused_with_the_command_to_run(empty_database):
    app = make_app(empty_database)
    client = app.test_client()
    for page in ("/", "/sign-in", "/register"):
        response = client.get(page)
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "60"
        assert UPGRADE in response.get_data(as_text=True)
    health = client.get("/health")
    assert health.status_code == 503
    assert health.get_json() == {"status": "unavailable", "database": "ok", "schema": [],
                                 "expected": schema.head(), "fix": UPGRADE}
    # The operator runs the command; the same process then serves, without a restart.
    migrate_to_head(app)
    assert client.get("/sign-in").status_code == 200
    assert client.get("/health").get_json() == {"status": "ok", "database": "ok",
                                                "schema": schema.head()}


def test_a_database_behind_the_code_is_refused_in_the_users_language(empty_database):
    from flask_migrate import upgrade

    app = make_app(empty_database)
    with app.app_context():
        upgrade(revision="0002")
        db.engine.dispose()
    response = app.test_client().get("/sign-in", headers={"Accept-Language": "fr"})
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert '<html lang="fr"' in page and UPGRADE in page


def test_a_database_from_a_newer_release_is_refused(empty_database):
    app = make_app(empty_database)
    migrate_to_head(app)
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
        db.engine.dispose()
    response = app.test_client().get("/sign-in")
    assert response.status_code == 503
    assert "newer release" in response.get_data(as_text=True)


def test_a_migrated_database_is_checked_once_per_process(app, monkeypatch):
    client = app.test_client()
    assert client.get("/sign-in").status_code == 200

    def refuse(*args: object) -> None:
        raise AssertionError("checked again")

    monkeypatch.setattr(schema, "status", refuse)
    assert client.get("/sign-in").status_code == 200


# ----- health ---------------------------------------------------------------------------

def test_health_answers_without_a_session_or_anything_about_organisations(client):
    register(client)
    sign_in(client)
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "schema": schema.head()}
    assert response.headers["Cache-Control"] == "no-store"


def test_health_reports_an_unreachable_database(tmp_path):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI":
                      f"sqlite:///{tmp_path}/missing-folder/kcs.sqlite3"})
    response = app.test_client().get("/health")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unreachable"}


def test_health_cannot_be_posted_to(client):
    assert post(client, "/health", {}).status_code == 405
