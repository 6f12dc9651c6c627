"""The respondent's pages: where to go next, checking before submitting, follow-ups, direction."""

from __future__ import annotations

import re

from conftest import post, register, start_assessment, submit_assessment
from sqlalchemy import select
from test_results import text_of
from test_wizard import ICSS, QUICK, answer_all, save, step_url

from kcs_assess.extensions import db
from kcs_assess.models import Assessment


def page_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def primary_button(page: str) -> tuple[str, str]:
    """Return the (link, text) of the page's main button."""
    href, label = re.search(r'<a class="button primary"[^>]*href="([^"]+)">(.*?)</a>',
                            page).groups()
    return href, re.sub(r"<[^>]+>", "", label)


# -- the overview: where am I ------------------------------------------------------------


def test_overview_continues_with_the_first_step_not_done(member):
    assessment = start_assessment(member)
    page = page_of(member, f"/assessments/{assessment}")
    # Nothing answered: continue with the first step, not "check and submit".
    assert primary_button(page) == (step_url(assessment, "policy"), "Continue: Policy")
    save(member, assessment, "policy", {q.id: "yes" for q in ICSS.standards[0].questions})
    save(member, assessment, "people", {"PE1.1": "no"})
    page = page_of(member, f"/assessments/{assessment}")
    assert primary_button(page) == (step_url(assessment, "people"), "Continue: People")
    # Checking stays at hand, as a secondary button.
    assert f'<a class="button" href="/assessments/{assessment}/check">' in page


def test_overview_leads_to_checking_once_every_step_is_done(member):
    assessment = start_assessment(member, "quick-check")
    answer_all(member, assessment, QUICK, {})
    page = page_of(member, f"/assessments/{assessment}")
    assert primary_button(page) == (f"/assessments/{assessment}/check",
                                    "Check your answers and submit")


def test_overview_gives_the_total_answered_and_the_time_each_step_still_takes(member):
    assessment = start_assessment(member)
    page = page_of(member, f"/assessments/{assessment}")
    # 62 questions are asked until answers bring up the follow-ups (71 in all).
    assert text_of(re.search(r'id="progress">(.*?)</p>', page).group(1)) == "0 of 62 answered"
    assert re.findall(r'<span class="time">(.*?)</span>', page) == [
        "about 14 minutes", "about 14 minutes", "about 9 minutes", "about 12 minutes"]
    save(member, assessment, "policy", {q.id: "yes" for q in ICSS.standards[0].questions})
    page = page_of(member, f"/assessments/{assessment}")
    assert text_of(re.search(r'id="progress">(.*?)</p>', page).group(1)) == "18 of 62 answered"
    # Policy is done: no time is given for it any more.
    assert len(re.findall(r'<span class="time">', page)) == 3


# -- checking and submitting -------------------------------------------------------------


def test_check_page_starts_with_a_summary_and_the_submit_button_near_it(member):
    assessment = start_assessment(member, "quick-check")
    answer_all(member, assessment, QUICK, {"QPE1.1": "unknown", "QPR1.1": "unknown"})
    page = page_of(member, f"/assessments/{assessment}/check")
    summary = page[page.index('<div class="summary" id="summary">'):
                   page.index('<h2 id="standard-policy">')]
    assert "21 of 21 answered" in text_of(summary)  # QPR3.1 yes asks QPR3.2 and QPR3.3
    assert "2 questions are answered “Don't know”" in text_of(summary)
    assert "Submit the assessment" in summary
    assert "they cannot be changed afterwards" in text_of(summary)
    # The answers follow the summary.
    assert page.index('id="summary"') < page.index('<h2 id="standard-policy">')


def test_the_summary_links_to_what_is_unanswered_a_step_not_started_once(member):
    assessment = start_assessment(member, "quick-check")
    save(member, assessment, "policy", {"QPL1.1": "yes", "QPL1.2": "unknown"})
    save(member, assessment, "procedures", {"QPR1.1": "yes"})
    page = page_of(member, f"/assessments/{assessment}/check")
    links = re.findall(r'<li><a href="([^"]+)">(.*?)</a>',
                       re.search(r'<ul id="unanswered">(.*?)</ul>', page, re.S).group(1))
    assert [(href.rsplit("/", 1)[1], text_of(label).split(" ")[0]) for href, label in links] == [
        ("policy#q-QPL2.3", "QPL2.3"), ("policy#q-QPL2.4", "QPL2.4"),
        ("policy#q-QPL2.2", "QPL2.2"),
        ("people#q-QPE1.1", "People"),
        ("procedures#q-QPR1.2", "QPR1.2"), ("procedures#q-QPR1.3", "QPR1.3"),
        ("procedures#q-QPR2.1", "QPR2.1"),
        # The contingent question is asked; the two it opens wait for its answer.
        ("procedures#q-QPR3.1", "QPR3.1"),
        ("accountability#q-QAC1.1", "Accountability"),
    ]
    assert "1 question is answered “Don't know”" in page
    assert "Submit the assessment" not in page  # nothing to submit until all is answered


