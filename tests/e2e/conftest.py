"""Fixtures for the browser tests: a live server on a SQLite copy, and headless Chromium.

`server` is the running app (a LiveServer: `.url`, `.restart()`); `live_server` is its base URL.
`server.restart()` stops the app and serves the same database from a new app instance and a new
werkzeug server on the same port, so the base URL stays valid.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import IN_CI, make_app
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from kcs_assess.extensions import db

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
HOST = "127.0.0.1"
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 10_000


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        """Keep the test output free of one access-log line per request."""


class LiveServer:
    """The app served by werkzeug in a background thread, on one SQLite file."""

    running: dict[str, LiveServer] = {}  # by base URL, for helpers that know only the URL

    def __init__(self, database: Path) -> None:
        self.database = database
        self.mail_folder = database.parent / "mail"  # the same across restarts
        self.port = 0
        self.errors: list[BaseException] = []  # exceptions the app raised while serving
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._app: Any = None
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        assert self._server is None, "the server is running already"
        self._app = make_app(f"sqlite:///{self.database}", MAIL_FOLDER=str(self.mail_folder))
        self._server = self._bind(self._record_errors(self._app))
        self.port = self._server.server_port
        LiveServer.running[self.url] = self
        self._track_connections(self._server)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name=f"live-server-{self.port}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is None:
            return
        server, self._server = self._server, None
        server.shutdown()  # stops accepting; returns once serve_forever has returned
        assert self._thread is not None
        self._thread.join(timeout=5)
        # The browser keeps connections alive: close them, so no request is served later by
        # this app's handler threads, then wait until each handler has finished.
        with self._lock:
            for connection in self._connections:
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        deadline = time.monotonic() + 5
        while self._connections and time.monotonic() < deadline:
            time.sleep(0.01)
        if self._connections:
            raise RuntimeError(f"{len(self._connections)} connection(s) still being served")
        server.server_close()
        with self._app.app_context():
            db.session.remove()
            db.engine.dispose()
        self._app = None

    def mailed_link(self, to: str, path: str) -> str:
        """Return the newest link to path mailed to an address (mail goes to a folder here)."""
        from conftest import link_in

        found = [message for message in _messages(self.mail_folder) if message["To"] == to]
        assert found, f"no mail to {to}"
        return self.url + link_in(found[-1], path)

    def restart(self) -> None:
        """Serve the same database from a new app instance and a new server, same port."""
        self.stop()
        self.start()

    def _bind(self, wsgi_app: Callable) -> BaseWSGIServer:
        # Rebinding the port just released normally works at once (SO_REUSEADDR); retry
        # briefly in case the operating system needs a moment.
        for attempt in range(50):
            try:
                return make_server(HOST, self.port, wsgi_app, threaded=True,
                                   request_handler=_QuietHandler)
            except OSError:
                if self.port == 0 or attempt == 49:
                    raise
                time.sleep(0.1)
        raise AssertionError("unreachable")

    def _record_errors(self, app: Any) -> Callable:
        def wsgi(environ: dict, start_response: Callable) -> Any:
            try:
                return app(environ, start_response)
            except BaseException as exc:  # TESTING propagates exceptions: keep them for the test
                self.errors.append(exc)
                raise
        return wsgi

    def _track_connections(self, server: BaseWSGIServer) -> None:
        accept = server.get_request
        release = server.shutdown_request

        def get_request() -> tuple[socket.socket, Any]:
            connection, address = accept()
            with self._lock:
                self._connections.add(connection)
            return connection, address

        def shutdown_request(connection: socket.socket) -> None:
            try:
                release(connection)
            finally:
                with self._lock:
                    self._connections.discard(connection)

        server.get_request = get_request  # type: ignore[method-assign]
        server.shutdown_request = shutdown_request  # type: ignore[method-assign]


def _messages(folder: Path) -> list[Any]:
    import email
    import email.policy

    return [email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            for path in sorted(folder.glob("*.eml"))]


@contextmanager
def _serving(sqlite_template: Path, folder: Path) -> Iterator[LiveServer]:
    database = folder / "e2e.sqlite3"
    shutil.copy(sqlite_template, database)
    live = LiveServer(database)
    live.start()
    try:
        yield live
    finally:
        live.stop()
    assert not live.errors, f"the app raised while serving: {live.errors!r}"


@pytest.fixture
def server(sqlite_template: Path, tmp_path: Path) -> Iterator[LiveServer]:
    """The app running on a copy of the migrated SQLite template; `.restart()` restarts it."""
    with _serving(sqlite_template, tmp_path) as live:
        yield live


@pytest.fixture(scope="session")
def site(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory,
         browser: Any) -> Iterator[Any]:
    """One app for the whole run holding a page of every type (tests/e2e/pages.py: Site).

    Tests that change what it holds make assessments of their own on it.
    """
    from .pages import build_site

    with _serving(sqlite_template, tmp_path_factory.mktemp("site")) as live:
        context = browser.new_context(viewport=PHONE)
        context.set_default_timeout(TIMEOUT_MS)
        try:
            yield build_site(live.url, context.new_page())
        finally:
            context.close()


@pytest.fixture
def live_server(server: LiveServer) -> str:
    """The base URL of the running app, e.g. http://127.0.0.1:41234 (kept across restarts)."""
    return server.url


def _no_browser(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"CI must run the end-to-end tests: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium from Debian, driven by Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        _no_browser(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as exc:
        _no_browser(f"playwright is not installed: {exc}")
    playwright = sync_playwright().start()
    try:
        try:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                  args=CHROMIUM_ARGS)
        except Error as exc:
            _no_browser(f"{CHROMIUM} could not be launched: {exc}")
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def new_context(browser: Any) -> Iterator[Callable[..., Any]]:
    """Open browser contexts (phone-sized by default); any left open are closed afterwards."""
    opened: list[Any] = []

    def open_context(**options: Any) -> Any:
        context = browser.new_context(**{"viewport": PHONE, **options})
        context.set_default_timeout(TIMEOUT_MS)
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        context.close()  # a no-op for a context the test closed itself
