#!/usr/bin/env python
"""Load-test a workshop: a room of participants answering on their phones while the room view polls.

    .venv/bin/python benchmarks/workshop_load.py [--participants 500] [--databases sqlite]

What it does, all on 127.0.0.1 and bounded in time (about three minutes per database with
the defaults):

1. makes a fresh database (a SQLite file in WAL mode in a temporary folder; then, when
   PostgreSQL answers at --postgres-url, a database of its own created there and dropped
   afterwards), migrates it and seeds it through the service layer: a trainer and two
   workshops on the quick check (the room under load, offering English, French, Spanish and
   Arabic and a group question; and a small one with five participants who answered
   everything, for the query count); signs the trainer in with the Flask test client;
2. starts kcs-assess (wsgi:app) under gunicorn with sync workers;
3. simulates the room: the participants join within --join-seconds (GET /join/<code>, the
   QR code's address, which leads to GET /w/<code>/start, then POST it with a language and a
   group), then each answers every step of the quick check like a browser without
   JavaScript (GET the step, think, POST every visible question with go=next, follow the
   redirect; a follow-up question brought up by an answer shows the step again, and is
   answered too) until GET /w/<code>/done. Meanwhile three room views poll
   GET /workshops/<id>/room.json every 2 seconds with the trainer's session and
   If-None-Match. Each participant is a thread with its own cookies; requests ask for gzip,
   as phones do. Any status other than the expected one, and any socket error, is an error;
4. stops the server and counts, in process with the test client, the SQL statements of one
   room-view request for the small workshop (5 participants) and the room under load (all of
   them): the target is the same number;
5. prints the figures per database and the targets with PASS/MISS (no error; p99 under 250 ms
   for participants' requests and for the room view; constant statements); the last line,
   over all databases run (errors summed, the worst p99), is
   `workshop: participants=N errors=N p99_ms=N room_p99_ms=N`.

It is a measurement, not a test: it exits 0 when targets are missed, and non-zero only when
something broke (2: seeding or the server failed; 130: interrupted).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import gzip
import http.client
import json
import logging
import os
import platform
import random
import secrets
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from portfolio import sign_in  # noqa: E402  (the shared load machinery)
from wizard_load import (  # noqa: E402
    HOST,
    OTHER_LOAD_WARNING,
    PASSWORD,
    REQUEST_TIMEOUT,
    ROOT,
    Broken,
    CpuMeter,
    CpuUse,
    Servers,
    app_config,
    gunicorn_version,
    percentile,
    run_bounded,
    server_env,
    tail,
    wait_until_answering,
)

TRAINER = "trainer@example.org"
QUESTIONNAIRE = "quick-check"
LANGUAGES = {"en": 0.55, "fr": 0.2, "ar": 0.15, "es": 0.1}  # the room's mix
GROUPS = ["Manager", "Staff", "Volunteer"]
# How a room answers: mostly yes, some doubt; "not applicable" where a question allows it.
ANSWER_WEIGHTS = {"yes": 0.45, "partly": 0.2, "no": 0.2, "unknown": 0.1, "na": 0.05}
ROOM_VIEWS = 3
POLL_SECONDS = 2.0
SMALL_ROOM = 5
TARGET_P99_MS = 250.0
SLOW_WINDOW = 10  # seconds: requests over the target are reported by when they were sent
POSTGRES_URL = os.environ.get("KCS_BENCH_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# A phone's user agent: participants are anonymous, the trainer signs in with wizard_load's.
PHONE = "Mozilla/5.0 (Linux; Android 14) kcs-bench-participant/1"
TRAINER_AGENT = "kcs-bench/1"


# --------------------------------------------------------------------------------------------
# 1. Databases and seed data


@contextlib.contextmanager
def sqlite_database(scratch: Path) -> Iterator[str]:
    yield f"sqlite:///{scratch / 'kcs.sqlite3'}"


@contextlib.contextmanager
def postgres_database(base: str) -> Iterator[str]:
    """Yield the URL of a PostgreSQL database of our own, dropped afterwards (a schema of the
    given database where the role may not create databases). Nothing existing is dropped."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"kcs_bench_{uuid.uuid4().hex[:12]}"
    admin = base.replace("+psycopg", "")
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
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


