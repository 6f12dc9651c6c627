#!/usr/bin/env python
"""Load-test the assessment wizard under gunicorn against a bare Flask app, in one run.

    .venv/bin/python benchmarks/wizard_load.py [--seconds 10] [--connections 16] [--workers 2]

What it does, all on 127.0.0.1 and bounded in time (about a minute with the defaults):

1. makes a fresh SQLite database in a temporary folder, migrates it and seeds it through the
   service layer: one user and organisation, an icss-core assessment with part of it answered;
   signs in with the Flask test client of the same configuration to get a session cookie and a
   CSRF token for that session;
2. starts kcs-assess (wsgi:app) and benchmarks/bare_app.py under gunicorn with sync workers;
3. drives three scenarios with a fixed number of concurrent connections for a fixed time after a
   warm-up: the bare app's GET /, a wizard step GET (procedures, the largest step) and a step
   save POST (policy, go=later, 302 expected), both with a browser's Accept-Encoding so that
   pages are compressed as in production. Only correct statuses count; anything else is
   reported as an error. The generator is wrk when it is installed (C, event loop, with a Lua
   script that checks statuses), otherwise a Python one with threads and http.client;
4. prints req/s, p50 and p99 latency, errors, each scenario's share of the bare app's req/s and
   the servers' CPU time per response, the targets with PASS/MISS, and the weight of the
   wizard's pages against the 30 KB budget;
5. stops the servers and deletes the temporary folder, also on Ctrl-C or an error.

It is a measurement, not a test: it exits 0 when targets are missed, and non-zero only when
something broke (a server did not start, seeding failed, a scenario got no correct response).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import http.client
import json
import os
import platform
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"
HOST = "127.0.0.1"  # all traffic stays on the loopback interface
USER_AGENT = "kcs-bench/1"  # the same for sign-in and load, so Flask-Login's identifier matches
EMAIL = "bench@example.org"
PASSWORD = "benchmark password 2026"
QUESTIONNAIRE = "icss-core"
GET_STEP = "procedures"  # the largest step of icss-core
POST_STEP = "policy"
PAGE_BUDGET = 30 * 1000  # bytes: HTML of the largest step page + its CSS and JS
REQUEST_TIMEOUT = 10.0  # seconds, for any one request
OTHER_LOAD_WARNING = 0.15  # cores used by other processes before the figures are flagged
START_TIMEOUT = 30.0  # seconds for a server to answer after it is started
BROWSER_ACCEPT_ENCODING = "gzip, deflate, br, zstd"

TARGETS = {  # scenario -> (minimum share of bare req/s, maximum p99 in ms or None)
    "wizard step GET": (0.25, 20.0),
    "save POST": (0.15, None),
}


class Broken(RuntimeError):
    """The run could not measure what it set out to (not a missed target)."""


# --------------------------------------------------------------------------------------------
# 1. Database, seed data, session


@dataclass
class Seed:
    assessment_id: int
    cookie_name: str
    cookie: str
    csrf_token: str
    step_ids: list[str]
    answered: int


def make_database(database_url: str, secret: str) -> Seed:
    """Migrate a fresh database, seed it through the service layer and sign in."""
    from flask_migrate import upgrade

    from kcs_assess import create_app
    from kcs_assess.domain.wizard import parse_step
    from kcs_assess.extensions import db
    from kcs_assess.services import accounts, assessments, passwords, transaction
    from kcs_assess.services.questionnaires import catalogue

    app = create_app(app_config(database_url, secret))
    with app.app_context():
        upgrade()
        with transaction.write():
            user = accounts.create_user(EMAIL, "Bench Mark", "en",
                                        passwords.hash_password(PASSWORD))
            organisation = accounts.create_organisation(
                user, "Benchmark Safeguarding Trust", "ngo", "GB")
            assessment = assessments.start(user, organisation, catalogue().get(QUESTIONNAIRE),
                                           "Load test", "en")
        questionnaire = assessments.questionnaire_for(assessment)
        answered = 0
        # Answer part of it, as a focal point half-way through would have: the first two
        # steps fully (with a note now and then), the third step half.
        for number, standard in enumerate(questionnaire.standards[:3]):
            questions = [q for q in standard.questions if q.show_if is None]
            if number == 2:
                questions = questions[: len(questions) // 2]
            fields = []
            for i, question in enumerate(questions):
                fields.append((f"answer-{question.id}",
                               question.options[i % len(question.options)]))
                if i % 3 == 0:
                    fields.append((f"note-{question.id}", f"Seeded note for {question.id}."))
            with transaction.write():
                assessments.save_step(user, assessment,
                                      parse_step(questionnaire, standard, fields))
            answered += len(questions)
        assessment_id = assessment.id
        step_ids = [s.id for s in questionnaire.standards]
        if GET_STEP not in step_ids or POST_STEP not in step_ids:
            raise Broken(f"{QUESTIONNAIRE} has no step {GET_STEP!r} or {POST_STEP!r}")
        db.session.remove()

    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    response = client.post("/sign-in", data={
        "csrf_token": page_csrf_token(client.get("/sign-in").get_data(as_text=True)),
        "email": EMAIL, "password": PASSWORD,
    })
    if response.status_code != 302:
        raise Broken(f"signing in answered {response.status_code}, not 302")
    # Sign-in starts a fresh session; a page with a form puts this session's CSRF token in it.
    response = client.get(f"/assessments/{assessment_id}/steps/{POST_STEP}")
    if response.status_code != 200:
        raise Broken(f"the {POST_STEP} step answered {response.status_code} after sign-in")
    token = page_csrf_token(response.get_data(as_text=True))
    cookie_name = app.config["SESSION_COOKIE_NAME"]
    cookie = client.get_cookie(cookie_name)
    if cookie is None:
        raise Broken("no session cookie after signing in")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return Seed(assessment_id, cookie_name, cookie.value, token, step_ids, answered)


def app_config(database_url: str, secret: str) -> dict[str, object]:
    # The same settings gunicorn's workers get from the KCS_ variables in server_env().
    return {"ENV": "production", "SECRET_KEY": secret, "SQLALCHEMY_DATABASE_URI": database_url,
            "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False}


def page_csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    if not match:
        raise Broken("no CSRF token on the page")
    return match.group(1)


# --------------------------------------------------------------------------------------------
# 2. Servers


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    log: Path


class Servers:
    """The gunicorn masters started by this run; each runs in its own process group."""

    def __init__(self) -> None:
        self.started: list[Server] = []

    def start(self, name: str, target: str, workers: int, env: dict[str, str], log: Path,
              extra: list[str] | None = None) -> Server:
        port = free_port()
        # gunicorn reads ./gunicorn.conf.py by itself; its max_requests would recycle the
        # bare app's workers every second or so at its rate, so the run turns it off for both.
        command = [gunicorn_path(), "-w", str(workers), "-k", "sync",
                   "-b", f"{HOST}:{port}", "--no-control-socket", "--log-level", "warning",
                   "--max-requests", "0", *(extra or []), target]
        with log.open("wb") as out:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       start_new_session=True)
        server = Server(name, port, process, log)
        self.started.append(server)
        return server

    def stop(self) -> None:
        for server in self.started:
            if server.process.poll() is None:
                try:  # the master's group: the master and its workers, nothing else
                    os.killpg(server.process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 10
        for server in self.started:
            try:
                server.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(server.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                server.process.wait(timeout=5)
        self.started.clear()


def gunicorn_path() -> str:
    for candidate in (ROOT / ".venv" / "bin" / "gunicorn",
                      Path(sys.executable).parent / "gunicorn"):
        if candidate.exists():
            return str(candidate)
    found = shutil.which("gunicorn")
    if not found:
        raise Broken("gunicorn is not installed (pip install gunicorn)")
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def server_env(database_url: str, secret: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KCS_")}
    env.update({
        "KCS_ENV": "production",
        "KCS_SECRET_KEY": secret,
        "KCS_DATABASE_URL": database_url,
        "KCS_SESSION_COOKIE_SECURE": "false",  # JSON-parsed: plain http on 127.0.0.1
        "KCS_REMEMBER_COOKIE_SECURE": "false",
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    return env


def wait_until_answering(server: Server, path: str, expect: int,
                         headers: dict[str, str] | None = None) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    last = "no answer"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise Broken(f"{server.name} exited with {server.process.returncode}:\n"
                         + tail(server.log))
        try:
            status, _body, _headers = fetch(server.port, path, headers)
            if status == expect:
                return
            last = f"status {status}"
        except OSError as exc:
            last = str(exc)
        time.sleep(0.2)
    raise Broken(f"{server.name} did not answer {path} with {expect} in {START_TIMEOUT:.0f} s "
                 f"({last}):\n" + tail(server.log))


def tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def fetch(port: int, path: str, headers: dict[str, str] | None = None,
          method: str = "GET", body: bytes | None = None) -> tuple[int, bytes, dict[str, str]]:
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        connection.close()


# --------------------------------------------------------------------------------------------
# CPU accounting: who used the machine's CPUs during a scenario (Linux /proc)


@dataclass
class CpuUse:
    """CPU used during a scenario, in cores (1.0 = one CPU busy the whole time)."""

    servers: float
    generator: float
    other: float


class CpuMeter:
    """Split the machine's busy CPU into our servers, the load generator and everything else.

    The generator is this process (Python threads) or its reaped children (wrk); "other" is
    whatever else ran meanwhile, such as someone's test suite, and makes the figures low.
    """

    def __init__(self, servers: Servers) -> None:
        self.servers = servers
        self.tick = os.sysconf("SC_CLK_TCK")
        self.available = Path("/proc/stat").exists()

    def snapshot(self) -> tuple[float, float, float, float]:
        if not self.available:
            return (0.0, 0.0, 0.0, time.monotonic())
        return (self._busy(), self._servers(), self._own(), time.monotonic())

    def since(self, before: tuple[float, float, float, float]) -> CpuUse | None:
        if not self.available:
            return None
        after = self.snapshot()
        elapsed = after[3] - before[3]
        busy, servers, own = (after[i] - before[i] for i in range(3))
        return CpuUse(servers / elapsed, own / elapsed,
                      max(0.0, busy - servers - own) / elapsed)

    def _busy(self) -> float:
        with open("/proc/stat") as stat:
            values = [int(v) for v in stat.readline().split()[1:9]]
        return (sum(values) - values[3] - values[4]) / self.tick  # less idle and iowait

    def _servers(self) -> float:
        roots = {s.process.pid for s in self.servers.started}
        total = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(entry.name) in roots or int(fields[1]) in roots:  # masters and workers
                total += int(fields[11]) + int(fields[12])
        return total / self.tick

    def wait_until_quiet(self, limit: float) -> float:
        """Wait up to `limit` seconds for a second in which the machine is nearly idle.

        Return the CPU (in cores) that other processes used in the last second looked at.
        """
        if not self.available or limit <= 0:
            return 0.0
        deadline = time.monotonic() + limit
        while True:
            before = self.snapshot()
            time.sleep(1.0)
            other = self.since(before).other
            if other <= OTHER_LOAD_WARNING or time.monotonic() >= deadline:
                return other

    @staticmethod
    def _own() -> float:
        mine = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)  # wrk, once reaped
        return mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime


# --------------------------------------------------------------------------------------------
# 3. Load


@dataclass
class Scenario:
    name: str
    port: int
    method: str
    path: str
    expect: int
    headers: dict[str, str]
    form: list[tuple[str, str]] | None = None  # POST: a counter is added to the last value


@dataclass
class Outcome:
    scenario: Scenario
    ok: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: dict[str, int] = field(default_factory=dict)
    cpu: CpuUse | None = None

    @property
    def rps(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms(self) -> float:
        """The servers' CPU time per correct response, in ms (nan without /proc)."""
        if self.cpu is None or not self.ok:
            return float("nan")
        return self.cpu.servers * self.seconds / self.ok * 1000

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def form_body(form: list[tuple[str, str]], n: int) -> bytes:
    """The form with a number added to the last value, so each save really writes."""
    fields = [*form[:-1], (form[-1][0], f"{form[-1][1]} {n}")]
    return urlencode(fields).encode()


