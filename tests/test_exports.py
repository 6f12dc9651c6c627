"""Exports read back: CSV and XLSX parsed, JSON validated against its schema; each in the log."""

from __future__ import annotations

import csv
import io
import json

import jsonschema
from conftest import colleague, current_organisation_id
from openpyxl import load_workbook
from sqlalchemy import select
from test_actions import CRITICAL, GAPS, ORDINARY
from test_over_time import submitted_round
from test_wizard import QUICK

from kcs_assess.extensions import db
from kcs_assess.i18n import Translator
from kcs_assess.models import AuditEvent
from kcs_assess.reports.exports import schema

NOTE = "=HYPERLINK(\"http://evil.example\") checked on site"


def exported(member, assessment: int, file_format: str, lang: str = "en"):
    response = member.get(f"/assessments/{assessment}/export.{file_format}?lang={lang}")
    assert response.status_code == 200, response.status_code
    assert "attachment" in response.headers["Content-Disposition"]
    return response


def test_csv_has_one_row_per_question_with_answer_note_and_action(member):
    assessment = submitted_round(member, "Round one", GAPS, {CRITICAL.id: NOTE})
    response = exported(member, assessment, "csv")
    assert response.mimetype == "text/csv"
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["Standard", "Criterion", "Question id", "Question", "Answer", "Note",
                       "Severity", "Action", "Owner", "Due", "Status"]
    assert [row[2] for row in rows[1:]] == [q.id for q in QUICK.questions]
    critical = next(row for row in rows if row[2] == CRITICAL.id)
    assert critical[4] == "No" and critical[6] == "Critical" and critical[10] == "Open"
    assert critical[5] == "'" + NOTE  # never read as a formula
    done = next(row for row in rows if row[2] not in GAPS and row[4] == "Yes")
    assert done[6:] == ["", "", "", "", ""]


def test_xlsx_has_a_summary_the_answers_and_the_plan_and_reads_right_to_left_in_arabic(member):
    assessment = submitted_round(member, "Round one", GAPS, {CRITICAL.id: NOTE})
    book = load_workbook(io.BytesIO(exported(member, assessment, "xlsx").data))
    assert book.sheetnames == ["Summary", "Answers", "Plan"]
    answers = book["Answers"]
    header = [cell.value for cell in answers[1]]
    assert header[2] == "Question id" and header[5] == "Note"
    row = next(r for r in answers.iter_rows(min_row=2, values_only=True) if r[2] == CRITICAL.id)
    assert row[5] == "'" + NOTE and answers.cell(2, 6).data_type == "s"
    plan = [r for r in book["Plan"].iter_rows(min_row=2, values_only=True)]
    # Critical, then the medium gap ("no"), then the low one ("partly").
    assert [r[1] for r in plan] == [CRITICAL.id, ORDINARY[1].id, ORDINARY[0].id]
    assert not book["Summary"].sheet_view.rightToLeft
    arabic = load_workbook(io.BytesIO(exported(member, assessment, "xlsx", "ar").data))
    assert all(sheet.sheet_view.rightToLeft for sheet in arabic.worksheets)
    answers_title = Translator.for_locale("ar").gettext("Answers")[:31]
    assert arabic.sheetnames[1] == answers_title


def test_json_holds_the_whole_assessment_and_follows_its_schema(member):
    assessment = submitted_round(member, "Round one", GAPS, {CRITICAL.id: NOTE})
    data = json.loads(exported(member, assessment, "json").data)
    jsonschema.Draft202012Validator(schema(), format_checker=jsonschema.FormatChecker()
                                    ).validate(data)
    assert data["questionnaire"] == {"id": "quick-check", "version": QUICK.version,
                                     "title": QUICK.title}
    answers = {a["question_id"]: a for a in data["answers"]}
    assert answers[CRITICAL.id]["answer"] == "no" and answers[CRITICAL.id]["note"] == NOTE
    assert [a["question_id"] for a in data["actions"]][0] == CRITICAL.id
    assert data["actions"][0]["status"] == "open"
    assert data["scores"]["minimum_requirements_met"] is False
    assert 0 < data["scores"]["overall"] < 100


def test_every_export_is_in_the_language_chosen_and_in_the_log(app, member):
    assessment = submitted_round(member, "Round one", GAPS)
    french = exported(member, assessment, "csv", "fr").data.decode("utf-8").lstrip("\ufeff")
    header = next(csv.reader(io.StringIO(french)))
    assert header[0] == Translator.for_locale("fr").gettext("Standard")
    exported(member, assessment, "json", "es")
    log = member.get(f"/organisations/{current_organisation_id(member)}/audit").get_data(
        as_text=True)
    assert "Downloaded “Round one” as CSV (Français)" in log
    assert "Downloaded “Round one” as JSON (Español)" in log
    with app.app_context():
        formats = [e.details["format"] for e in db.session.execute(select(AuditEvent).where(
            AuditEvent.action == "exported")).scalars()]
    assert sorted(formats) == ["csv", "json"]


def test_viewers_may_export_and_unknown_formats_and_languages_are_not_found(app, member):
    assessment = submitted_round(member, "Round one", {})
    viewer = colleague(app, member, "ousmane@example.org", "viewer")
    assert viewer.get(f"/assessments/{assessment}/export.json?lang=en").status_code == 200
    assert member.get(f"/assessments/{assessment}/export.exe?lang=en").status_code == 404
    assert member.get(f"/assessments/{assessment}/export.csv?lang=xx").status_code == 404
