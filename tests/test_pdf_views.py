"""The PDFs as a user gets them: the plan in any language, and blank questionnaires."""

from __future__ import annotations

import io
import re

from conftest import register, sign_out, start_assessment, submit_assessment
from pypdf import PdfReader
from test_results import PATTERN
from test_wizard import QUICK, answer_all

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
    assert "83" in text and "Developing" in text  # worked out by hand in test_results
    action = QUICK.questions_by_id["QPR1.1"].action
    assert action.split()[0] in text


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