class PythonGenerator:
    """Threads, each with one http.client connection (reopened when the server closes it)."""

    name = "python (threads + http.client)"

    def __init__(self, connections: int) -> None:
        self.connections = connections

    def run(self, scenario: Scenario, seconds: float, warmup: float,
            meter: CpuMeter) -> Outcome:
        start = time.perf_counter()
        measure_from, measure_to = start + warmup, start + warmup + seconds
        latencies: list[list[float]] = [[] for _ in range(self.connections)]
        errors: list[collections.Counter] = [collections.Counter()
                                             for _ in range(self.connections)]
        barrier = threading.Barrier(self.connections)

        def worker(index: int) -> None:
            mine, bad = latencies[index], errors[index]
            connection = http.client.HTTPConnection(HOST, scenario.port,
                                                    timeout=REQUEST_TIMEOUT)
            headers = dict(scenario.headers)
            n = index * 1_000_000_000
            barrier.wait()
            while True:
                began = time.perf_counter()
                if began >= measure_to:
                    break
                body = None
                if scenario.form is not None:
                    n += 1
                    body = form_body(scenario.form, n)
                try:
                    connection.request(scenario.method, scenario.path, body=body,
                                       headers=headers)
                    response = connection.getresponse()
                    response.read()
                    status = response.status
                except (OSError, http.client.HTTPException) as exc:
                    connection.close()
                    if began >= measure_from:
                        bad[type(exc).__name__] += 1
                    continue
                ended = time.perf_counter()
                if response.will_close:
                    connection.close()  # sync workers close after each response
                if began < measure_from:
                    continue
                if status == scenario.expect:
                    mine.append(ended - began)
                else:
                    bad[f"status {status}"] += 1
            connection.close()

        threads = [threading.Thread(target=worker, args=(i,), daemon=True)
                   for i in range(self.connections)]
        for thread in threads:
            thread.start()
        time.sleep(max(0.0, measure_from - time.perf_counter()))
        before = meter.snapshot()
        for thread in threads:
            thread.join(timeout=warmup + seconds + REQUEST_TIMEOUT + 5)
        cpu = meter.since(before)
        merged = sorted(x for chunk in latencies for x in chunk)
        total_errors: collections.Counter = collections.Counter()
        for chunk in errors:
            total_errors.update(chunk)
        return Outcome(scenario, len(merged), seconds, percentile(merged, 50) * 1000,
                       percentile(merged, 99) * 1000, dict(total_errors), cpu)


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    rank = max(0, min(len(sorted_values) - 1, round(p / 100 * len(sorted_values)) - 1))
    return sorted_values[rank]


