"""Fixtures: an app per test on SQLite and, where reachable, PostgreSQL; clients and accounts."""

from __future__ import annotations

import email
import email.policy
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
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
    """An app on a database; without SMTP, its mail goes to a folder of its own."""
    config.setdefault("MAIL_FOLDER", tempfile.mkdtemp(prefix="mail-", dir=_run_folder()))
    return create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url, **config})


_run: list[Path] = []


def _run_folder() -> Path:
    """A temporary folder of this test run's own (removed by pytest's tmp_path retention)."""
    if not _run:
        _run.append(Path(tempfile.mkdtemp(prefix="kcs-assess-tests-")))
    return _run[0]


def pytest_sessionfinish(session: pytest.Session) -> None:
    for folder in _run:
        shutil.rmtree(folder, ignore_errors=True)


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


def require_postgres() -> None:
    """Skip when PostgreSQL is unreachable, or fail under CI."""
    problem = postgres_available()
    if problem:
        if IN_CI:
            pytest.fail(f"CI must test against PostgreSQL at {POSTGRES_URL}: {problem}")
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}")


@contextmanager
def fresh_postgres(prefix: str, base: str = POSTGRES_URL) -> Iterator[str]:
    """Yield the URL of a PostgreSQL database of our own, dropped afterwards.

    A throwaway database beside the configured one, so two suites run at once never see
    each other's rows; where the role may not create databases, a throwaway schema of the
    configured database instead (its search path set in the URL). Nothing that exists
    already is ever dropped.
    """
    import uuid

    import psycopg
    from sqlalchemy.engine import make_url

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = base.replace("+psycopg", "")
    try:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'CREATE SCHEMA "{name}"')
        try:
            yield make_url(base).update_query_dict(
                {"options": f"-csearch_path={name}"}).render_as_string(hide_password=False)
        finally:
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        return
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL database of this test session's own; unreachable: skip, or fail under CI."""
    require_postgres()
    with fresh_postgres("kcs_assess_test") as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database migrated to head once, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    migrate_to_head(make_app(f"sqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_schema(postgres_url: str) -> str:
    """The session's PostgreSQL database (empty, of its own), migrated to head once."""
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
def another_app(database_url: str) -> Iterator:
    """Make more apps on the test's database (other settings, other workers); each is
    disposed of afterwards."""
    made: list[Flask] = []

    def make(**config: object) -> Flask:
        made.append(make_app(database_url, **config))
        return made[-1]

    yield make
    for extra in made:
        with extra.app_context():
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
    """Register and confirm the address with the link mailed to it; return the last response
    (a redirect to the assessments once signed in), or the first one if it was refused."""
    response = post(client, "/register", {
        "name": "Amina Diallo", "email": email, "password": PASSWORD, "confirm": PASSWORD,
        "organisation_name": organisation_name, "organisation_type": organisation_type,
        "country": "ML", **extra,
    })
    if response.status_code != 302:
        return response
    return follow_mail_link(client, email, "/register/confirm/")


def mails(app: Flask, to: str | None = None) -> list[email.message.EmailMessage]:
    """Return the messages the app wrote to its mail folder (no SMTP), oldest first."""
    folder = Path(app.config["MAIL_FOLDER"])
    found = []
    for path in sorted(folder.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if to is None or message["To"] == to.strip().lower():
            found.append(message)
    return found


def link_in(message: email.message.EmailMessage, path: str) -> str:
    """Return the path of the first link in a message that starts with path."""
    body = message.get_content()
    match = re.search(r"https?://[^/\s]+(" + re.escape(path) + r"\S+)", body)
    assert match, f"no link to {path} in:\n{body}"
    return match.group(1)


def follow_mail_link(client: FlaskClient, to: str, path: str, data: dict | None = None):
    """Open the newest mailed link to path and press its button (a POST with the token)."""
    link = link_in(mails(client.application, to)[-1], path)
    page = client.get(link)
    assert page.status_code == 200, page.get_data(as_text=True)
    return post_with_page_token(client, link, page.get_data(as_text=True), data)


def post_with_page_token(client: FlaskClient, url: str, html: str, data: dict | None = None):
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, f"no CSRF token on {url}"
    return client.post(url, data={"csrf_token": match.group(1), **(data or {})})


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


class Outbox:
    """An SMTP server on 127.0.0.1 (aiosmtpd), keeping every message it receives."""

    def __init__(self) -> None:
        import socket

        from aiosmtpd.controller import Controller

        outbox = self

        class Keep:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802
                outbox.messages.append(email.message_from_bytes(
                    envelope.original_content, policy=email.policy.default))
                return "250 OK"

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.messages: list[email.message.EmailMessage] = []
        self.controller = Controller(Keep(), hostname="127.0.0.1", port=self.port)

    @property
    def config(self) -> dict[str, object]:
        return {"MAIL_HOST": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_SECURITY": "none",
                "MAIL_SENDER": "KCS Assess <kcs@example.org>"}

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp() -> Iterator[Outbox]:
    outbox = Outbox()
    outbox.controller.start()
    try:
        yield outbox
    finally:
        outbox.controller.stop()


def invite(admin: FlaskClient, email_address: str, role: str = "editor",
           locale: str = "en") -> str:
    """Invite someone to the admin's current organisation; return the link's path shown."""
    organisation_id = current_organisation_id(admin)
    response = post(admin, f"/organisations/{organisation_id}/invitations",
                    {"email": email_address, "role": role, "locale": locale})
    assert response.status_code == 200, response.get_data(as_text=True)
    match = re.search(r'id="invitation-link"[^>]*value="https?://[^/"]+(/invitations/[^"]+)"',
                      response.get_data(as_text=True))
    assert match, "the invitation link is not shown"
    return match.group(1)


def accept_invitation(client: FlaskClient, link: str, name: str = "Fatima Ndiaye"):
    """Accept an invitation as someone without an account: create it and join."""
    page = client.get(link)
    assert page.status_code == 200, page.get_data(as_text=True)
    return post_with_page_token(client, link, page.get_data(as_text=True), {
        "name": name, "password": PASSWORD, "confirm": PASSWORD})


def colleague(app: Flask, admin: FlaskClient, email_address: str, role: str) -> FlaskClient:
    """Return a new browser signed in as a colleague invited with a role."""
    other = app.test_client()
    assert accept_invitation(other, invite(admin, email_address, role)).status_code == 302
    return other


def current_organisation_id(client: FlaskClient) -> int:
    html = client.get("/").get_data(as_text=True)
    match = re.search(r'href="/organisations/(\d+)" class="org-link"', html)
    assert match, "no organisation in the header"
    return int(match.group(1))
