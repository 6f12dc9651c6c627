#!/usr/bin/env python
"""Weigh every type of page as a browser receives it: uncompressed, gzip and brotli.

    .venv/bin/python benchmarks/page_weight.py

Seeds a fresh SQLite database in a temporary folder (a member of an NGO with an icss-core
assessment half answered with notes, and a submitted quick check), fetches each page type
with the Flask test client, and prints the bytes of its HTML, and of the CSS and JavaScript
it links, as sent without compression, with gzip and with brotli. The static files carry a
digest in their address and are cached for a year, so after the first page a browser
fetches the HTML only. The last line: `pages: wizard_max_gzip=N first_visit_max_gzip=N`,
against the target of 10,000 bytes per wizard page.
"""

from __future__ import annotations

import re
import secrets
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from wizard_load import app_config, page_csrf_token  # noqa: E402

PASSWORD = "benchmark password 2026"
TARGET = 10_000
ENCODINGS = ("identity", "gzip", "br")


def seed(app) -> tuple[int, int]:
    from kcs_assess.domain.wizard import parse_step
    from kcs_assess.services import accounts, assessments, passwords, transaction
    from kcs_assess.services.questionnaires import catalogue

    with app.app_context():
        with transaction.write():
            user = accounts.create_user("weigh@example.org", "Amina Diallo", "en",
                                        passwords.hash_password(PASSWORD))
            organisation = accounts.create_organisation(user, "Safe Futures", "ngo", "ML")
            draft = assessments.start(user, organisation, catalogue().get("icss-core"),
                                      "Annual review 2026", "en")
            quick = assessments.start(user, organisation, catalogue().get("quick-check"),
                                      "Quick check", "en")
        questionnaire = assessments.questionnaire_for(draft)
        for standard in questionnaire.standards[:2]:
            fields = []
            for number, question in enumerate(standard.questions):
                fields.append((f"answer-{question.id}", question.options[number % 2]))
                if number % 3 == 0:
                    fields.append((f"note-{question.id}", "Board minute 14, March 2026."))
            with transaction.write():
                assessments.save_step(user, draft, parse_step(questionnaire, standard, fields))
        short = assessments.questionnaire_for(quick)
        for standard in short.standards:
            with transaction.write():
                assessments.save_step(user, quick, parse_step(short, standard, [
                    (f"answer-{q.id}", "partly" if "partly" in q.options else "no")
                    for q in standard.questions]))
        with transaction.write():
            assessments.submit(user, quick)
        return draft.id, quick.id


def weigh(client, path: str) -> dict[str, int]:
    sizes = {}
    for encoding in ENCODINGS:
        response = client.get(path, headers={"Accept-Encoding": encoding})
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        sizes[encoding] = len(response.data)
        response.close()
    return sizes


def main() -> int:
    from flask_migrate import upgrade

    from kcs_assess import create_app
    from kcs_assess.services.questionnaires import catalogue

    scratch = Path(tempfile.mkdtemp(prefix="kcs-weigh-"))
    try:
        app = create_app(app_config(f"sqlite:///{scratch / 'kcs.sqlite3'}",
                                    secrets.token_hex(16)))
        with app.app_context():
            upgrade()
        draft, submitted = seed(app)
        visitor = app.test_client()
        member = app.test_client()
        member.post("/sign-in", data={
            "csrf_token": page_csrf_token(member.get("/sign-in").get_data(as_text=True)),
            "email": "weigh@example.org", "password": PASSWORD})
        with app.app_context():
            steps = [s.id for s in catalogue().get("icss-core").standards]
        pages = [("front page", visitor, "/"), ("sign in", visitor, "/sign-in"),
                 ("register", visitor, "/register"),
                 ("assessments", member, "/"), ("overview", member, f"/assessments/{draft}"),
                 *((f"step: {step}", member, f"/assessments/{draft}/steps/{step}")
                   for step in steps),
                 ("check", member, f"/assessments/{draft}/check"),
                 ("results", member, f"/assessments/{submitted}/results"),
                 ("action plan", member, f"/assessments/{submitted}/plan"),
                 ("account", member, "/account")]
        html = member.get(f"/assessments/{draft}/steps/{steps[0]}").get_data(as_text=True)
        assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
        static = {encoding: sum(weigh(member, asset)[encoding] for asset in assets)
                  for encoding in ENCODINGS}
        print(f"static files ({', '.join(a.split('?')[0] for a in assets)}): "
              + ", ".join(f"{e} {static[e]:,} B" for e in ENCODINGS)
              + "; cached for a year after the first page")
        print(f"\n{'page':<24}" + "".join(f"{e:>11}" for e in ENCODINGS)
              + f"{'first visit (gzip)':>21}")
        wizard_max = first_max = 0
        for name, client, path in pages:
            sizes = weigh(client, path)
            first = sizes["gzip"] + static["gzip"]
            print(f"{name:<24}" + "".join(f"{sizes[e]:>11,}" for e in ENCODINGS)
                  + f"{first:>21,}")
            if name.startswith("step:"):
                wizard_max = max(wizard_max, sizes["gzip"])
                first_max = max(first_max, first)
        verdict = "PASS" if first_max < TARGET else "MISS"
        print(f"\ntarget: every wizard page under {TARGET:,} B transferred (gzip, with its CSS "
              f"and JS on a first visit): largest {first_max:,} B -> {verdict}")
        print(f"pages: wizard_max_gzip={wizard_max} first_visit_max_gzip={first_max}")
        return 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