WRK_SCRIPT = r"""
-- Written by benchmarks/wizard_load.py: count only the expected status, vary the POST body.
local expect = %(expect)d
local form = %(form)s
local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("id", next_id)
  table.insert(threads, thread)
end

function init(args)
  ok, bad, n = 0, 0, 0
  statuses = {}
end

if form ~= nil then
  request = function()
    n = n + 1
    local body = form .. "+" .. tostring(id * 1000000000 + n)
    return wrk.format("POST", nil, nil, body)
  end
end

function response(status, headers, body)
  if status == expect then
    ok = ok + 1
  else
    bad = bad + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local total_ok, total_bad, other = 0, 0, {}
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_bad = total_bad + thread:get("bad")
    for status, count in pairs(thread:get("statuses")) do
      other[#other + 1] = string.format('"status %%d": %%d', status, count)
    end
  end
  local e = summary.errors
  io.write(string.format(
    'WRK-RESULT {"ok": %%d, "bad": %%d, "requests": %%d, "duration_us": %%d, ' ..
    '"p50_us": %%f, "p99_us": %%f, "connect": %%d, "read": %%d, "write": %%d, ' ..
    '"timeout": %%d, "other": {%%s}}\n',
    total_ok, total_bad, summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.timeout, table.concat(other, ", ")))
end
"""