def postgres_problem(base: str) -> str | None:
    """Return why PostgreSQL cannot be used, or None when it answers."""
    try:
        import psycopg

        psycopg.connect(base.replace("+psycopg", ""), connect_timeout=3).close()
    except Exception as exc:  # noqa: BLE001  (not installed, refused, no such role...)
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return None


@dataclass
class Seed:
    workshop_id: int
    code: str
    small_workshop_id: int


def seed(database_url: str, secret: str) -> Seed:
    """Migrate a fresh database; add a trainer, the room under load and a small answered one."""
    from flask_migrate import upgrade

    from kcs_assess import create_app
    from kcs_assess.domain.wizard import parse_step
    from kcs_assess.extensions import db
    from kcs_assess.services import accounts, passwords, transaction, workshops
    from kcs_assess.services.questionnaires import catalogue

    app = create_app(app_config(database_url, secret))
    with app.app_context():
        upgrade()
        questionnaire = catalogue().get(QUESTIONNAIRE)
        with transaction.write():
            trainer = accounts.create_user(TRAINER, "Trainer", "en",
                                           passwords.hash_password(PASSWORD))
            room = workshops.create(
                trainer, title="Load test room", questionnaire=questionnaire,
                languages=list(LANGUAGES), group_question="Your role", group_options=GROUPS,
                min_answers=5, hours_open=4, locale="en")
            small = workshops.create(
                trainer, title="Five people", questionnaire=questionnaire, languages=["en"],
                group_question=None, group_options=[], min_answers=3, hours_open=4,
                locale="en")
        chooser = random.Random(5)
        for _ in range(SMALL_ROOM):
            with transaction.write():
                participant, _token = workshops.join(small, "en", None)
                sheet = workshops.ParticipantSheet(participant, questionnaire)
                for standard in questionnaire.standards:
                    fields = [(f"answer-{q.id}", choose_answer(chooser, list(q.options)))
                              for q in standard.questions]
                    sheet.save(standard, parse_step(questionnaire, standard, fields))
                sheet.finish()
        result = Seed(room.id, room.code, small.id)
        db.session.remove()
        db.engine.dispose()
    return result


def choose_answer(chooser: random.Random, options: list[str]) -> str:
    return chooser.choices(options, [ANSWER_WEIGHTS.get(o, 0.1) for o in options])[0]


# --------------------------------------------------------------------------------------------
# 2. A participant's browser: cookies, forms, timings


@dataclass
class Control:
    kind: str  # input type, "select", "textarea" or "submit"
    name: str
    value: str
    checked: bool
    disabled: bool
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    action: str
    method: str
    controls: list[Control] = field(default_factory=list)

    def names(self) -> set[str]:
        return {control.name for control in self.controls}


