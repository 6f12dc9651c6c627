"""The wizard: start, task list, steps, show_if, save and resume, check, submit, tampering."""

from __future__ import annotations

import re

import pytest
from conftest import (
    make_app,
    post,
    register,
    sign_in,
    sign_out,
    start_assessment,
    submit_assessment,
)
from sqlalchemy import func, select

from kcs_assess.config import DEFAULT_FRAMEWORKS_FILE as FRAMEWORKS
from kcs_assess.config import DEFAULT_QUESTIONNAIRE_DIR as SHIPPED
from kcs_assess.domain.catalogue import load_catalogue
from kcs_assess.extensions import db
from kcs_assess.models import Answer, Assessment

# The versions the app offers for a new assessment.
QUICK = load_catalogue([SHIPPED], FRAMEWORKS).get("quick-check")
ICSS = load_catalogue([SHIPPED], FRAMEWORKS).get("icss-core")


def step_url(assessment_id: int, standard: str) -> str:
    return f"/assessments/{assessment_id}/steps/{standard}"


def save(client, assessment_id: int, standard: str, answers: dict[str, str],
         notes: dict[str, str] | None = None, go: str = "next"):
    data = {f"answer-{q}": a for q, a in answers.items()}
    data.update({f"note-{q}": n for q, n in (notes or {}).items()})
    data["go"] = go
    return post(client, step_url(assessment_id, standard), data)


def stored_answers(app, assessment_id: int) -> dict[str, str | None]:
    with app.app_context():
        rows = db.session.execute(
            select(Answer.question_id, Answer.value).where(Answer.assessment_id == assessment_id)
        ).all()
    return dict(rows)


def answer_all(client, assessment_id: int, questionnaire, overrides: dict[str, str]) -> None:
    for standard in questionnaire.standards:
        answers = {q.id: overrides.get(q.id, "yes") for q in standard.questions}
        assert save(client, assessment_id, standard.id, answers).status_code == 302


# -- starting -------------------------------------------------------------------------


def test_start_offers_every_questionnaire_with_its_purpose_size_and_time(member):
    page = member.get("/assessments/new").get_data(as_text=True)
    for questionnaire in (ICSS, QUICK):
        assert questionnaire.title in page
        assert f"{len(questionnaire.questions)} questions" in page
        assert f"about {questionnaire.minutes} minutes" in page


def test_organisation_type_suggests_the_questionnaire(client):
    register(client, organisation_type="contingent")
    page = client.get("/assessments/new").get_data(as_text=True)
    assert re.search(r'value="contingent" checked', page)
    assert "Suggested for your organisation" in page
    sign_out(client)
    register(client, email="ngo@example.org")
    assert re.search(r'value="icss-core" checked', client.get("/assessments/new").get_data(
        as_text=True))


def test_start_needs_a_label(member, app):
    response = post(member, "/assessments/new", {"label": " ", "questionnaire": "icss-core"})
    assert response.status_code == 422
    assert "Give the assessment a name" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(func.count(Assessment.id))).scalar() == 0


def test_task_list_shows_each_standard_and_its_status(member):
    assessment = start_assessment(member)
    page = member.get(f"/assessments/{assessment}").get_data(as_text=True)
    assert "Annual review 2026" in page
    assert page.count("Not started") == 4
    save(member, assessment, "policy", {"PL1.1": "yes"})
    page = member.get(f"/assessments/{assessment}").get_data(as_text=True)
    assert page.count("Not started") == 3 and "In progress" in page
    assert f"1 of {len(ICSS.standards[0].questions)} answered" in page


# -- a step ---------------------------------------------------------------------------


def test_a_step_shows_its_criteria_questions_help_options_and_note(member):
    assessment = start_assessment(member)
    page = member.get(step_url(assessment, "policy")).get_data(as_text=True)
    policy = ICSS.standards[0]
    assert page.count('<fieldset class="criterion">') == len(policy.criteria)
    first = policy.questions[0]
    assert first.text in page and first.help in page
    for label in ("Yes", "Partly", "No", "Don&#39;t know"):
        assert label in page
    assert f'name="note-{first.id}"' in page
    assert "Minimum requirement" in page
    assert "Step 1 of 4" in page


def test_save_and_continue_goes_to_the_next_step_and_keeps_answers(member, app):
    assessment = start_assessment(member)
    response = save(member, assessment, "policy", {"PL1.1": "partly"},
                    {"PL1.1": "Approved in 2024"})
    assert response.headers["Location"] == step_url(assessment, "people")
    assert stored_answers(app, assessment) == {"PL1.1": "partly"}
    page = member.get(step_url(assessment, "policy")).get_data(as_text=True)
    assert re.search(r'name="answer-PL1.1" value="partly" checked', page)
    assert "Approved in 2024</textarea>" in page


def test_back_saves_and_goes_to_the_previous_step(member, app):
    assessment = start_assessment(member)
    response = save(member, assessment, "people", {"PE1.1": "no"}, go="back")
    assert response.headers["Location"] == step_url(assessment, "policy")
    assert stored_answers(app, assessment) == {"PE1.1": "no"}