class WrkGenerator:
    """wrk with a Lua script; latency percentiles are wrk's (over all responses)."""

    def __init__(self, connections: int, threads: int, scratch: Path) -> None:
        self.connections = connections
        self.threads = max(1, min(threads, connections))
        self.scratch = scratch
        self.name = f"wrk ({shutil.which('wrk')}, {self.threads} thread(s))"

    def run(self, scenario: Scenario, seconds: float, warmup: float,
            meter: CpuMeter) -> Outcome:
        script = self.scratch / f"wrk-{re.sub(r'[^a-z]+', '-', scenario.name)}.lua"
        form = "nil"
        if scenario.form is not None:
            # Lua long string: the body up to the last value; the script adds a number.
            form = "[==[" + urlencode(scenario.form) + "]==]"
        script.write_text(WRK_SCRIPT % {"expect": scenario.expect, "form": form})
        if warmup > 0:
            self._wrk(scenario, script, max(1, round(warmup)))
        before = meter.snapshot()
        result = self._wrk(scenario, script, max(1, round(seconds)))
        cpu = meter.since(before)
        errors = {k: v for k, v in result["other"].items()}
        for kind in ("connect", "read", "write", "timeout"):
            if result[kind]:
                errors[f"socket {kind}"] = result[kind]
        # A response with the wrong status counts in "bad" and in "other" by status.
        missing = result["bad"] - sum(result["other"].values())
        if missing > 0:
            errors["unexpected status"] = missing
        return Outcome(scenario, result["ok"], result["duration_us"] / 1e6,
                       result["p50_us"] / 1000, result["p99_us"] / 1000, errors, cpu)

    def _wrk(self, scenario: Scenario, script: Path, seconds: int) -> dict:
        command = ["wrk", "-t", str(self.threads), "-c", str(self.connections),
                   "-d", f"{seconds}s", "--timeout", f"{REQUEST_TIMEOUT:.0f}s",
                   "-s", str(script)]
        for name, value in scenario.headers.items():
            command += ["-H", f"{name}: {value}"]
        if scenario.method != "GET":
            command += ["-H", "Content-Type: application/x-www-form-urlencoded"]
        command.append(f"http://{HOST}:{scenario.port}{scenario.path}")
        finished = subprocess.run(command, capture_output=True, text=True,
                                  timeout=seconds + REQUEST_TIMEOUT + 30)
        for line in finished.stdout.splitlines():
            if line.startswith("WRK-RESULT "):
                return json.loads(line[len("WRK-RESULT "):])
        raise Broken(f"wrk gave no result (exit {finished.returncode}):\n"
                     f"{finished.stdout}\n{finished.stderr}")


