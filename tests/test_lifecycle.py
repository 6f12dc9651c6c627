"""An admin reopens a submitted assessment (saying why) or deletes one (typing its name)."""

from __future__ import annotations

import html

from conftest import (
    colleague,
    current_organisation_id,
    post,
    start_assessment,
    submit_assessment,
)
from sqlalchemy import func, select
from test_wizard import ICSS, answer_all

from kcs_assess.extensions import db
from kcs_assess.models import Answer, Assessment, AuditEvent


def submitted(member) -> int:
    assessment = start_assessment(member)
    answer_all(member, assessment, ICSS, {})
    assert submit_assessment(member, assessment).status_code == 302
    return assessment


def test_an_admin_reopens_a_submitted_assessment_and_the_log_says_who_and_why(app, member):
    assessment = submitted(member)
    results = member.get(f"/assessments/{assessment}/results").get_data(as_text=True)
    assert "Reopen this assessment" in results
    assert post(member, f"/assessments/{assessment}/reopen", {"reason": ""}).status_code == 422
    response = post(member, f"/assessments/{assessment}/reopen",
                    {"reason": "The board asked us to correct PL1.1"})
    assert response.headers["Location"] == f"/assessments/{assessment}"
    with app.app_context():
        stored = db.session.get(Assessment, assessment)
        assert (stored.status, stored.submitted_at, stored.submitted_by_id) == ("draft", None,
                                                                                 None)
    assert post(member, f"/assessments/{assessment}/steps/policy",
                {"answer-PL1.1": "partly", "go": "later"}).status_code == 302
    log = member.get(f"/organisations/{current_organisation_id(member)}/audit").get_data(
        as_text=True)
    assert "Reopened the assessment “Annual review 2026”: The board asked us to correct PL1.1" \
        in log


def test_submitting_records_who_submitted(app, member):
    assessment = submitted(member)
    with app.app_context():
        stored = db.session.get(Assessment, assessment)
        assert stored.submitted_by.name == "Amina Diallo"


def test_editors_can_neither_reopen_nor_delete(app, member):
    assessment = submitted(member)
    editor = colleague(app, member, "fatima@example.org", "editor")
    assert "Reopen this assessment" not in editor.get(
        f"/assessments/{assessment}/results").get_data(as_text=True)
    assert post(editor, f"/assessments/{assessment}/reopen",
                {"reason": "I want to"}).status_code == 403
    assert post(editor, f"/assessments/{assessment}/delete",
                {"label": "Annual review 2026"}).status_code == 403


def test_deleting_needs_the_name_typed_and_removes_every_answer(app, member):
    assessment = start_assessment(member)
    post(member, f"/assessments/{assessment}/steps/policy",
         {"answer-PL1.1": "yes", "note-PL1.1": "Board minute 14", "go": "later"})
    response = post(member, f"/assessments/{assessment}/delete", {"label": "Annual review"})
    assert response.status_code == 422
    assert "That is not the assessment's name. Nothing was deleted." in html.unescape(
        response.get_data(as_text=True))
    response = post(member, f"/assessments/{assessment}/delete",
                    {"label": " Annual review 2026 "})
    assert response.headers["Location"] == "/"
    assert member.get(f"/assessments/{assessment}").status_code == 404
    with app.app_context():
        assert db.session.execute(select(func.count(Answer.id))).scalar_one() == 0
        assert db.session.get(Assessment, assessment) is None
        deleted = db.session.execute(select(AuditEvent).where(
            AuditEvent.action == "assessment_deleted")).scalar_one()
        assert deleted.details == {"label": "Annual review 2026"}
