#!/usr/bin/env python
"""Time an adviser's portfolio of 1,000 organisations under gunicorn, beside a bare Flask app.

    .venv/bin/python benchmarks/portfolio.py [--organisations 1000] [--seconds 10]

What it does, all on 127.0.0.1 and bounded in time:

1. makes a fresh SQLite database in a temporary folder, migrates it, and seeds it: the
   given number of organisations, each with a focal point and three submitted rounds of the
   quick check (answers drawn at random, scored by the domain's `score()`, the summary that
   submitting stores, and an action per gap, some overdue); an adviser whom every
   organisation granted access, and a second adviser whom only ten did;
2. counts the SQL statements of one portfolio request for each adviser, in process: the
   target is the same number for 10 and for 1,000 organisations;
3. starts kcs-assess (wsgi:app) and benchmarks/bare_app.py under gunicorn with sync workers,
   and drives GET /portfolio (the first page of 50, sorted by organisation) and the bare
   app's GET / with the same load generator as benchmarks/wizard_load.py;
4. prints req/s, p50 and p99, the target (p99 under 300 ms at 8 connections) and ends with
   the line `portfolio: orgs=N p99_ms=N queries=N`.

It is a measurement, not a test: it exits 0 when the target is missed, and non-zero only
when something broke.
"""

from __future__ import annotations

import argparse
import datetime
import random
import re
import secrets
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from wizard_load import (  # noqa: E402  (the shared load machinery)
    BENCHMARKS,
    OTHER_LOAD_WARNING,
    ROOT,
    USER_AGENT,
    Broken,
    CpuMeter,
    PythonGenerator,
    Scenario,
    Servers,
    WrkGenerator,
    app_config,
    page_csrf_token,
    run_bounded,
    server_env,
    tail,
    wait_until_answering,
)

PASSWORD = "benchmark password 2026"
ADVISER, SMALL_ADVISER = "adviser@example.org", "adviser10@example.org"
ROUNDS = 3
TARGET_P99_MS = 300.0
CONNECTIONS = 8