def saved_note(database: Path, assessment_id: int) -> str | None:
    """The note the save POSTs write, read straight from the database."""
    import sqlite3

    with contextlib.closing(sqlite3.connect(database, timeout=10)) as connection:
        row = connection.execute(
            "SELECT note FROM answer WHERE assessment_id = ? AND question_id = 'PL1.1'",
            (assessment_id,)).fetchone()
    return row[0] if row else None


# --------------------------------------------------------------------------------------------
# 4. Page weight


ATTRIBUTE = re.compile(r'\b(src|href|action)\s*=\s*(["\'])(.*?)\2', re.IGNORECASE | re.DOTALL)
CSS_URL = re.compile(r'url\(\s*["\']?([^"\')]+)|@import\s+["\']([^"\']+)', re.IGNORECASE)


@dataclass
class PageWeight:
    step: str
    html: int
    assets: dict[str, int]
    external: list[str]

    @property
    def total(self) -> int:
        return self.html + sum(self.assets.values())


def is_external(url: str) -> bool:
    lowered = url.strip().lower()
    return lowered.startswith(("http://", "https://", "//")) or bool(urlsplit(lowered).netloc)


def weigh_pages(port: int, seed: Seed, headers: dict[str, str]) -> list[PageWeight]:
    weights = []
    asset_cache: dict[str, tuple[int, list[str]]] = {}
    for step in seed.step_ids:
        status, html, _ = fetch(port, f"/assessments/{seed.assessment_id}/steps/{step}", headers)
        if status != 200:
            raise Broken(f"step {step} answered {status}")
        text = html.decode("utf-8", errors="replace")
        external, assets = [], {}
        for kind, _quote, url in ATTRIBUTE.findall(text):
            if is_external(url):
                external.append(f"{kind}={url}")
            elif url.split("?")[0].endswith((".css", ".js")) and url.startswith("/"):
                if url not in asset_cache:
                    asset_status, body, _ = fetch(port, url, headers)
                    if asset_status != 200:
                        raise Broken(f"{url} answered {asset_status}")
                    outside = []
                    if url.split("?")[0].endswith(".css"):
                        for match in CSS_URL.findall(body.decode("utf-8", errors="replace")):
                            ref = match[0] or match[1]
                            if is_external(ref):
                                outside.append(f"{url} -> {ref}")
                    asset_cache[url] = (len(body), outside)
                size, outside = asset_cache[url]
                assets[url] = size
                external.extend(outside)
        weights.append(PageWeight(step, len(html), assets, external))
    return weights


