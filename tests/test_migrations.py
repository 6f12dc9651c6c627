"""Migrations: an empty database goes up to head and back down, and matches the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from conftest import make_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from kcs_assess.extensions import db

TABLES = {"user_account", "organisation", "membership", "questionnaire_version",
          "assessment", "answer"}


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    return request.getfixturevalue("postgres_url")


def test_migrations_go_up_to_head_and_back_down(empty_database):
    app = make_app(empty_database)
    with app.app_context():
        downgrade(revision="base")  # the shared PostgreSQL test database may be at head
        assert not TABLES & set(inspect(db.engine).get_table_names())
        upgrade()
        assert TABLES <= set(inspect(db.engine).get_table_names())
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert differences == [], "models and migrations disagree"
        downgrade(revision="base")
        assert not TABLES & set(inspect(db.engine).get_table_names())
        upgrade()  # leave it as the other tests expect it
        db.engine.dispose()
