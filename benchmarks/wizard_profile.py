#!/usr/bin/env python
"""Measure one wizard step GET in process, where other work on the machine cannot blur it.

    .venv/bin/python benchmarks/wizard_profile.py [--requests 400] [--batches 5] [--top 25]
    valgrind --tool=callgrind --collect-atstart=no --toggle-collect=functools_reduce \
        --callgrind-out-file=/tmp/cg.out .venv/bin/python benchmarks/wizard_profile.py \
        --requests 50 --batches 0 --top 0 --callgrind

It seeds the database of benchmarks/wizard_load.py (the same user, assessment and answers, in
a temporary folder, deleted afterwards), builds the app with the production settings that
gunicorn's workers get (request log lines included, written to /dev/null instead of standard
error), and sends `GET /assessments/<id>/steps/procedures` through Flask's test client with
the session cookie and the headers a browser sends (`Accept-Encoding: gzip, deflate, br, zstd`;
`--no-compression` leaves it out, as wrk does). There is no socket and no gunicorn: this is
the application's own cost per request. It prints

- CPU time per request (`time.process_time`), the median and the lowest of `--batches`
  batches of `--requests` requests: the figure that moves least when others load the machine;
- the SQL statements a request runs, with their text;
- Python function calls per request and the `--top` functions by own time (cProfile over one
  batch; the profiler slows the batch down, so its times are only shares);
- with `--callgrind`, nothing but `--requests` requests inside one call of functools.reduce,
  so that callgrind started as above counts the machine instructions of those requests alone
  (`callgrind_annotate /tmp/cg.out | head`): instructions per request do not depend on the
  load at all.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import logging
import os
import pstats
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import wizard_load  # noqa: E402  (the seeding and settings of the load benchmark)

BROWSER_HEADERS = {"Accept-Encoding": wizard_load.BROWSER_ACCEPT_ENCODING,
                   "Accept": "text/html,application/xhtml+xml",
                   "Accept-Language": "en-GB,en;q=0.8"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400, help="requests per batch")
    parser.add_argument("--batches", type=int, default=5, help="timed batches")
    parser.add_argument("--top", type=int, default=25, help="functions to list (0: none)")
    parser.add_argument("--sort", default="tottime", help="pstats order: tottime, cumulative")
    parser.add_argument("--step", default=wizard_load.GET_STEP)
    parser.add_argument("--no-compression", action="store_true",
                        help="send no Accept-Encoding (as wrk does)")
    parser.add_argument("--callgrind", action="store_true",
                        help="run --requests requests inside functools.reduce (see above)")
    args = parser.parse_args(argv)

    scratch = Path(tempfile.mkdtemp(prefix="kcs-profile-"))
    try:
        return run(args, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run(args: argparse.Namespace, scratch: Path) -> int:
    from sqlalchemy import event

    from kcs_assess import create_app
    from kcs_assess.extensions import db

    logging.disable(logging.WARNING)  # alembic's migration lines while seeding
    database_url = f"sqlite:///{scratch / 'kcs.sqlite3'}"
    secret = secrets.token_hex(32)
    seed = wizard_load.make_database(database_url, secret)
    logging.disable(logging.NOTSET)
    # Migrating configured the root logger (alembic.ini); a gunicorn worker has none of that.
    logging.getLogger().handlers.clear()

    app = create_app(wizard_load.app_config(database_url, secret))
    # The request log is written as in production, to /dev/null rather than standard error.
    devnull = open(os.devnull, "w")  # noqa: SIM115 (open for the whole run)
    for handler in logging.getLogger("kcs_assess").handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(devnull)

    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = wizard_load.USER_AGENT
    client.set_cookie(seed.cookie_name, seed.cookie)
    headers = {} if args.no_compression else dict(BROWSER_HEADERS)
    path = f"/assessments/{seed.assessment_id}/steps/{args.step}"

    def get() -> int:
        response = client.get(path, headers=headers)
        if response.status_code != 200:
            raise wizard_load.Broken(f"{path} answered {response.status_code}")
        return len(response.get_data())

    size = 0
    for _ in range(50):  # warm up: templates compiled, caches filled, the session touched
        size = get()

    if args.callgrind:
        functools.reduce(lambda n, _: n + get(), range(args.requests), 0)
        print(f"callgrind: {args.requests} requests inside functools.reduce")
        return 0

    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(_conn, _cursor, statement, *_rest) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    get()
    event.remove(engine, "before_cursor_execute", count)

    per_request = []
    for _ in range(args.batches):
        began = time.process_time()
        for _ in range(args.requests):
            get()
        per_request.append((time.process_time() - began) / args.requests * 1000)

    print(f"wizard step GET {path} ({'no compression' if args.no_compression else 'browser'}"
          f" headers), {size:,} bytes sent")
    if per_request:
        print(f"CPU per request: median {statistics.median(per_request):.3f} ms, lowest "
              f"{min(per_request):.3f} ms ({args.batches} batches of {args.requests})")
    print(f"SQL statements per request: {len(statements)}")
    for statement in statements:
        print("   ", " ".join(statement.split())[:160])

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.requests):
        get()
    profiler.disable()
    stats = pstats.Stats(profiler)
    print(f"Python function calls per request: {stats.total_calls / args.requests:,.0f}")
    print("own time by package (share of the profiled time):")
    for name, share in by_package(stats):
        print(f"  {name:<24} {share:6.1%}")
    if args.top:
        stats.sort_stats(args.sort).print_stats(args.top)
    return 0


def by_package(stats: pstats.Stats) -> list[tuple[str, float]]:
    """Add up the functions' own time by the package they belong to."""
    totals: dict[str, float] = {}
    for (filename, _line, function), row in stats.stats.items():  # type: ignore[attr-defined]
        tottime = row[2]
        if "site-packages/" in filename:
            name = filename.split("site-packages/")[1].split("/")[0].removesuffix(".py")
        elif "/templates/" in filename:
            name = "templates (jinja code)"
        elif "kcs_assess/" in filename:
            name = "kcs_assess"
        elif filename == "~":
            name = "builtins: " + function.split(" of ")[0].strip("{<>}").split()[-1][:14]
        else:
            name = "stdlib"
        totals[name] = totals.get(name, 0.0) + tottime
    whole = sum(totals.values()) or 1.0
    return sorted(((k, v / whole) for k, v in totals.items()), key=lambda kv: -kv[1])[:16]


if __name__ == "__main__":
    sys.exit(main())
