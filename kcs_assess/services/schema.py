"""Whether the database's schema is the one this code was written for (the migrations' head)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import Engine

from ..paths import shipped

UPGRADE_COMMAND = "flask --app kcs_assess db upgrade"


@dataclass(frozen=True)
class SchemaStatus:
    current: tuple[str, ...]  # the revisions recorded in the database (none: not migrated)
    head: str  # the newest revision this code knows

    @property
    def at_head(self) -> bool:
        return self.current == (self.head,)

    @property
    def ahead(self) -> bool:
        """The database was migrated by a newer release than this code."""
        return bool(self.current) and not set(self.current) <= known_revisions()


@cache
def _script():  # an alembic ScriptDirectory, read once per process
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(shipped("migrations")))


@cache
def head() -> str:
    found = _script().get_current_head()
    assert found is not None, "the migrations folder has no revisions"
    return found


@cache
def known_revisions() -> frozenset[str]:
    return frozenset(script.revision for script in _script().walk_revisions())


def status(engine: Engine) -> SchemaStatus:
    """Read the recorded revision (one short query)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    return SchemaStatus(current=tuple(sorted(current)), head=head())
