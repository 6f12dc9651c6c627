"""Advisers: read access by the organisation's consent, time-limited, revocable, audited;
and the portfolio, built with the same number of queries for few or many organisations."""

from __future__ import annotations

import csv
import io
import math
import re
from datetime import timedelta

from conftest import (
    PASSWORD,
    current_organisation_id,
    post,
    post_with_page_token,
    register,
    sign_in,
    start_assessment,
)
from sqlalchemy import event, select, update
from test_actions import GAPS
from test_over_time import next_round, submitted_round
from test_wizard import QUICK, answer_all

from kcs_assess.domain.scoring import score
from kcs_assess.extensions import db
from kcs_assess.models import Grant, utcnow


def grant_access(app, admin, email: str, scope: str = "results", months: int = 12,
                 existing=None):
    """Invite an adviser from the organisation page; return the adviser's browser."""
    organisation = current_organisation_id(admin)
    response = post(admin, f"/organisations/{organisation}/advisers",
                    {"adviser-email": email, "adviser-scope": scope,
                     "adviser-months": str(months), "adviser-locale": "en"})
    assert response.status_code == 200, response.get_data(as_text=True)
    link = re.search(r'id="invitation-link"[^>]*value="https?://[^/"]+(/invitations/[^"]+)"',
                     response.get_data(as_text=True)).group(1)
    adviser = existing or app.test_client()
    page = adviser.get(link).get_data(as_text=True)
    fields = {} if existing else {"name": "Grace Adviser", "password": PASSWORD,
                                  "confirm": PASSWORD}
    accepted = post_with_page_token(adviser, link, page, fields)
    assert accepted.headers["Location"] == "/portfolio", accepted.status_code
    return adviser


def log_of(admin) -> str:
    return admin.get(f"/organisations/{current_organisation_id(admin)}/audit").get_data(
        as_text=True)


def test_an_adviser_reads_the_results_of_an_organisation_that_granted_access(app, member):
    assessment = submitted_round(member, "Round one", GAPS, {next(iter(GAPS)): "Secret note"})
    adviser = grant_access(app, member, "grace@example.org", "results")
    portfolio = adviser.get("/portfolio").get_data(as_text=True)
    assert "Safe Futures" in portfolio and f"/assessments/{assessment}/results" in portfolio
    results = adviser.get(f"/assessments/{assessment}/results")
    assert results.status_code == 200
    page = results.get_data(as_text=True)
    assert "Secret note" not in page  # results and plan only: no notes
    assert "Start the next round" not in page and "Download the answers" not in page
    assert adviser.get(f"/assessments/{assessment}/check").status_code == 403
    assert adviser.get(f"/assessments/{assessment}/export.csv?lang=en").status_code == 403
    assert adviser.get(f"/assessments/{assessment}/plan").status_code == 200
    pdf = adviser.get(f"/assessments/{assessment}/plan.pdf?lang=en")
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Secret note" not in text and "Appendix" not in text
    assert adviser.get(f"/organisations/{current_organisation_id(member)}").status_code == 404


def test_an_adviser_with_the_answers_scope_reads_answers_and_notes(app, member):
    assessment = submitted_round(member, "Round one", GAPS, {next(iter(GAPS)): "Secret note"})
    adviser = grant_access(app, member, "grace@example.org", "answers")
    assert "Secret note" in adviser.get(f"/assessments/{assessment}/check").get_data(
        as_text=True)
    assert adviser.get(f"/assessments/{assessment}/export.json?lang=en").status_code == 200


def test_an_adviser_never_writes(app, member):
    assessment = submitted_round(member, "Round one", GAPS)
    draft = start_assessment(member, "quick-check", label="Draft")
    adviser = grant_access(app, member, "grace@example.org", "answers")
    standard = QUICK.standards[0]
    attempts = [
        (f"/assessments/{draft}/steps/{standard.id}",
         {f"answer-{standard.questions[0].id}": "no", "go": "later"}),
        (f"/assessments/{draft}/check", {"confirm": "y"}),
        (f"/assessments/{assessment}/next-round", {"label": "Mine"}),
        (f"/assessments/{assessment}/reopen", {"reason": "because"}),
    ]
    for url, data in attempts:
        assert post(adviser, url, data).status_code == 403, url
    assert adviser.get("/assessments/new").status_code == 403