class FormReader(HTMLParser):
    """The forms of a page as a browser submits them: controls in a disabled fieldset (the
    wizard's hidden follow-up questions) are left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._fieldsets: list[bool] = []
        self._select: Control | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._form = Form(attributes.get("action", ""),
                              attributes.get("method", "get").lower())
            self.forms.append(self._form)
            return
        if tag == "fieldset":
            self._fieldsets.append("disabled" in attributes)
            return
        if self._form is None:
            return
        disabled = "disabled" in attributes or any(self._fieldsets)
        name = attributes.get("name", "")
        if tag == "input":
            kind = attributes.get("type", "text").lower()
            self._form.controls.append(Control(
                "submit" if kind in ("submit", "image") else kind, name,
                attributes.get("value", "on" if kind in ("radio", "checkbox") else ""),
                "checked" in attributes, disabled))
        elif tag == "button" and attributes.get("type", "submit").lower() == "submit":
            self._form.controls.append(Control("submit", name, attributes.get("value", ""),
                                               False, disabled))
        elif tag == "select":
            self._select = Control("select", name, "", False, disabled)
            self._form.controls.append(self._select)
        elif tag == "option" and self._select is not None:
            self._select.options.append(attributes.get("value", ""))
            if "selected" in attributes:
                self._select.value = attributes.get("value", "")
        elif tag == "textarea":
            self._form.controls.append(Control("textarea", name, "", False, disabled))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "fieldset" and self._fieldsets:
            self._fieldsets.pop()
        elif tag == "select":
            self._select = None


def read_forms(html: str) -> list[Form]:
    reader = FormReader()
    reader.feed(html)
    reader.close()
    return reader.forms


def fill(form: Form, choose: Callable[[str, list[str]], str | None],
         submit: tuple[str, str] | None) -> list[tuple[str, str]]:
    """Return what a browser posts for a form: hidden and text fields as they are, one choice
    per radio group and select (`choose`, else what is checked), and the submit button."""
    fields: list[tuple[str, str]] = []
    radios: dict[str, list[Control]] = collections.defaultdict(list)
    for control in form.controls:
        if control.disabled or not control.name:
            continue
        if control.kind == "radio":
            radios[control.name].append(control)
        elif control.kind == "checkbox":
            if control.checked:
                fields.append((control.name, control.value))
        elif control.kind == "select":
            picked = choose(control.name, control.options) or control.value
            fields.append((control.name, picked))
        elif control.kind != "submit":
            fields.append((control.name, control.value))
    for name, group in radios.items():
        picked = choose(name, [control.value for control in group])
        if picked is None:
            picked = next((control.value for control in group if control.checked), None)
        if picked is not None:
            fields.append((name, picked))
    buttons = [control for control in form.controls if control.kind == "submit"
               and not control.disabled]
    if submit and any((c.name, c.value) == submit for c in buttons):
        fields.append(submit)
    return fields


@dataclass
class Response:
    status: int
    body: str
    location: str
    etag: str | None


class Timings:
    """Latencies by kind of request, and errors; appends are atomic under the GIL."""

    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = collections.defaultdict(list)
        self.errors: collections.Counter = collections.Counter()
        self.lock = threading.Lock()
        self.origin = time.perf_counter()
        # When the requests over the target were sent (seconds from the origin): a burst
        # points at a stall (a lock, a busy machine), a spread at a slow page.
        self.slow: list[float] = []

    def took(self, kind: str, began: float, ended: float) -> None:
        self.latencies[kind].append(ended - began)
        if (ended - began) * 1000 > TARGET_P99_MS:
            self.slow.append(began - self.origin)

    def error(self, kind: str) -> None:
        with self.lock:
            self.errors[kind] += 1


class Unexpected(Exception):
    """A response the participant's browser could not go on from (counted already)."""