def test_save_and_come_back_later_returns_to_the_task_list(member):
    assessment = start_assessment(member)
    response = save(member, assessment, "people", {"PE1.1": "no"}, go="later")
    assert response.headers["Location"] == f"/assessments/{assessment}"
    assert "Your answers are saved" in member.get(response.headers["Location"]).get_data(
        as_text=True)


def test_the_last_step_leads_to_check_your_answers(member):
    assessment = start_assessment(member)
    response = save(member, assessment, "accountability", {"AC1.1": "yes"})
    assert response.headers["Location"] == f"/assessments/{assessment}/check"


def test_a_note_can_be_changed_and_cleared(member, app):
    assessment = start_assessment(member)
    save(member, assessment, "policy", {"PL1.1": "yes"}, {"PL1.1": "Minutes of 3 May"})
    page = member.get(step_url(assessment, "policy")).get_data(as_text=True)
    assert "Minutes of 3 May</textarea>" in page
    save(member, assessment, "policy", {}, {"PL1.1": ""})
    page = member.get(step_url(assessment, "policy")).get_data(as_text=True)
    assert "Minutes of 3 May" not in page
    assert stored_answers(app, assessment) == {"PL1.1": "yes"}


# -- show_if without JavaScript -------------------------------------------------------


def follow_up_visible(page: str, question_id: str) -> bool:
    match = re.search(rf'<fieldset class="q[^"]*" id="q-{re.escape(question_id)}"[^>]*>', page)
    assert match, question_id
    return "hidden disabled" not in match.group(0)


def test_follow_up_questions_appear_and_disappear_with_the_answer(member, app):
    assessment = start_assessment(member)
    page = member.get(step_url(assessment, "procedures")).get_data(as_text=True)
    assert not follow_up_visible(page, "PR4.2")

    response = save(member, assessment, "procedures", {"PR4.1": "yes"})
    # The follow-ups are on this same step: it is shown again, at a message above them.
    assert response.headers["Location"] == (step_url(assessment, "procedures")
                                            + "?new=PR4.2&new=PR4.3#follow-ups")
    page = member.get(response.headers["Location"]).get_data(as_text=True)
    assert "follow-up questions" in page
    assert follow_up_visible(page, "PR4.2") and follow_up_visible(page, "PR4.3")

    save(member, assessment, "procedures", {"PR4.2": "no"})
    response = save(member, assessment, "procedures", {"PR4.1": "no"})
    assert response.headers["Location"] == step_url(assessment, "accountability")
    page = member.get(step_url(assessment, "procedures")).get_data(as_text=True)
    assert not follow_up_visible(page, "PR4.2")
    # The hidden answer is kept, not lost, and comes back if the answer changes back.
    assert stored_answers(app, assessment)["PR4.2"] == "no"
    save(member, assessment, "procedures", {"PR4.1": "yes"})
    page = member.get(step_url(assessment, "procedures")).get_data(as_text=True)
    assert re.search(r'name="answer-PR4.2" value="no" checked', page)


def test_follow_ups_on_a_later_step_show_there(member):
    assessment = start_assessment(member)
    page = member.get(step_url(assessment, "accountability")).get_data(as_text=True)
    assert not follow_up_visible(page, "AC2.4")
    save(member, assessment, "procedures", {"PR4.1": "yes"})
    page = member.get(step_url(assessment, "accountability")).get_data(as_text=True)
    assert follow_up_visible(page, "AC2.4")


# -- save and resume ------------------------------------------------------------------


def test_a_draft_survives_sign_out_and_a_server_restart(app, client, database_url):
    register(client)
    assessment = start_assessment(client)
    save(client, assessment, "policy", {"PL1.1": "partly"}, {"PL1.1": "Board minutes"})
    sign_out(client)

    restarted = make_app(database_url)  # a new process on the same database
    browser = restarted.test_client()  # a new browser: no cookies
    sign_in(browser)
    page = browser.get(f"/assessments/{assessment}").get_data(as_text=True)
    assert "In progress" in page
    page = browser.get(step_url(assessment, "policy")).get_data(as_text=True)
    assert re.search(r'name="answer-PL1.1" value="partly" checked', page)
    assert "Board minutes" in page
    with restarted.app_context():
        db.engine.dispose()


# -- check and submit -----------------------------------------------------------------


def test_check_your_answers_lists_unanswered_questions_with_links(member):
    assessment = start_assessment(member, "quick-check")
    save(member, assessment, "policy", {"QPL1.1": "yes", "QPL1.2": "no"},
         {"QPL1.2": "Draft only"})
    page = member.get(f"/assessments/{assessment}/check").get_data(as_text=True)
    # 21 questions, of which QPR3.2 and QPR3.3 wait for QPR3.1: 19 asked, 2 answered.
    assert "17 questions are not answered yet" in page
    assert f'href="{step_url(assessment, "people")}#q-QPE1.1"' in page
    assert "Draft only" in page