def seed(database_url: str, secret: str, organisations: int) -> None:
    """Fill a fresh database with organisations, rounds, actions and two advisers' grants."""
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from kcs_assess import create_app
    from kcs_assess.domain.actions import add_months
    from kcs_assess.domain.scoring import score
    from kcs_assess.extensions import db
    from kcs_assess.models import (
        Action,
        Answer,
        Assessment,
        Grant,
        Membership,
        Organisation,
        User,
    )
    from kcs_assess.services import passwords, transaction
    from kcs_assess.services.questionnaires import catalogue, snapshot_for

    random.seed(2026)
    app = create_app(app_config(database_url, secret))
    now = datetime.datetime.now(datetime.UTC)
    with app.app_context():
        upgrade()
        questionnaire = catalogue().get("quick-check")
        with transaction.write():
            version = snapshot_for(questionnaire)
        hashed = passwords.hash_password(PASSWORD)
        users = [{"id": 1, "email": ADVISER, "name": "Adviser", "password_hash": hashed,
                  "locale": "en", "created_at": now},
                 {"id": 2, "email": SMALL_ADVISER, "name": "Adviser Ten",
                  "password_hash": hashed, "locale": "en", "created_at": now}]
        orgs, members, assessments, answers, actions, grants = [], [], [], [], [], []
        for number in range(organisations):
            organisation_id, user_id = number + 1, number + 3
            users.append({"id": user_id, "email": f"focal{number}@example.org",
                          "name": f"Focal {number}", "password_hash": hashed, "locale": "en",
                          "created_at": now})
            orgs.append({"id": organisation_id, "name": f"Organisation {number:04}",
                         "type": random.choice(["ngo", "contingent", "other"]),
                         "country": random.choice(["ML", "SN", "CD", "SS", "CF", "LB"]),
                         "created_at": now})
            members.append({"user_id": user_id, "organisation_id": organisation_id,
                            "role": "admin", "created_at": now})
            for adviser in (1, 2) if number < 10 else (1,):
                grants.append({"organisation_id": organisation_id, "adviser_id": adviser,
                               "scope": "results", "created_at": now,
                               "expires_at": now + datetime.timedelta(days=365)})
            for round_number in range(ROUNDS):
                assessment_id = number * ROUNDS + round_number + 1
                submitted = now - datetime.timedelta(days=365 * (ROUNDS - round_number))
                given = {q.id: random.choice(["yes", "yes", "partly", "no", "unknown"])
                         for q in questionnaire.questions}
                result = score(questionnaire, given)
                assessments.append({
                    "id": assessment_id, "organisation_id": organisation_id,
                    "questionnaire_version_id": version.id, "label": f"Round {round_number}",
                    "status": "submitted", "locale": "en", "created_by_id": user_id,
                    "created_at": submitted, "updated_at": submitted,
                    "submitted_at": submitted, "submitted_by_id": user_id,
                    "score": result.score, "level": result.level.key if result.level else None,
                    "minimum_met": result.minimum_met,
                    "standard_levels": {r.standard.id: {"score": r.score, "level":
                                                        r.level.key if r.level else None}
                                        for r in result.standards},
                })
                answers += [{"assessment_id": assessment_id, "question_id": question_id,
                             "value": value, "note": "", "updated_at": submitted,
                             "revision": 1, "carried_over": False}
                            for question_id, value in given.items()]
                actions += [{"assessment_id": assessment_id, "question_id": gap.question.id,
                             "owner_name": "", "status": "open", "reason": "",
                             "confirmed_by_answers": False, "created_at": submitted,
                             "updated_at": submitted,
                             "due": add_months(submitted.date(), gap.timeframe_months)}
                            for gap in result.plan]
        with transaction.write():
            for model, rows in ((User, users), (Organisation, orgs), (Membership, members),
                                (Assessment, assessments), (Answer, answers),
                                (Action, actions), (Grant, grants)):
                for start in range(0, len(rows), 5000):
                    db.session.execute(insert(model), rows[start:start + 5000])
        db.session.remove()
        db.engine.dispose()


def sign_in(database_url: str, secret: str, email: str) -> tuple[str, str, object]:
    """Sign an adviser in with the test client; return the cookie's name and value."""
    from kcs_assess import create_app

    app = create_app(app_config(database_url, secret))
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    response = client.post("/sign-in", data={
        "csrf_token": page_csrf_token(client.get("/sign-in").get_data(as_text=True)),
        "email": email, "password": PASSWORD})
    if response.status_code != 302:
        raise Broken(f"signing in as {email} answered {response.status_code}")
    name = app.config["SESSION_COOKIE_NAME"]
    return name, client.get_cookie(name).value, app


