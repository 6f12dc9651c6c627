"""The single write path: one serialised transaction per request's writes, committed once.

Services add and flush; they never commit. A view wraps its writes in `write()`, which

- ends the read transaction the request started (loaded objects stay usable: the session
  does not expire them on commit),
- begins a new one that holds the write lock from its first statement (`BEGIN IMMEDIATE` on
  SQLite, whose driver otherwise starts a transaction only at the first write, after the
  reads it was based on; services lock the rows they decide on with `FOR UPDATE` on
  PostgreSQL),
- commits once, so a change and its audit row land together or not at all,
- sends the mail that services queued, only after the commit.

An IntegrityError (two requests creating the same row at the same moment) becomes
`Conflict`, which the web layer answers with a 409 page: nothing of it was saved.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from ..extensions import db

_immediate: contextvars.ContextVar[bool] = contextvars.ContextVar("kcs_immediate", default=False)
_current: contextvars.ContextVar[Transaction | None] = contextvars.ContextVar(
    "kcs_transaction", default=None)


class Conflict(Exception):
    """Another request changed the same thing at the same moment; nothing was saved."""


class Transaction:
    """What one write() collects: work to do once the commit has succeeded."""

    def __init__(self) -> None:
        self._after_commit: list[Callable[[], Any]] = []
        self.results: list[Any] = []

    def after_commit(self, action: Callable[[], Any]) -> None:
        self._after_commit.append(action)

    def _run_after_commit(self) -> None:
        self.results = [action() for action in self._after_commit]


def current() -> Transaction:
    """Return the transaction being written; services call this to queue work after it."""
    transaction = _current.get()
    if transaction is None:
        raise RuntimeError("a write must run inside transaction.write()")
    return transaction


def in_write() -> bool:
    return _current.get() is not None


@contextmanager
def write() -> Iterator[Transaction]:
    """Run the block as one serialised transaction and commit it; roll back on any error."""
    if _current.get() is not None:
        raise RuntimeError("transaction.write() does not nest")
    session = db.session()  # this request's Session, behind the scoped proxy
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("changes were made outside transaction.write()")
    if session.in_transaction():
        session.commit()  # only reads so far: end them, so the lock is taken before any read
    transaction = Transaction()
    token = _current.set(transaction)
    try:
        immediate = _immediate.set(True)
        try:
            session.connection()  # begins now, holding the write lock on SQLite
        finally:
            _immediate.reset(immediate)
        yield transaction
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(str(exc.orig)) from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        _current.reset(token)
    transaction._run_after_commit()


def configure_sqlite(engine: Engine) -> None:
    """Let the engine, not the sqlite3 driver, begin transactions (so writes can be immediate).

    SQLAlchemy's documented recipe for pysqlite: the driver's own transaction handling is
    turned off at connect, and every transaction begins with an explicit BEGIN, which is
    IMMEDIATE inside write(). Savepoints work too (snapshot_for uses one).
    """

    @event.listens_for(engine, "connect")
    def no_driver_transactions(connection: Any, _record: Any) -> None:
        connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _immediate.get() else "BEGIN")