def test_submitting_needs_the_confirmation_that_answers_will_be_locked(member, app):
    assessment = start_assessment(member, "quick-check")
    answer_all(member, assessment, QUICK, {})
    response = post(member, f"/assessments/{assessment}/check")
    assert response.status_code == 422
    errors = re.search(r'<div class="errors"[^>]*>(.*?)</div>', response.get_data(as_text=True),
                       re.S).group(0)
    assert "autofocus" in errors and 'href="#confirm"' in errors
    assert "Confirm that you have checked the answers and that they will be locked" in errors
    with app.app_context():
        assert db.session.execute(select(Assessment.status)).scalar_one() == "draft"
    assert submit_assessment(member, assessment).status_code == 302


# -- follow-up questions without JavaScript ----------------------------------------------


def test_follow_up_message_stands_above_the_new_questions_which_are_marked(member):
    assessment = start_assessment(member)
    response = save(member, assessment, "procedures", {"PR4.1": "yes"})
    page = page_of(member, response.headers["Location"])
    message = page.index('<p class="flash info" id="follow-ups"')
    assert 'class="flash' not in page[:message]  # said once, where the page lands
    assert re.match(r'<p class="flash info" id="follow-ups" role="status">[^<]*</p>\n?'
                    r'<fieldset class="q follow-up" id="q-PR4.2"', page[message:])
    marked = re.findall(r'<fieldset class="q follow-up" id="q-([^"]+)"', page)
    assert marked == ["PR4.2", "PR4.3"]
    assert page.count("Follow-up question") == 2


def test_only_questions_shown_on_the_step_can_be_marked_new(member):
    assessment = start_assessment(member)
    page = page_of(member, step_url(assessment, "procedures")
                   + "?new=PL1.1&new=PR4.2&new=PR1.2")
    # PL1.1 is on another step and PR4.2 is not shown yet; PR1.2 is shown, so marked.
    assert re.findall(r'<fieldset class="q follow-up" id="q-([^"]+)"', page) == ["PR1.2"]


# -- what users type, and direction ------------------------------------------------------


def test_what_users_type_is_isolated_from_the_text_around_it(client):
    page = page_of(client, "/register")
    assert re.search(r'<input autocomplete="organization" dir="auto"', page)
    register(client, organisation_name="منظمة الأمل")
    assessment = start_assessment(client, label="Review, phase 1.")
    save(client, assessment, "policy", {"PL1.1": "yes"}, {"PL1.1": "Approved in March."})
    label = "<bdi>Review, phase 1.</bdi>"
    assert "<bdi>منظمة الأمل</bdi>" in page_of(client, "/")
    assert label in page_of(client, "/")
    overview = page_of(client, f"/assessments/{assessment}")
    assert f"<h1>{label}</h1>" in overview
    assert "<title>\u2068Review, phase 1.\u2069 –" in overview
    step = page_of(client, step_url(assessment, "policy"))
    assert label in step and 'name="note-PL1.1" maxlength="2000" rows="1" dir="auto"' in step
    check = page_of(client, f"/assessments/{assessment}/check")
    assert label in check
    assert '<span class="note-text" dir="auto">Approved in March.</span>' in check
    assert label in page_of(client, f"/assessments/{assessment}/results")
    # The hint under the field is read with it.
    assert re.search(r'<input aria-describedby="label-hint" autocomplete="off" dir="auto" '
                     r'id="label"', page_of(client, "/assessments/new"))


def arabic(client) -> None:
    post(client, "/language", {"locale": "ar", "next": "/"})


def test_arabic_pages_carry_no_english_abbreviation(client):
    arabic(client)
    assert "(NGO)" not in page_of(client, "/register")
    register(client)
    assert "(NGO)" not in page_of(client, "/")
    assessment = start_assessment(client)
    assert "(PDF)" not in page_of(client, f"/assessments/{assessment}/results")


def test_each_language_link_is_isolated_so_the_list_reads_in_the_page_direction(member):
    assessment = start_assessment(member)
    for url, list_id in ((f"/assessments/{assessment}/results", "downloads"),
                         ("/assessments/new", "blank-questionnaires")):
        links = re.findall(r"<a [^>]*hreflang[^>]*>",
                           re.search(rf'id="{list_id}">(.*?)</ul>', page_of(member, url),
                                     re.S).group(1))
        assert links and all('dir="auto"' in link for link in links)