def test_submitting_an_incomplete_assessment_is_refused_and_lists_what_is_missing(member, app):
    assessment = start_assessment(member, "quick-check")
    save(member, assessment, "policy", {"QPL1.1": "yes"})
    response = post(member, f"/assessments/{assessment}/check")
    assert response.status_code == 422
    assert "18 questions are not answered yet" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Assessment, assessment).status == "draft"


def test_submitting_locks_the_assessment(member, app):
    assessment = start_assessment(member, "quick-check")
    answer_all(member, assessment, QUICK, {})
    response = submit_assessment(member, assessment)
    assert response.headers["Location"] == f"/assessments/{assessment}/results"
    with app.app_context():
        stored = db.session.get(Assessment, assessment)
        assert stored.status == "submitted" and stored.submitted_at is not None
    # A later save is refused and changes nothing.
    refused = save(member, assessment, "policy", {"QPL1.1": "no"})
    assert refused.status_code == 400
    assert "can no longer be changed" in refused.get_data(as_text=True)
    assert stored_answers(app, assessment)["QPL1.1"] == "yes"
    assert submit_assessment(member, assessment).status_code == 400
    # The step pages now lead to the results.
    assert member.get(step_url(assessment, "policy")).status_code == 302


# -- tampered posts -------------------------------------------------------------------


@pytest.mark.parametrize(("fields", "message"), [
    ({"answer-PL1.1": "yes", "answer-PL1.10": "definitely"}, "not one of its options"),
    ({"answer-PL1.1": "yes", "answer-ZZ9.9": "yes"}, "does not have"),
    ({"answer-PL1.1": "yes", "answer-PE1.1": "yes"}, "not on this page"),
    ({"answer-PL1.1": "yes", "note-PL1.10": "x" * 2001}, "longer than the limit"),
    ({"answer-PL1.1": "na"}, "not one of its options"),  # PL1.1 does not allow n/a
])
def test_a_tampered_post_gets_400_and_writes_nothing(member, app, fields, message):
    assessment = start_assessment(member)
    response = post(member, step_url(assessment, "policy"), {**fields, "go": "next"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and "Nothing was saved" in page
    assert stored_answers(app, assessment) == {}


def test_the_same_question_sent_twice_is_refused(member, app):
    assessment = start_assessment(member)
    response = post(member, step_url(assessment, "policy"),
                    [("answer-PL1.1", "yes"), ("answer-PL1.1", "no")])
    assert response.status_code == 400
    assert stored_answers(app, assessment) == {}


def test_a_note_at_the_limit_is_kept_whole(member, app):
    assessment = start_assessment(member)
    note = "é" * 1999 + "\r\n"  # a browser's line ending counts as one character
    assert save(member, assessment, "policy", {}, {"PL1.10": note}).status_code == 302
    with app.app_context():
        stored = db.session.execute(select(Answer.note)).scalar_one()
    assert stored == "é" * 1999


def test_a_post_without_csrf_token_is_refused(member, app):
    assessment = start_assessment(member)
    response = member.post(step_url(assessment, "policy"), data={"answer-PL1.1": "yes"})
    assert response.status_code == 400
    assert stored_answers(app, assessment) == {}


def test_an_unknown_step_is_404(member):
    assessment = start_assessment(member)
    assert member.get(step_url(assessment, "finance")).status_code == 404


# -- access ---------------------------------------------------------------------------


def test_another_organisations_assessment_answers_404(app, client):
    register(client)
    assessment = start_assessment(client)
    save(client, assessment, "policy", {"PL1.1": "no"}, {"PL1.1": "secret weakness"})
    sign_out(client)
    register(client, email="other@example.org", organisation_name="Other NGO")
    for url in (f"/assessments/{assessment}", step_url(assessment, "policy"),
                f"/assessments/{assessment}/check", f"/assessments/{assessment}/results"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "secret weakness" not in response.get_data(as_text=True)
    assert save(client, assessment, "policy", {"PL1.1": "yes"}).status_code == 404
    assert post(client, f"/assessments/{assessment}/check").status_code == 404
    assert stored_answers(app, assessment) == {"PL1.1": "no"}
    assert "Annual review" not in client.get("/").get_data(as_text=True)


# -- what users typed -----------------------------------------------------------------


def test_what_users_typed_is_shown_as_typed(client):
    register(client, organisation_name='<b>Bold</b> & "Co"')
    assessment = start_assessment(client, label="<script>alert(1)</script>")
    save(client, assessment, "policy", {"PL1.1": "yes"}, {"PL1.1": "<i>note</i> & more"})
    for url in ("/", f"/assessments/{assessment}", f"/assessments/{assessment}/check",
                step_url(assessment, "policy")):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in page and "<b>Bold</b>" not in page
        assert "<i>note</i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get("/").get_data(as_text=True)
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &#34;Co&#34;" in client.get("/").get_data(as_text=True)
    assert "&lt;i&gt;note&lt;/i&gt; &amp; more" in client.get(
        f"/assessments/{assessment}/check").get_data(as_text=True)