class Browser:
    """One phone: its own cookies, a new connection per request (sync workers close them)."""

    def __init__(self, port: int, timings: Timings, agent: str = PHONE) -> None:
        self.port = port
        self.timings = timings
        self.agent = agent
        self.cookies: dict[str, str] = {}

    def request(self, kind: str, method: str, path: str, expect: tuple[int, ...],
                fields: list[tuple[str, str]] | None = None,
                headers: dict[str, str] | None = None) -> Response:
        sent = {"User-Agent": self.agent, "Accept-Encoding": "gzip", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
        began = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.timings.error(f"{kind}: {type(exc).__name__}")
            raise Unexpected(kind) from exc
        finally:
            connection.close()
        self.timings.took(kind, began, time.perf_counter())
        for header in response.msg.get_all("Set-Cookie") or []:
            self._keep(header)
        if response.status not in expect:
            self.timings.error(f"{kind}: status {response.status}")
            raise Unexpected(kind)
        if response.getheader("Content-Encoding") == "gzip":
            data = gzip.decompress(data)
        location = urlsplit(response.getheader("Location") or "")
        return Response(response.status, data.decode("utf-8", errors="replace"),
                        location.path + (f"?{location.query}" if location.query else ""),
                        response.getheader("ETag"))

    def _keep(self, header: str) -> None:
        jar: SimpleCookie = SimpleCookie()
        jar.load(header)
        for name, morsel in jar.items():
            if morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"]):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value


# --------------------------------------------------------------------------------------------
# 3. The room: participants and room views


@dataclass
class Plan:
    participants: int
    join_seconds: float
    think: tuple[float, float]  # seconds spent on a step before posting it, low and high
    limit: float  # seconds after which unfinished participants are given up


def participant(number: int, browser: Browser, code: str, start_at: float, plan: Plan,
                finished: list[int], stop: threading.Event) -> None:
    """Join, choose a language and a group, answer every step, reach the end."""
    chooser = random.Random(number)
    language = chooser.choices(list(LANGUAGES), list(LANGUAGES.values()))[0]
    group = chooser.choice(GROUPS)

    def think(low: float, high: float) -> None:
        stop.wait(chooser.uniform(low, high))
        if stop.is_set():
            raise Unexpected("stopped")

    def choose(name: str, options: list[str]) -> str | None:
        if name == "language":
            return language if language in options else options[0]
        if name == "group":
            return group if group in options else chooser.choice(options)
        if name.startswith("answer-"):
            return choose_answer(chooser, options)
        return None

    stop.wait(max(0.0, start_at - time.monotonic()))
    try:
        if stop.is_set():
            return
        # The QR code's address leads to the form that asks for a language (a redirect to
        # /w/<code>/start, or the form itself).
        page = browser.request("join GET", "GET", f"/join/{code}", (200, 302, 303))
        path = f"/w/{code}/start"
        if page.status != 200:
            path = page.location
            page = browser.request("start GET", "GET", path, (200,))
        form = next((f for f in read_forms(page.body) if "language" in f.names()), None)
        if form is None:
            browser.timings.error("start GET: no form with a language")
            return
        think(2, 8)
        answer = browser.request("start POST", "POST", form.action or path, (302, 303),
                                 fill(form, choose, None))
        path = answer.location
        for _ in range(30):  # 4 steps, a follow-up now and then: far fewer
            if path.split("?")[0].endswith("/done"):
                browser.request("done GET", "GET", path, (200,))
                finished.append(number)
                return
            page = browser.request("step GET", "GET", path, (200,))
            form = next((f for f in read_forms(page.body)
                         if any(n.startswith("answer-") for n in f.names())), None)
            if form is None:
                browser.timings.error("step GET: no form with questions")
                return
            think(*plan.think)
            answer = browser.request("step POST", "POST", form.action or path, (302, 303),
                                     fill(form, choose, ("go", "next")))
            path = answer.location
        browser.timings.error("step POST: no end after 30 steps")
    except Unexpected:
        return


def room_view(port: int, workshop_id: int, cookie: str, timings: Timings,
              stop: threading.Event, phase: float) -> collections.Counter:
    """Poll the room's JSON every POLL_SECONDS as the trainer, with the last ETag."""
    browser = Browser(port, timings, TRAINER_AGENT)
    name, value = cookie.split("=", 1)
    browser.cookies[name] = value
    statuses: collections.Counter = collections.Counter()
    etag = None
    stop.wait(phase)
    while not stop.is_set():
        began = time.monotonic()
        try:
            response = browser.request("room.json", "GET", f"/workshops/{workshop_id}/room.json",
                                       (200, 304), headers={"If-None-Match": etag} if etag
                                       else None)
        except Unexpected:
            response = None
        if response is not None:
            statuses[response.status] += 1
            if response.status == 200:
                try:
                    json.loads(response.body)
                except ValueError:
                    timings.error("room.json: not JSON")
            etag = response.etag or etag
        stop.wait(max(0.0, POLL_SECONDS - (time.monotonic() - began)))
    return statuses


# --------------------------------------------------------------------------------------------
# 4. One run: a database, its server, the room, the statement count


@dataclass
class Run:
    database: str
    participants: int
    finished: int
    unfinished: int
    seconds: float
    joined_within: float  # seconds from the first to the last participant's start POST
    timings: Timings
    room_statuses: collections.Counter
    cpu: CpuUse | None
    statements_small: tuple[int, int]  # a room.json request (200, 304), five participants
    statements_full: tuple[int, int]  # the same for the room under load
    room_at_end: dict[str, int]

    def participant_latencies(self) -> list[float]:
        return sorted(x for kind, values in self.timings.latencies.items()
                      if kind != "room.json" for x in values)

    def room_latencies(self) -> list[float]:
        return sorted(self.timings.latencies.get("room.json", []))

    @property
    def errors(self) -> int:
        return sum(self.timings.errors.values()) + self.unfinished

    @property
    def p99_ms(self) -> float:
        return percentile(self.participant_latencies(), 99) * 1000

    @property
    def room_p99_ms(self) -> float:
        return percentile(self.room_latencies(), 99) * 1000


def drive(port: int, seed_data: Seed, cookie: str, plan: Plan, meter: CpuMeter
          ) -> tuple[Timings, list[int], int, collections.Counter, CpuUse | None, float, float]:
    """Run the room: participants joining and answering, three room views polling."""
    timings = Timings()
    stop = threading.Event()
    finished: list[int] = []
    chooser = random.Random(2026)
    start = time.monotonic() + 1.0
    starts = sorted(start + chooser.uniform(0, plan.join_seconds)
                    for _ in range(plan.participants))
    threading.stack_size(512 * 1024)  # 500 threads, each mostly asleep
    people = [threading.Thread(target=participant, daemon=True, args=(
        number, Browser(port, timings), seed_data.code, starts[number], plan, finished, stop))
        for number in range(plan.participants)]
    polls: list[collections.Counter] = []
    views = [threading.Thread(target=lambda phase=phase: polls.append(room_view(
        port, seed_data.workshop_id, cookie, timings, stop, phase)), daemon=True)
        for phase in (POLL_SECONDS * i / ROOM_VIEWS for i in range(ROOM_VIEWS))]
    before = meter.snapshot()
    for thread in [*views, *people]:
        thread.start()
    deadline = start + plan.limit
    for thread in people:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    unfinished = sum(thread.is_alive() for thread in people)
    time.sleep(POLL_SECONDS * 2 if not unfinished else 0)  # the room views see the end
    stop.set()
    for thread in [*views, *people]:
        thread.join(timeout=REQUEST_TIMEOUT + 5)
    cpu = meter.since(before)
    elapsed = time.monotonic() - start
    statuses: collections.Counter = collections.Counter()
    for counted in polls:
        statuses.update(counted)
    started = timings.latencies.get("start POST", [])
    joined_within = (starts[-1] - starts[0]) if started else 0.0
    return timings, finished, unfinished, statuses, cpu, elapsed, joined_within


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Keep the log lines of in-process work (migrations, the app's line per request) off the
    report."""
    logging.disable(logging.INFO)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


def statements(app, cookie: str, path: str) -> tuple[int, int, dict]:
    """Return the SQL statements of one request for a room view (200) and of one repeated
    with its ETag (304), in process, and the view's JSON."""
    from sqlalchemy import event

    from kcs_assess.extensions import db

    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = TRAINER_AGENT
    name, value = cookie.split("=", 1)
    client.set_cookie(name, value)
    with app.app_context():
        engine = db.engine
    count = [0]

    def counting(*_args: object) -> None:
        count[0] += 1

    event.listen(engine, "before_cursor_execute", counting)
    try:
        with quiet():
            client.get(path)  # what a process reads once (questionnaire snapshots, schema check)
            count[0] = 0
            full = client.get(path)
            first = count[0]
            again = client.get(path, headers={"If-None-Match": full.headers.get("ETag", "")})
    finally:
        event.remove(engine, "before_cursor_execute", counting)
    if full.status_code != 200 or again.status_code != 304:
        raise Broken(f"{path} answered {full.status_code} then {again.status_code} with its "
                     "ETag, not 200 then 304")
    return first, count[0] - first, full.get_json()


def run_database(label: str, database_url: str, args: argparse.Namespace, scratch: Path,
                 servers: Servers) -> Run:
    secret = secrets.token_hex(32)
    print(f"\n[{label}] seeding a fresh database ...", flush=True)
    with quiet():
        seed_data = seed(database_url, secret)
        cookie_name, cookie_value, app = sign_in(database_url, secret, TRAINER)
    cookie = f"{cookie_name}={cookie_value}"
    print(f"[{label}] starting gunicorn -w {args.workers} -k sync ...", flush=True)
    server = servers.start("kcs-assess", "wsgi:app", args.workers,
                           server_env(database_url, secret), scratch / f"{label}.log")
    room_path = f"/workshops/{seed_data.workshop_id}/room.json"
    trainer = {"Cookie": cookie, "User-Agent": TRAINER_AGENT}
    try:
        wait_until_answering(server, f"/w/{seed_data.code}/start", 200)
        wait_until_answering(server, room_path, 200, trainer)
        for _ in range(args.workers * 4):  # every worker's first requests, not counted
            Browser(server.port, Timings()).request("warm-up", "GET", f"/w/{seed_data.code}/start",
                                                    (200,))
        meter = CpuMeter(servers)
        if args.wait_quiet > 0:
            other = meter.wait_until_quiet(args.wait_quiet)
            if other > OTHER_LOAD_WARNING:
                print(f"[{label}] other processes still use {other:.2f} cores; measuring "
                      "anyway", flush=True)
        plan = Plan(args.participants, args.join_seconds, args.think,
                    args.join_seconds + 8 + 10 * args.think[1] + 60)
        print(f"[{label}] {args.participants} participants join within "
              f"{args.join_seconds:g} s and answer, {ROOM_VIEWS} room views poll every "
              f"{POLL_SECONDS:g} s (at most {plan.limit:.0f} s) ...", flush=True)
        timings, finished, unfinished, room_statuses, cpu, elapsed, joined_within = drive(
            server.port, seed_data, cookie, plan, meter)
    except Unexpected as exc:
        raise Broken(f"[{label}] the warm-up failed ({exc}):\n" + tail(server.log)) from exc
    finally:
        servers.stop()
    try:
        small = statements(app, cookie, f"/workshops/{seed_data.small_workshop_id}/room.json")
        full = statements(app, cookie, room_path)
    finally:
        from kcs_assess.extensions import db

        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    at_end = {key: value for key, value in full[2].items()
              if isinstance(value, int) and not isinstance(value, bool)}
    if unfinished:
        timings.error(f"unfinished after {plan.limit:.0f} s")
    return Run(label, args.participants, len(finished), unfinished, elapsed, joined_within,
               timings, room_statuses, cpu, small[:2], full[:2], at_end)


# --------------------------------------------------------------------------------------------
# 5. Report


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def report(run: Run, args: argparse.Namespace) -> None:
    label = run.database
    print(f"\n== {label}: {run.participants} participants, gunicorn -w {args.workers} -k sync, "
          f"{time.strftime('%Y-%m-%d %H:%M')}")
    print(f"participants: joined within {run.joined_within:.0f} s, {run.finished} reached "
          f"the end; the room took {run.seconds:.0f} s")
    if run.room_at_end:
        print("room view at the end: " + ", ".join(f"{k}={v}"
                                                   for k, v in sorted(run.room_at_end.items())))
    header = f"  {'request':<12} {'count':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}"
    print(header)
    print("  " + "-" * (len(header) - 2))
    kinds = ["join GET", "start GET", "start POST", "step GET", "step POST", "done GET",
             "room.json"]
    for kind in kinds + sorted(set(run.timings.latencies) - set(kinds) - {"warm-up"}):
        values = sorted(run.timings.latencies.get(kind, []))
        if values:
            print(f"  {kind:<12} {len(values):>7} {percentile(values, 50) * 1000:>8.1f} "
                  f"{percentile(values, 99) * 1000:>8.1f} {values[-1] * 1000:>8.1f}")
    everyone = run.participant_latencies()
    print(f"  {'participants':<12} {len(everyone):>7} {percentile(everyone, 50) * 1000:>8.1f} "
          f"{run.p99_ms:>8.1f} {(everyone[-1] if everyone else 0) * 1000:>8.1f}")
    statuses = ", ".join(f"{status}: {n}" for status, n in sorted(run.room_statuses.items()))
    print(f"  room.json statuses: {statuses or 'none'}")
    if run.cpu:
        print(f"CPU used, in cores of {os.cpu_count()}: server {run.cpu.servers:.2f}, "
              f"participants and room views (this process) {run.cpu.generator:.2f}, other "
              f"processes {run.cpu.other:.2f}"
              + ("  WARNING: the machine was busy; figures are low" if run.cpu.other
                 > OTHER_LOAD_WARNING else ""))
    if run.timings.slow:
        windows = collections.Counter(int(at // SLOW_WINDOW) for at in run.timings.slow)
        print(f"requests over {TARGET_P99_MS:g} ms: {len(run.timings.slow)}, sent in "
              + ", ".join(f"{w * SLOW_WINDOW}-{(w + 1) * SLOW_WINDOW} s: {n}"
                          for w, n in sorted(windows.items())[:12])
              + " (seconds from the start of the room)")
    if run.timings.errors:
        print("errors: " + ", ".join(f"{kind}: {n}"
                                     for kind, n in sorted(run.timings.errors.items())))
    print(f"SQL statements per room-view request: {run.statements_small[0]} with "
          f"{SMALL_ROOM} participants, {run.statements_full[0]} with {run.participants} "
          f"(with its ETag, 304: {run.statements_small[1]} and {run.statements_full[1]})")
    print("targets:")
    print(f"  no error: {run.errors} -> {verdict(run.errors == 0)}")
    print(f"  participants' requests p99 < {TARGET_P99_MS:g} ms: {run.p99_ms:.1f} ms -> "
          f"{verdict(run.p99_ms < TARGET_P99_MS)}")
    print(f"  room view p99 < {TARGET_P99_MS:g} ms: {run.room_p99_ms:.1f} ms -> "
          f"{verdict(run.room_p99_ms < TARGET_P99_MS)}")
    same = (run.statements_small == run.statements_full)
    print(f"  the same statements per room view for {SMALL_ROOM} and {run.participants} "
          f"participants: {run.statements_small[0]} and {run.statements_full[0]} -> "
          f"{verdict(same)}")
    print(f"workshop[{label}]: participants={run.participants} errors={run.errors} "
          f"p99_ms={run.p99_ms:.0f} room_p99_ms={run.room_p99_ms:.0f}")


# --------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=500,
                        help="participants in the room (default 500; at most 2000)")
    parser.add_argument("--join-seconds", type=float, default=60.0,
                        help="they all join within this many seconds (default 60)")
    parser.add_argument("--think", type=float, nargs=2, default=(5.0, 20.0),
                        metavar=("LOW", "HIGH"),
                        help="seconds a participant spends on a step (default 5 20)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1,
                        help="gunicorn sync workers (default 2 per CPU + 1, as "
                             "gunicorn.conf.py)")
    parser.add_argument("--databases", default="sqlite,postgresql",
                        help="comma-separated: sqlite, postgresql (skipped when it does not "
                             "answer at --postgres-url)")
    parser.add_argument("--postgres-url", default=POSTGRES_URL,
                        help="a PostgreSQL database whose role may create databases "
                             f"(default {POSTGRES_URL}); a fresh one is made beside it")
    parser.add_argument("--wait-quiet", type=float, default=30.0,
                        help="wait up to this many seconds for other processes to go quiet "
                             "(default 30; 0 to skip)")
    args = parser.parse_args(argv)
    if not 1 <= args.participants <= 2000:
        parser.error("--participants must be in [1, 2000]")
    if not 0 <= args.join_seconds <= 600 or not 0 <= args.think[0] <= args.think[1] <= 120:
        parser.error("--join-seconds must be in [0, 600] and --think LOW HIGH in [0, 120]")
    if not 1 <= args.workers <= 32:
        parser.error("--workers must be in [1, 32]")
    args.databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    if not args.databases or set(args.databases) - {"sqlite", "postgresql"}:
        parser.error("--databases takes sqlite and/or postgresql")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    began = time.monotonic()
    sys.path.insert(0, str(ROOT))

    def body(scratch: Path, servers: Servers) -> int:
        print(f"kcs-assess workshop load; {os.cpu_count()} CPU(s), {platform.platform()}, "
              f"Python {platform.python_version()}, gunicorn {gunicorn_version()}")
        runs: list[Run] = []
        for name in args.databases:
            if name == "sqlite":
                database = sqlite_database(scratch)
                label = "SQLite (WAL)"
            else:
                problem = postgres_problem(args.postgres_url)
                if problem:
                    print(f"\n[PostgreSQL] skipped: nothing answers at {args.postgres_url} "
                          f"({problem})")
                    continue
                database = postgres_database(args.postgres_url)
                label = "PostgreSQL"
            with database as url:
                runs.append(run_database(label, url, args, scratch, servers))
        for run in runs:
            report(run, args)
        if not runs:
            raise Broken("no database to run against")
        print(f"\nrun took {time.monotonic() - began:.0f} s; the last line sums the errors "
              "and takes the worst p99 of: " + ", ".join(run.database for run in runs))
        print(f"workshop: participants={args.participants} "
              f"errors={sum(run.errors for run in runs)} "
              f"p99_ms={max(run.p99_ms for run in runs):.0f} "
              f"room_p99_ms={max(run.room_p99_ms for run in runs):.0f}")
        return 0

    return run_bounded("kcs-workshop-", body)


if __name__ == "__main__":
    sys.exit(main())
