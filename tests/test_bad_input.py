"""Bad input never gives a 500: a battery of malformed requests against every route.

Every route of the url map gets malformed paths, query strings, headers and bodies, signed
out and signed in; any 5xx fails. The database-specific cases (ids beyond 64 bits, NUL
bytes, which PostgreSQL refuses in text) also run on PostgreSQL.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import csrf_token, make_app, post, start_assessment
from test_access_matrix import World, world  # noqa: F401  (the shared world fixture)

from kcs_assess.extensions import db

HUGE = str(2**63)
PATH_VALUES = [HUGE, "99999999999999999999999999", "-1", "0", "1.5", "%FF", "%00", "x" * 300,
               "%E2%80%AE", "..%2F..%2Fetc"]
QUERIES = [
    "next=/%0d%0aX-Injected:%201", "next=//evil.example", "lang=%00", "lang=xx",
    "page=-1", f"page={HUGE}{HUGE}", "page=%FF", "v=%E2%80%AE", "%FF=%FF",
]
HEADERS = [
    {"Accept-Language": ";;q=x,*;q=-1,\xff"}, {"Cookie": "session=garbage.!!"},
    {"User-Agent": "A" * 5000}, {"X-Forwarded-For": "not an address"},
    {"Content-Type": "application/x-www-form-urlencoded; charset=ebcdic"},
]
BODIES = [
    b"csrf_token=%FF%FE&email=%FF&name=%C3%28",  # invalid UTF-8
    b"label=a%00b&note-PL1.1=x%00y&email=a%00@example.org&password=%00",
    b"answer-PL1.1=yes&answer-PL1.1=no&go=later",
    b"&&&==&=&a",
    b"\xff\xfe\x00\x01",
]


def _is_fine(response) -> bool:
    response.close()
    return response.status_code < 500


def _routes(app):
    return sorted({(rule.rule, tuple(sorted(rule.arguments)), method)
                   for rule in app.url_map.iter_rules()
                   for method in rule.methods - {"HEAD", "OPTIONS"}})


def _fill(rule: str, value: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?[a-z_]+>", value, rule)


@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "signed-in"])
def test_no_route_answers_a_malformed_request_with_a_server_error(world, tmp_path: Path,  # noqa: F811
                                                                  signed_in: bool):
    database = tmp_path / "battery.sqlite3"
    shutil.copy(world.database, database)
    app = make_app(f"sqlite:///{database}", RATELIMIT_ENABLED=False)
    failures = []
    try:
        client = app.test_client()
        if signed_in:
            client.set_cookie("session", world.cookies["admin"])
        token = csrf_token(client, "/" if signed_in else "/sign-in")
        for rule, arguments, method in _routes(app):
            good = _fill(rule, "1") if arguments else rule
            targets = [_fill(rule, value) for value in PATH_VALUES] if arguments else [rule]
            for target in targets:
                response = client.open(target, method=method)
                if not _is_fine(response):
                    failures.append((method, target, response.status_code))
            for query in QUERIES:
                response = client.open(f"{good}?{query}", method=method)
                if not _is_fine(response):
                    failures.append((method, f"{good}?{query}", response.status_code))
            for headers in HEADERS:
                response = client.open(good, method=method, headers=headers)
                if not _is_fine(response):
                    failures.append((method, good, headers, response.status_code))
            if method == "POST":
                for body in BODIES:
                    for with_token in (b"", f"csrf_token={token}&".encode()):
                        response = client.post(
                            good, data=with_token + body,
                            content_type="application/x-www-form-urlencoded")
                        if not _is_fine(response):
                            failures.append((method, good, body, response.status_code))
                response = client.post(good, data=b"--x\r\ngarbage",
                                       content_type="multipart/form-data; boundary=x")
                if not _is_fine(response):
                    failures.append((method, good, "multipart", response.status_code))
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    assert failures == []


def test_an_id_beyond_64_bits_is_not_found(client, member):
    for path in (f"/assessments/{HUGE}", f"/assessments/{HUGE}/steps/policy",
                 f"/assessments/{HUGE}/plan.pdf", f"/organisations/{HUGE}"):
        assert member.get(path).status_code == 404


def test_a_nul_byte_in_a_note_or_a_label_is_refused_with_nothing_saved(app, member):
    assessment = start_assessment(member)
    response = post(member, f"/assessments/{assessment}/steps/policy",
                    {"answer-PL1.1": "yes", "note-PL1.1": "board\x00minute", "go": "later"})
    assert response.status_code == 400
    assert "cannot be stored" in response.get_data(as_text=True)
    response = post(member, "/assessments/new", {"label": "Round\x00 2",
                                                 "questionnaire": "icss-core"})
    assert response.status_code == 400
    from sqlalchemy import func, select

    from kcs_assess.models import Answer, Assessment

    with app.app_context():
        assert db.session.execute(select(func.count(Answer.id))).scalar_one() == 0
        assert db.session.execute(select(func.count(Assessment.id))).scalar_one() == 1


def test_a_form_not_in_utf8_gets_a_message_about_the_encoding(client):
    token = csrf_token(client)
    response = client.post("/sign-in", data=f"csrf_token={token}&email=%FF%FE".encode(),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "UTF-8" in page and "did not come from this site" not in page


def test_a_crlf_in_next_never_reaches_a_header(client):
    for url in ("/sign-in", "/language"):
        response = post(client, url, {"locale": "fr", "next": "/\r\nX-Injected: 1"},
                        query_string={"next": "/\r\nX-Injected: 1"})
        assert response.status_code in (302, 422)
        assert "X-Injected" not in response.headers


def test_a_step_posted_with_a_button_the_page_lacks_is_refused_and_saves_nothing(app, member):
    assessment = start_assessment(member)
    response = post(member, f"/assessments/{assessment}/steps/policy",
                    {"answer-PL1.1": "yes", "go": "submit"})
    assert response.status_code == 400
    assert "Nothing was saved" in response.get_data(as_text=True)
    from sqlalchemy import func, select

    from kcs_assess.models import Answer

    with app.app_context():
        assert db.session.execute(select(func.count(Answer.id))).scalar_one() == 0