# --------------------------------------------------------------------------------------------
# 5. Report


def report(outcomes: list[Outcome], weights: list[PageWeight], generator: str,
           args: argparse.Namespace, seed: Seed, seconds_total: float) -> None:
    bare = outcomes[0].rps
    print()
    print(f"kcs-assess wizard load, {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"machine: {os.cpu_count()} CPU(s), {platform.platform()}, "
          f"Python {platform.python_version()}, gunicorn {gunicorn_version()}")
    print(f"servers: gunicorn -w {args.workers} -k sync on {HOST}; SQLite (WAL) in a temp dir")
    print(f"load: {args.connections} connections, {args.seconds:g} s per scenario after "
          f"{args.warmup:g} s warm-up; generator: {generator}")
    print(f"wizard requests ask for Accept-Encoding: {args.accept_encoding or '(none)'}")
    print(f"data: assessment {seed.assessment_id} ({QUESTIONNAIRE}), "
          f"{seed.answered} questions answered before the run")
    print()
    header = f"{'scenario':<18} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'ok':>8} " \
             f"{'errors':>7} {'vs bare':>8} {'CPU ms/req':>11}"
    print(header)
    print("-" * len(header))
    for outcome in outcomes:
        ratio = outcome.rps / bare if bare else float("nan")
        print(f"{outcome.scenario.name:<18} {outcome.rps:>9.1f} {outcome.p50_ms:>8.1f} "
              f"{outcome.p99_ms:>8.1f} {outcome.ok:>8d} {outcome.error_count:>7d} "
              f"{ratio:>7.0%} {outcome.cpu_ms:>11.2f}")
    print("(CPU ms/req: the servers' CPU time per correct response, which others' work on the "
          "machine changes less than req/s)")
    print()
    print("CPU used while measuring, in cores of " + str(os.cpu_count()) + ":")
    busy_elsewhere = False
    for outcome in outcomes:
        if outcome.cpu is None:
            print("  (not available: no /proc)")
            break
        cpu = outcome.cpu
        print(f"  {outcome.scenario.name:<18} servers {cpu.servers:4.2f}  generator "
              f"{cpu.generator:4.2f}  other processes {cpu.other:4.2f}")
        busy_elsewhere = busy_elsewhere or cpu.other > OTHER_LOAD_WARNING
    if busy_elsewhere:
        print(f"  WARNING: other processes used more than {OTHER_LOAD_WARNING:g} core during "
              "the run; the figures are lower than on a quiet machine. Run again.")
    for outcome in outcomes:
        if outcome.errors:
            detail = ", ".join(f"{k}: {v}" for k, v in sorted(outcome.errors.items()))
            print(f"  errors in {outcome.scenario.name}: {detail}")
    print()
    print(f"targets ({args.connections} connections):")
    by_name = {o.scenario.name: o for o in outcomes}
    for name, (share, p99) in TARGETS.items():
        outcome = by_name[name]
        ratio = outcome.rps / bare if bare else 0.0
        print(f"  {name}: req/s >= {share:.0%} of bare: {ratio:.0%} -> "
              f"{'PASS' if ratio >= share else 'MISS'}")
        if p99 is not None:
            print(f"  {name}: p99 < {p99:g} ms: {outcome.p99_ms:.1f} ms -> "
                  f"{'PASS' if outcome.p99_ms < p99 else 'MISS'}")
    print()
    print(f"page weight (HTML + referenced CSS/JS, uncompressed bytes; budget "
          f"{PAGE_BUDGET:,} B = 30 KB):")
    for weight in weights:
        assets = " + ".join(f"{Path(urlsplit(u).path).name} {s:,}"
                            for u, s in weight.assets.items())
        print(f"  {weight.step:<14} html {weight.html:>7,} + {assets or 'no assets'} "
              f"= {weight.total:>7,}")
    heaviest = max(weights, key=lambda w: w.total)
    print(f"  largest: {heaviest.step} {heaviest.total:,} B -> "
          f"{'PASS' if heaviest.total <= PAGE_BUDGET else 'MISS'}")
    external = sorted({e for w in weights for e in w.external})
    if external:
        print(f"  other hosts referenced: MISS ({len(external)}): " + "; ".join(external[:10]))
    else:
        print("  other hosts referenced in src/href/action (and CSS url()/@import): "
              "none -> PASS")
    print()
    print(f"run took {seconds_total:.0f} s")


