"""The PDFs as a user gets them: the plan in any language, and blank questionnaires."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from conftest import register, sign_out, start_assessment, submit_assessment
from pypdf import PdfReader
from reports.pdfread import DrawnLine, all_lines, read, row_of
from test_results import PATTERN
from test_wizard import QUICK, answer_all, save

from kcs_assess.i18n import LANGUAGES


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def submitted(client, **register_args) -> int:
    register(client, **register_args)
    assessment = start_assessment(client, "quick-check", label='Review <b>2026</b> & "after"')
    answer_all(client, assessment, QUICK, PATTERN)
    assert submit_assessment(client, assessment).status_code == 302
    return assessment


def test_results_offer_the_plan_in_every_shipped_language(client):
    assessment = submitted(client)
    page = client.get(f"/assessments/{assessment}/results").get_data(as_text=True)
    downloads = re.search(r'<div id="downloads">(.*?)</div>', page, re.S).group(1)
    for code in LANGUAGES:
        assert f"/assessments/{assessment}/plan.pdf?lang={code}" in downloads


def test_the_plan_pdf_shows_the_same_results_as_the_screen(client):
    assessment = submitted(client, organisation_name='<font color=red>Safe</font> & Co')
    response = client.get(f"/assessments/{assessment}/plan.pdf?lang=en")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="review-b-2026-b-after-en.pdf"')
    text = pdf_text(response.data)
    assert "<font color=red>Safe</font> & Co" in text
    assert 'Review <b>2026</b> & "after"' in text
    assert "86" in text and "Developing" in text  # worked out by hand in test_results
    action = QUICK.questions_by_id["QPR1.2"].action
    assert action.split()[0] in text
    # The crosswalk as on screen: cs4 (QPE2.1 answered no) is not met.
    assert "What this means for other standards" in text
    item = r"\s+".join("4 Mandatory training on protection from sexual exploitation and abuse"
                        .split())  # the title wraps in its cell
    assert re.search(item + r"\s*Not met\s*QPE2\.1", text)


def test_the_plan_pdf_can_be_in_another_language_than_the_page(client):
    assessment = submitted(client)
    english_page = client.get(f"/assessments/{assessment}/results").get_data(as_text=True)
    assert 'lang="en"' in english_page[:100]
    french = pdf_text(client.get(f"/assessments/{assessment}/plan.pdf?lang=fr").data)
    english = pdf_text(client.get(f"/assessments/{assessment}/plan.pdf?lang=en").data)
    assert "Improvement plan" in english and "Improvement plan" not in french
    assert "Plan d" in french


def test_another_organisation_cannot_download_the_plan(client):
    assessment = submitted(client)
    sign_out(client)
    register(client, email="other@example.org")
    response = client.get(f"/assessments/{assessment}/plan.pdf?lang=en")
    assert response.status_code == 404
    assert b"%PDF" not in response.data


def test_signed_out_users_cannot_download_the_plan(client):
    assessment = submitted(client)
    sign_out(client)
    assert client.get(f"/assessments/{assessment}/plan.pdf").status_code == 302


def test_an_unknown_language_is_not_found(client):
    assessment = submitted(client)
    assert client.get(f"/assessments/{assessment}/plan.pdf?lang=de").status_code == 404


def test_blank_questionnaires_are_offered_and_open_to_anyone(client):
    register(client)
    page = client.get("/assessments/new").get_data(as_text=True)
    listing = re.search(r'<ul id="blank-questionnaires">(.*?)</ul>', page, re.S).group(1)
    assert listing.count("blank.pdf?lang=") == 3 * len(LANGUAGES)
    sign_out(client)
    response = client.get("/questionnaires/quick-check/blank.pdf?lang=es")
    assert response.status_code == 200
    text = pdf_text(response.data)
    for question in QUICK.questions:
        assert question.id in text
    assert client.get("/questionnaires/none/blank.pdf").status_code == 404


SUBMITTED_AT = datetime(2026, 3, 14, 23, 30, tzinfo=UTC)  # long before any test runs
NOTE = "Checked the records <b>&</b> two were missing."


def submitted_on_a_fixed_day(client) -> int:
    """Submit the worked example with a note on QPE2.1, stored as submitted on 14 March."""
    from sqlalchemy import update

    from kcs_assess.extensions import db
    from kcs_assess.models import Assessment

    register(client)
    assessment = start_assessment(client, "quick-check", label="Baseline")
    answer_all(client, assessment, QUICK, PATTERN)
    people = {q.id: PATTERN.get(q.id, "yes") for q in QUICK.standards[1].questions}
    save(client, assessment, "people", people, {"QPE2.1": NOTE})
    assert submit_assessment(client, assessment).status_code == 302
    with client.application.app_context():
        db.session.execute(update(Assessment).values(submitted_at=SUBMITTED_AT))
        db.session.commit()
    return assessment


def downloaded(client, assessment: int, locale: str) -> list[DrawnLine]:
    response = client.get(f"/assessments/{assessment}/plan.pdf?lang={locale}")
    assert response.status_code == 200
    return all_lines(read(response.data))


def value_of(lines: list[DrawnLine], label: str) -> list[str]:
    """Return the cells right of a label on the cover, the way a reader finds them."""
    cover = [line for line in lines if line.page == 1]
    row = row_of(cover, next(line for line in cover if line.text == label))
    return [cell.text for cell in row[1:]]


def test_the_downloaded_plan_gives_the_submission_date_not_today(client):
    assessment = submitted_on_a_fixed_day(client)
    lines = downloaded(client, assessment, "en")
    assert value_of(lines, "Submitted on") == ["14 March 2026"]
    assert value_of(lines, "Submitted by") == ["Amina Diallo"]  # as registered in conftest
    assert value_of(lines, "Country") == ["Mali"]
    assert "Submitted on 14 March 2026" in [line.text for line in lines if line.page == 2]
    page = client.get(f"/assessments/{assessment}/results").get_data(as_text=True)
    assert "Submitted on 14 March 2026" in page


def test_the_downloaded_plan_keeps_the_note_under_its_question(client):
    assessment = submitted_on_a_fixed_day(client)
    lines = downloaded(client, assessment, "en")
    texts = [line.text for line in lines]
    appendix = texts.index("Appendix: answers and notes")
    question = next(i for i in range(appendix, len(texts)) if texts[i].startswith("QPE2.1 "))
    answer = next(i for i in range(question, len(texts)) if texts[i].startswith("Answer:"))
    assert texts[answer:answer + 3] == ["Answer: No", "Note:", NOTE]
    assert lines[answer + 2].y < lines[answer].y or lines[answer + 2].page > lines[answer].page


def test_the_downloaded_plan_gives_the_overall_row_and_differs_by_language(client):
    assessment = submitted_on_a_fixed_day(client)
    english = downloaded(client, assessment, "en")
    french = downloaded(client, assessment, "fr")
    for lines, overall, level in ((english, "Overall score", "Developing"),
                                  (french, "Score global", "En développement")):
        texts = [line.text for line in lines]
        at = texts.index(overall)
        assert texts[at + 1:at + 3] == ["86", level]  # worked by hand in test_results
        assert lines[at].page == lines[at + 1].page == 2
        assert lines[at + 1].y < lines[at].y  # the score is under its label
    assert value_of(french, "Soumise le") == ["14 mars 2026"]
    assert value_of(english, "Language") == ["English"]
    assert value_of(french, "Langue") == ["Français"]


def test_the_blank_questionnaire_comes_in_the_language_asked_for_each_time(client):
    titles = {"en": "Safeguarding quick check", "fr": "Diagnostic rapide de la protection"}
    for locale in ("en", "fr", "en", "fr"):  # a cache keyed without the language would repeat
        response = client.get(f"/questionnaires/quick-check/blank.pdf?lang={locale}")
        lines = all_lines(read(response.data))
        cover = " ".join(line.text for line in lines if line.page == 1)
        assert titles[locale] in cover, (locale, cover[:200])
        assert titles["fr" if locale == "en" else "en"] not in cover
