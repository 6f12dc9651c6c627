"""Migrations: an empty database goes up to head and back down, and matches the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from conftest import fresh_postgres, make_app, require_postgres
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from kcs_assess.extensions import db

TABLES = {"user_account", "organisation", "membership", "questionnaire_version",
          "assessment", "answer", "invitation", "pending_registration", "user_token",
          "user_session", "audit_event", "action", "action_comment", "adviser_grant",
          "organisation_logo", "workshop", "participant", "participant_answer"}


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    """An empty database of the test's own: the migrations go down to nothing on it, so it
    must not be the database the other tests share."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    require_postgres()
    with fresh_postgres("kcs_assess_migrations") as url:
        yield url


def test_migrations_go_up_to_head_and_back_down(empty_database):
    app = make_app(empty_database)
    with app.app_context():
        assert not TABLES & set(inspect(db.engine).get_table_names())
        upgrade()
        assert TABLES <= set(inspect(db.engine).get_table_names())
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert differences == [], "models and migrations disagree"
        downgrade(revision="base")
        assert not TABLES & set(inspect(db.engine).get_table_names())
        db.engine.dispose()


def test_a_role_that_may_not_create_databases_gets_a_schema_of_its_own():
    """The suite never drops what exists: without CREATEDB it works in a schema it made."""
    import uuid

    import psycopg
    from conftest import POSTGRES_URL
    from sqlalchemy.engine import make_url

    require_postgres()
    admin = POSTGRES_URL.replace("+psycopg", "")
    role = f"kcs_limited_{uuid.uuid4().hex[:8]}"
    database = make_url(POSTGRES_URL).database
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE ROLE "{role}" LOGIN NOCREATEDB')
        connection.execute(f'GRANT CREATE ON DATABASE "{database}" TO "{role}"')
    limited = make_url(POSTGRES_URL).set(username=role).render_as_string(hide_password=False)
    try:
        with fresh_postgres("kcs_assess_limited", limited) as url:
            assert "search_path" in url
            app = make_app(url)
            with app.app_context():
                public = set(inspect(db.engine).get_table_names(schema="public"))
                upgrade()
                schema = make_url(url).query["options"].split("=", 1)[1]
                assert TABLES <= set(inspect(db.engine).get_table_names(schema=schema))
                assert set(inspect(db.engine).get_table_names(schema="public")) == public
                db.engine.dispose()
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'REVOKE CREATE ON DATABASE "{database}" FROM "{role}"')
            connection.execute(f'DROP ROLE "{role}"')