def statements(app, cookie: tuple[str, str]) -> tuple[int, int]:
    """Return the SQL statements one portfolio request runs, and the rows it shows."""
    from sqlalchemy import event

    from kcs_assess.extensions import db

    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    client.set_cookie(*cookie)
    client.get("/portfolio")  # questionnaire snapshots are read once per process
    with app.app_context():
        engine = db.engine
    count = [0]

    def counting(*_args: object) -> None:
        count[0] += 1

    event.listen(engine, "before_cursor_execute", counting)
    try:
        response = client.get("/portfolio")
    finally:
        event.remove(engine, "before_cursor_execute", counting)
    if response.status_code != 200:
        raise Broken(f"the portfolio answered {response.status_code}")
    rows = len(re.findall(r'<th scope="row">', response.get_data(as_text=True)))
    return count[0], rows


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--organisations", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--connections", type=int, default=CONNECTIONS)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--generator", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--wait-quiet", type=float, default=30)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(ROOT))

    def body(scratch: Path, servers: Servers) -> int:
        database_url = f"sqlite:///{scratch / 'kcs.sqlite3'}"
        secret = secrets.token_hex(32)
        began = time.monotonic()
        print(f"seeding {args.organisations} organisations x {ROUNDS} rounds ...", flush=True)
        seed(database_url, secret, args.organisations)
        print(f"  seeded in {time.monotonic() - began:.1f} s", flush=True)
        big = sign_in(database_url, secret, ADVISER)
        small = sign_in(database_url, secret, SMALL_ADVISER)
        queries_big, rows_big = statements(big[2], big[:2])
        queries_small, rows_small = statements(small[2], small[:2])
        print(f"SQL statements per portfolio request: {queries_small} for "
              f"{min(10, args.organisations)} organisations ({rows_small} rows shown), "
              f"{queries_big} for {args.organisations} ({rows_big} rows shown on page 1)")

        env = server_env(database_url, secret)
        headers = {"Cookie": f"{big[0]}={big[1]}", "User-Agent": USER_AGENT}
        app_server = servers.start("kcs-assess", "wsgi:app", args.workers, env,
                                   scratch / "kcs-assess.log")
        bare = servers.start("bare app", "bare_app:app", args.workers, env,
                             scratch / "bare.log", ["--pythonpath", str(BENCHMARKS)])
        wait_until_answering(bare, "/", 200)
        wait_until_answering(app_server, "/portfolio", 200, headers)
        use_wrk = args.generator == "wrk" or (args.generator == "auto" and shutil.which("wrk"))
        generator = (WrkGenerator(args.connections, 1, scratch) if use_wrk
                     else PythonGenerator(args.connections))
        meter = CpuMeter(servers)
        if args.wait_quiet > 0:
            other = meter.wait_until_quiet(args.wait_quiet)
            if other > OTHER_LOAD_WARNING:
                print(f"  still busy ({other:.2f} cores used by other processes); "
                      "measuring anyway", flush=True)
        outcomes = []
        for scenario in (
            Scenario("bare GET /", bare.port, "GET", "/", 200, {"User-Agent": USER_AGENT}),
            Scenario("portfolio GET", app_server.port, "GET", "/portfolio", 200, headers),
        ):
            print(f"  {scenario.name}: {args.warmup:g} s warm-up + {args.seconds:g} s ...",
                  flush=True)
            outcome = generator.run(scenario, args.seconds, args.warmup, meter)
            if outcome.ok == 0:
                raise Broken(f"{scenario.name}: no correct response\n"
                             + tail(app_server.log))
            outcomes.append(outcome)
        bare_outcome, portfolio = outcomes
        print(f"\ngenerator: {generator.name}; {args.connections} connections, "
              f"{args.workers} sync workers, SQLite (WAL)")
        print(f"{'scenario':<16} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} "
              f"{'vs bare':>8}")
        for outcome in outcomes:
            share = outcome.rps / bare_outcome.rps if bare_outcome.rps else 0
            print(f"{outcome.scenario.name:<16} {outcome.rps:>8.1f} {outcome.p50_ms:>8.1f} "
                  f"{outcome.p99_ms:>8.1f} {outcome.error_count:>7} {share:>7.0%}")
            if outcome.cpu:
                print(f"  cpu: servers {outcome.cpu.servers:.2f}, other processes "
                      f"{outcome.cpu.other:.2f}")
        verdict = "PASS" if portfolio.p99_ms < TARGET_P99_MS else "MISS"
        same = "PASS" if queries_small == queries_big else "MISS"
        print(f"target p99 < {TARGET_P99_MS:g} ms at {args.connections} connections: "
              f"{portfolio.p99_ms:.1f} ms -> {verdict}")
        print(f"target same statements for 10 and {args.organisations} organisations: "
              f"{queries_small} and {queries_big} -> {same}")
        print(f"portfolio: orgs={args.organisations} p99_ms={portfolio.p99_ms:.0f} "
              f"queries={queries_big}")
        return 0

    return run_bounded("kcs-portfolio-", body)


if __name__ == "__main__":
    sys.exit(main())
