"""Fixtures: an app per test on SQLite and, where reachable, PostgreSQL; clients and accounts."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kcs_assess import create_app
from kcs_assess.extensions import db

POSTGRES_URL = os.environ.get(
    "KCS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() == "true"
PASSWORD = "correct horse battery"
TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast hashing; the scheme is the same
}


def make_app(url: str, **config: object) -> Flask:
    return create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url, **config})


def migrate_to_head(app: Flask) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        db.engine.dispose()


def postgres_available() -> str | None:
    """Return why PostgreSQL cannot be used, or None when it can."""
    import psycopg

    try:
        psycopg.connect(POSTGRES_URL.replace("+psycopg", ""), connect_timeout=3).close()
    except psycopg.Error as exc:
        return str(exc).strip()
    return None


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL database of this test session's own; unreachable: skip, or fail under CI.

    Each session creates a throwaway database beside the configured one, so two suites run at
    once (a developer's and a CI dry run) never see each other's rows. Where the role may not
    create databases, the configured database itself is used.
    """
    problem = postgres_available()
    if problem:
        if IN_CI:
            pytest.fail(f"CI must test against PostgreSQL at {POSTGRES_URL}: {problem}")
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}")
    import uuid

    import psycopg
    from sqlalchemy.engine import make_url

    name = f"kcs_assess_test_{uuid.uuid4().hex[:12]}"
    admin = POSTGRES_URL.replace("+psycopg", "")
    try:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error:
        yield POSTGRES_URL
        return
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database migrated to head once, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    migrate_to_head(make_app(f"sqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_schema(postgres_url: str) -> str:
    """Reset the PostgreSQL test database once and migrate it to head."""
    from sqlalchemy import create_engine, text

    engine = create_engine(postgres_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    migrate_to_head(make_app(postgres_url))
    return postgres_url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "kcs.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("postgres_schema")
    yield url
    _empty_tables(url)


def _empty_tables(url: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
    engine.dispose()


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = make_app(database_url)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf_token(client: FlaskClient, page: str = "/sign-in") -> str:
    """Return the CSRF token a page gives this client (the same for its whole session)."""
    html = client.get(page).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, f"no CSRF token on {page}"
    return match.group(1)


def post(client: FlaskClient, url: str, data: dict | list | None = None, **kwargs):
    """Post a form the way a browser would, with the session's CSRF token."""
    token = csrf_token(client, "/" if _signed_in(client) else "/sign-in")
    if isinstance(data, list):
        from werkzeug.datastructures import MultiDict

        fields = MultiDict([("csrf_token", token), *data])
    else:
        fields = {"csrf_token": token, **(data or {})}
    return client.post(url, data=fields, **kwargs)


def _signed_in(client: FlaskClient) -> bool:
    with client.session_transaction() as session:
        return "_user_id" in session


def register(client: FlaskClient, email: str = "focal.point@example.org",
             organisation_type: str = "ngo", organisation_name: str = "Safe Futures",
             **extra: str):
    return post(client, "/register", {
        "name": "Amina Diallo", "email": email, "password": PASSWORD, "confirm": PASSWORD,
        "organisation_name": organisation_name, "organisation_type": organisation_type,
        "country": "ML", **extra,
    })


def sign_in(client: FlaskClient, email: str = "focal.point@example.org",
            password: str = PASSWORD):
    return post(client, "/sign-in", {"email": email, "password": password})


def sign_out(client: FlaskClient):
    return post(client, "/sign-out")


def start_assessment(client: FlaskClient, questionnaire: str = "icss-core",
                     label: str = "Annual review 2026") -> int:
    response = post(client, "/assessments/new", {"label": label, "questionnaire": questionnaire})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def submit_assessment(client: FlaskClient, assessment_id: int):
    """Submit from the check page, confirming that the answers will be locked."""
    return post(client, f"/assessments/{assessment_id}/check", {"confirm": "y"})


@pytest.fixture
def member(client: FlaskClient) -> FlaskClient:
    """A client signed in as a newly registered focal point of an NGO."""
    assert register(client).status_code == 302
    return client