def gunicorn_version() -> str:
    try:
        import gunicorn

        return gunicorn.__version__
    except ImportError:
        return "?"


# --------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="measured seconds per scenario (default 10; at most 60)")
    parser.add_argument("--warmup", type=float, default=2.0,
                        help="warm-up seconds per scenario, not counted (default 2)")
    parser.add_argument("--connections", type=int, default=16,
                        help="concurrent connections (default 16; at most 256)")
    parser.add_argument("--workers", type=int, default=2,
                        help="gunicorn sync workers for each app (default 2)")
    parser.add_argument("--generator", choices=("auto", "wrk", "python"), default="auto",
                        help="load generator: wrk if installed (auto), or the Python one")
    parser.add_argument("--wrk-threads", type=int, default=1,
                        help="wrk threads (default 1, to leave the CPUs to the servers)")
    parser.add_argument("--wait-quiet", type=float, default=30.0,
                        help="wait up to this many seconds for other processes to go quiet "
                             "before measuring (default 30; 0 to skip)")
    parser.add_argument("--accept-encoding", default=BROWSER_ACCEPT_ENCODING,
                        help="the wizard scenarios' Accept-Encoding header (default: what "
                             f"Chrome sends over HTTPS, {BROWSER_ACCEPT_ENCODING!r}; '' for "
                             "none, uncompressed pages)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if not 0 < args.seconds <= 60 or not 0 <= args.warmup <= 30:
        parser.error("--seconds must be in (0, 60] and --warmup in [0, 30]")
    if not 0 <= args.wait_quiet <= 120:
        parser.error("--wait-quiet must be in [0, 120]")
    if not 1 <= args.connections <= 256 or not 1 <= args.workers <= 16:
        parser.error("--connections must be in [1, 256] and --workers in [1, 16]")
    return args


def run_bounded(prefix: str, body: Callable[[Path, Servers], int]) -> int:
    """Run a benchmark's body with a scratch folder and the servers it starts, both cleaned up
    however it ends; return what it returns, 2 when something broke, 130 when interrupted.
    (Shared by the load benchmarks: portfolio.py and workshop_load.py use it too.)"""
    scratch = Path(tempfile.mkdtemp(prefix=prefix))
    servers = Servers()

    def on_signal(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    # Ctrl-C must clean up even when started from a shell that ignores SIGINT in the background.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return body(scratch, servers)
    except Broken as exc:
        print(f"\nbroken: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    finally:
        servers.stop()
        shutil.rmtree(scratch, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    began = time.monotonic()
    sys.path.insert(0, str(ROOT))

    def body(scratch: Path, servers: Servers) -> int:
        database_url = f"sqlite:///{scratch / 'kcs.sqlite3'}"
        secret = secrets.token_hex(32)
        print(f"seeding a fresh database in {scratch} ...", flush=True)
        seed = make_database(database_url, secret)

        env = server_env(database_url, secret)
        session_headers = {"Cookie": f"{seed.cookie_name}={seed.cookie}",
                           "User-Agent": USER_AGENT}
        # The wizard's scenarios ask for compressed pages, as every browser does.
        load_headers = {**session_headers, "Accept-Encoding": args.accept_encoding} \
            if args.accept_encoding else session_headers
        print(f"starting gunicorn (-w {args.workers} -k sync) for kcs-assess and the bare app "
              "...", flush=True)
        wizard = servers.start("kcs-assess", "wsgi:app", args.workers, env,
                               scratch / "kcs-assess.log")
        bare = servers.start("bare app", "bare_app:app", args.workers, env,
                             scratch / "bare.log", ["--pythonpath", str(BENCHMARKS)])
        wait_until_answering(bare, "/", 200)
        step_path = f"/assessments/{seed.assessment_id}/steps/{GET_STEP}"
        wait_until_answering(wizard, step_path, 200, session_headers)

        post_path = f"/assessments/{seed.assessment_id}/steps/{POST_STEP}"
        form = [("csrf_token", seed.csrf_token), ("answer-PL1.1", "yes"), ("go", "later"),
                ("note-PL1.1", "some text")]
        status, body, _ = fetch(wizard.port, post_path, {
            **session_headers, "Content-Type": "application/x-www-form-urlencoded",
        }, "POST", form_body(form, 0))
        if status != 302:
            raise Broken(f"a save POST answered {status}, not 302:\n"
                         + body.decode(errors="replace")[:2000])

        scenarios = [
            Scenario("bare GET /", bare.port, "GET", "/", 200, {"User-Agent": USER_AGENT}),
            Scenario("wizard step GET", wizard.port, "GET", step_path, 200, load_headers),
            Scenario("save POST", wizard.port, "POST", post_path, 302, {
                **load_headers, "Content-Type": "application/x-www-form-urlencoded",
            }, form),
        ]
        use_wrk = args.generator == "wrk" or (args.generator == "auto" and shutil.which("wrk"))
        if use_wrk and not shutil.which("wrk"):
            raise Broken("--generator wrk, but wrk is not installed (apt-get install wrk)")
        generator = (WrkGenerator(args.connections, args.wrk_threads, scratch) if use_wrk
                     else PythonGenerator(args.connections))
        print(f"load generator: {generator.name}", flush=True)
        meter = CpuMeter(servers)
        if args.wait_quiet > 0:
            print(f"waiting up to {args.wait_quiet:g} s for other processes to leave the CPUs "
                  "alone ...", flush=True)
            other = meter.wait_until_quiet(args.wait_quiet)
            if other > OTHER_LOAD_WARNING:
                print(f"  still busy ({other:.2f} cores used by other processes); "
                      "measuring anyway", flush=True)
        outcomes = []
        for scenario in scenarios:
            print(f"  {scenario.name}: {args.warmup:g} s warm-up + {args.seconds:g} s ...",
                  flush=True)
            outcome = generator.run(scenario, args.seconds, args.warmup, meter)
            if outcome.ok == 0:
                raise Broken(f"{scenario.name}: no correct response "
                             f"(errors: {outcome.errors})\n" + tail(wizard.log))
            outcomes.append(outcome)

        weights = weigh_pages(wizard.port, seed, session_headers)
        last_note = saved_note(scratch / "kcs.sqlite3", seed.assessment_id)
        report(outcomes, weights, generator.name, args, seed, time.monotonic() - began)
        print(f"saves reached the database: note of PL1.1 is now {last_note!r}")
        if args.json:
            args.json.write_text(json.dumps({
                "date": time.strftime("%Y-%m-%d %H:%M"), "cpus": os.cpu_count(),
                "generator": generator.name, "connections": args.connections,
                "workers": args.workers, "seconds": args.seconds,
                "accept_encoding": args.accept_encoding,
                "scenarios": [{"name": o.scenario.name, "rps": o.rps, "cpu_ms": o.cpu_ms,
                               "p50_ms": o.p50_ms,
                               "p99_ms": o.p99_ms, "ok": o.ok, "errors": o.errors,
                               "cpu_cores": o.cpu and o.cpu.__dict__}
                              for o in outcomes],
                "pages": [{"step": w.step, "html": w.html, "assets": w.assets,
                           "total": w.total, "external": w.external} for w in weights],
            }, indent=2) + "\n")
        return 0

    return run_bounded("kcs-bench-", body)


if __name__ == "__main__":
    sys.exit(main())