def test_revoking_ends_the_access_at_once(app, member):
    assessment = submitted_round(member, "Round one", {})
    adviser = grant_access(app, member, "grace@example.org")
    organisation = current_organisation_id(member)
    page = member.get(f"/organisations/{organisation}").get_data(as_text=True)
    assert "Grace Adviser" in page and "Results and plan" in page
    grant_id = re.search(r"/advisers/(\d+)/revoke", page).group(1)
    post(member, f"/organisations/{organisation}/advisers/{grant_id}/revoke")
    assert adviser.get(f"/assessments/{assessment}/results").status_code == 404
    assert "Safe Futures" not in adviser.get("/portfolio").get_data(as_text=True)
    assert "Revoked the access of the adviser Grace Adviser" in log_of(member)


def test_access_ends_when_it_expires(app, member):
    assessment = submitted_round(member, "Round one", {})
    adviser = grant_access(app, member, "grace@example.org", months=3)
    with app.app_context():
        grant = db.session.execute(select(Grant)).scalar_one()
        days = (grant.expires_at - grant.created_at).days
        assert 89 <= days <= 92
        db.session.execute(update(Grant).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert adviser.get(f"/assessments/{assessment}/results").status_code == 404


def test_at_most_24_months_can_be_granted(member):
    organisation = current_organisation_id(member)
    response = post(member, f"/organisations/{organisation}/advisers",
                    {"adviser-email": "grace@example.org", "adviser-scope": "results",
                     "adviser-months": "25", "adviser-locale": "en"})
    assert response.status_code == 422
    assert "Between 1 and 24 months." in response.get_data(as_text=True)


def test_every_page_an_adviser_opens_is_in_the_organisations_log(app, member):
    assessment = submitted_round(member, "Round one", {})
    adviser = grant_access(app, member, "grace@example.org")
    adviser.get("/portfolio")
    adviser.get(f"/assessments/{assessment}/results")
    adviser.get(f"/assessments/{assessment}/plan.pdf?lang=fr")
    adviser.get(f"/assessments/{assessment}/trend")
    log = log_of(member)
    assert "As an adviser, opened the portfolio" in log
    assert "As an adviser, opened the results of “Round one”" in log
    assert "As an adviser, opened the PDF of “Round one”" in log
    assert "As an adviser, opened the trend, from “Round one”" in log
    assert "Accepted to read the results as an adviser" in log


def test_an_existing_account_accepts_with_its_sign_in(app, member):
    other = app.test_client()
    register(other, email="grace@example.org", organisation_name="Adviser Network")
    grant_access(app, member, "grace@example.org", existing=other)
    assert "Safe Futures" in other.get("/portfolio").get_data(as_text=True)
    assert 'href="/portfolio"' in other.get("/").get_data(as_text=True)


def test_the_portfolio_filters_sorts_and_exports(app, member):
    first = submitted_round(member, "Round one", GAPS)
    second = next_round(member, first)
    answer_all(member, second, QUICK, {})
    from conftest import submit_assessment

    submit_assessment(member, second)
    other = app.test_client()
    register(other, email="contingent@example.org", organisation_name="Contingent Alpha",
             organisation_type="contingent")
    submitted_round(other, "Baseline", {q.id: "no" for q in QUICK.questions})
    adviser = grant_access(app, member, "grace@example.org")
    grant_access(app, other, "grace@example.org", existing=adviser)
    page = adviser.get("/portfolio").get_data(as_text=True)
    names = re.findall(r'<th scope="row"><a [^>]*><bdi>(.*?)</bdi>', page)
    assert names == ["Contingent Alpha", "Safe Futures"]
    by_score = adviser.get("/portfolio?sort=score&order=desc").get_data(as_text=True)
    assert re.findall(r'<th scope="row"><a [^>]*><bdi>(.*?)</bdi>', by_score) == [
        "Safe Futures", "Contingent Alpha"]
    only = adviser.get("/portfolio?type=contingent").get_data(as_text=True)
    assert "Contingent Alpha" in only and "Safe Futures</bdi>" not in only
    assert re.search(r'class="change up">\+\d+', page)  # Safe Futures improved
    export = adviser.get("/portfolio.csv").data.decode("utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(export)))
    assert rows[0][:3] == ["Organisation", "Type of organisation", "Country"]
    assert [row[0] for row in rows[1:]] == ["Contingent Alpha", "Safe Futures"]


def seed_organisations(app, adviser_email: str, first: int, count: int) -> None:
    """Organisations numbered from `first` that each submitted two rounds (their scores
    differing) and granted the adviser access, made through the services."""
    from kcs_assess.domain.wizard import parse_step
    from kcs_assess.services import accounts, assessments, passwords, transaction
    from kcs_assess.services.questionnaires import catalogue

    with app.app_context():
        adviser = accounts.find_user(adviser_email)
        questionnaire = catalogue().get("quick-check")
        for number in range(first, first + count):
            with transaction.write():
                user = accounts.create_user(f"org{number}@example.org", f"Focal {number}",
                                            "en", passwords.hash_password(PASSWORD))
                organisation = accounts.create_organisation(user, f"Org {number:02}", "ngo",
                                                            "SN")
                db.session.add(Grant(organisation_id=organisation.id, adviser_id=adviser.id,
                                     scope="results", created_at=utcnow(),
                                     expires_at=utcnow() + timedelta(days=30)))
            for round_number, answer in enumerate(("no", "partly")):
                with transaction.write():
                    assessment = assessments.start(user, organisation, questionnaire,
                                                   f"Round {round_number}", "en")
                for standard in questionnaire.standards:
                    fields = [(f"answer-{q.id}", answer if answer in q.options else "no")
                              for q in standard.questions]
                    with transaction.write():
                        assessments.save_step(user, assessment,
                                              parse_step(questionnaire, standard, fields))
                with transaction.write():
                    assessments.submit(user, assessment)
        db.session.remove()


def statements(app, client, url: str) -> int:
    """Count the SQL statements that answering one request runs."""
    with app.app_context():
        engine = db.engine
    count = [0]

    def counting(*_args) -> None:
        count[0] += 1

    event.listen(engine, "before_cursor_execute", counting)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", counting)
    return count[0]


def test_the_portfolio_takes_as_many_queries_for_many_organisations_as_for_few(app, client):
    register(client, email="grace@example.org", organisation_name="Adviser Network")
    seed_organisations(app, "grace@example.org", 0, 2)
    client.get("/portfolio")  # questionnaire snapshots are read once per process
    few = statements(app, client, "/portfolio")
    seed_organisations(app, "grace@example.org", 2, 8)
    many = statements(app, client, "/portfolio")
    assert many == few
    page = client.get("/portfolio").get_data(as_text=True)
    assert page.count('<th scope="row">') == 10
    # Every organisation went from all "no" to all "partly" (where a question offers it).
    quick = QUICK
    before = score(quick, {q.id: "no" for q in quick.questions}).score
    after = score(quick, {q.id: "partly" if "partly" in q.options else "no"
                          for q in quick.questions}).score
    change = math.floor(after - before)
    assert page.count(f'class="change up">+{change}<') == 10


def test_signing_in_as_an_adviser_without_an_organisation_leads_to_the_portfolio(app, member):
    submitted_round(member, "Round one", {})
    adviser = grant_access(app, member, "grace@example.org")
    from conftest import sign_out

    sign_out(adviser)
    sign_in(adviser, email="grace@example.org")
    home = adviser.get("/").get_data(as_text=True)
    assert 'href="/portfolio"' in home
