"""An assessment as data: CSV, XLSX and JSON, in a language, built from domain objects (no Flask).

Text a user typed (notes, names, labels) that a spreadsheet would read as a formula is
written with a leading apostrophe in CSV and XLSX, so opening an export never runs it.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

from ..domain.actions import ActionState
from ..domain.questionnaire import Question, Questionnaire
from ..domain.scoring import Gap, Result
from ..domain.workshop import Summary
from ..i18n import Translator, country_name, direction, format_day
from ..labels import (
    ACTION_STATUSES,
    ANSWERS,
    ASSESSMENT_STATUSES,
    NOT_ASSESSED,
    ORGANISATION_TYPES,
    SEVERITIES,
)

SCHEMA_VERSION = "1"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Comment:
    author: str
    at: datetime.datetime
    text: str


@dataclass(frozen=True)
class AssessmentExport:
    """Everything an export holds about one assessment; the scores are scoring's."""

    organisation_name: str
    organisation_type: str
    country: str
    assessment_id: int
    label: str
    status: str
    created_at: datetime.datetime
    submitted_at: datetime.datetime | None
    submitted_by: str | None
    questionnaire: Questionnaire
    result: Result
    answers: dict[str, str]
    notes: dict[str, str]
    actions: dict[str, ActionState]  # by question id
    comments: dict[int, tuple[Comment, ...]]  # by action id
    exported_at: datetime.datetime


def schema() -> dict[str, Any]:
    """Return the JSON Schema that every JSON export is valid against (documented there)."""
    text = resources.files("kcs_assess").joinpath("data/assessment-export.schema.json")
    return json.loads(text.read_text(encoding="utf-8"))


class _Writer:
    """Translated texts and cells shared by the three formats."""

    def __init__(self, export: AssessmentExport, locale: str):
        self.export = export
        self.locale = locale
        self.t = Translator.for_locale(locale)
        self.q = export.questionnaire
        self.gaps: dict[str, Gap] = {gap.question.id: gap for gap in export.result.plan}

    def text(self, question: Question, field: str) -> str:
        return self.t.questionnaire_text(getattr(question, field), self.q.id, question.id,
                                         field)

    def title(self, element_id: str, text: str) -> str:
        return self.t.questionnaire_text(text, self.q.id, element_id, "title")

    def answer(self, question: Question) -> str:
        if question.id not in self.export.result.shown:
            return self.t.gettext("Did not apply")
        key = self.export.answers.get(question.id)
        return self.t.gettext(ANSWERS[key]) if key else self.t.gettext("Not answered")

    def level(self, key: str | None, title: str | None) -> str:
        return self.t.questionnaire_text(title, self.q.id, f"level.{key}", "title") \
            if key and title else ""

    def day(self, value: datetime.date | None) -> str:
        return format_day(value, self.locale) if value else ""

    def answer_rows(self) -> Iterator[list[str]]:
        """One row per question: the columns of answer_header()."""
        for standard in self.q.standards:
            for criterion in standard.criteria:
                for question in criterion.questions:
                    gap = self.gaps.get(question.id)
                    action = self.export.actions.get(question.id)
                    yield [
                        self.title(standard.id, standard.title),
                        self.title(criterion.id, criterion.title),
                        question.id, self.text(question, "text"), self.answer(question),
                        self.export.notes.get(question.id, ""),
                        self.t.gettext(SEVERITIES[gap.severity]) if gap else "",
                        self.text(question, "action") if gap else "",
                        action.owner if action else "",
                        self.day(action.due) if action else "",
                        self.t.gettext(ACTION_STATUSES[action.status]) if action else "",
                    ]

    def answer_header(self) -> list[str]:
        t = self.t
        return [t.gettext("Standard"), t.gettext("Criterion"), t.gettext("Question id"),
                t.gettext("Question"), t.gettext("Answer"), t.gettext("Note"),
                t.gettext("Severity"), t.gettext("Action"), t.gettext("Owner"),
                t.gettext("Due"), t.gettext("Status")]

    def score(self, value: float | None) -> str:
        return self.t.score(value)


def _cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def assessment_csv(export: AssessmentExport, locale: str) -> bytes:
    """One row per question; UTF-8 with a byte order mark, which spreadsheet programs need."""
    writer = _Writer(export, locale)
    output = io.StringIO()
    table = csv.writer(output)
    table.writerow(writer.answer_header())
    for row in writer.answer_rows():
        table.writerow([_cell(value) for value in row])
    return ("\ufeff" + output.getvalue()).encode("utf-8")


def assessment_xlsx(export: AssessmentExport, locale: str) -> bytes:
    """A workbook with a summary, every answer and the plan; right to left in Arabic."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    writer = _Writer(export, locale)
    t, result = writer.t, export.result
    workbook = Workbook()
    summary = workbook.active
    summary.title = t.gettext("Summary")[:31]
    facts = [
        (t.gettext("Organisation"), export.organisation_name),
        (t.gettext("Type of organisation"),
         t.gettext(ORGANISATION_TYPES.get(export.organisation_type, export.organisation_type))),
        (t.gettext("Country"), country_name(export.country, locale)),
        (t.gettext("Assessment"), export.label),
        (t.gettext("Questionnaire"), t.gettext(
            "%(title)s, version %(version)s", version=export.questionnaire.version,
            title=t.questionnaire_text(export.questionnaire.title, export.questionnaire.id,
                                       "questionnaire", "title"))),
        (t.gettext("Status"), t.gettext(ASSESSMENT_STATUSES[export.status])),
        (t.gettext("Submitted on"), writer.day(
            export.submitted_at.date() if export.submitted_at else None)),
        (t.gettext("Submitted by"), export.submitted_by or ""),
        (t.gettext("Overall score"), writer.score(result.score)),
        (t.gettext("Level"), writer.level(result.level.key if result.level else None,
                                          result.level.title if result.level else None)),
        (t.gettext("Minimum requirements met"), _yes_no(t, result.minimum_met)),
    ]
    for name, value in facts:
        summary.append([name, _cell(value)])
        summary.cell(summary.max_row, 1).font = Font(bold=True)
    summary.append([])
    header = [t.gettext("Standard"), t.gettext("Score"), t.gettext("Level")]
    summary.append(header)
    for cell in summary[summary.max_row]:
        cell.font = Font(bold=True)
    for r in result.standards:
        summary.append([writer.title(r.standard.id, r.standard.title), writer.score(r.score),
                        writer.level(r.level.key if r.level else None,
                                     r.level.title if r.level else None)])
    answers = workbook.create_sheet(t.gettext("Answers")[:31])
    answers.append(writer.answer_header())
    for row in writer.answer_rows():
        answers.append([_cell(value) for value in row])
    plan = workbook.create_sheet(t.gettext("Plan")[:31])
    plan.append([t.gettext("Priority"), t.gettext("Question id"), t.gettext("Action"),
                 t.gettext("Time frame"), t.gettext("Owner"), t.gettext("Due"),
                 t.gettext("Status")])
    for gap in result.plan:
        action = export.actions.get(gap.question.id)
        plan.append([
            t.gettext(SEVERITIES[gap.severity]), gap.question.id,
            writer.text(gap.question, "action"),
            t.ngettext("%(num)d month", "%(num)d months", gap.timeframe_months),
            _cell(action.owner) if action else "", writer.day(action.due) if action else "",
            t.gettext(ACTION_STATUSES[action.status]) if action else "",
        ])
    for sheet in (answers, plan):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    for sheet in workbook.worksheets:
        sheet.sheet_view.rightToLeft = direction(locale) == "rtl"
        for column in sheet.columns:
            longest = max((len(str(cell.value or "")) for cell in column), default=0)
            sheet.column_dimensions[column[0].column_letter].width = min(max(10, longest), 60)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _yes_no(t: Translator, value: bool | None) -> str:
    if value is None:
        return t.gettext("Not known yet")
    return t.gettext(ANSWERS["yes"] if value else ANSWERS["no"])


def assessment_json(export: AssessmentExport, locale: str) -> bytes:
    """The whole assessment as JSON, valid against schema() (kcs_assess/data/)."""
    writer = _Writer(export, locale)
    t, result, q = writer.t, export.result, export.questionnaire

    def moment(value: datetime.datetime | None) -> str | None:
        return value.astimezone(datetime.UTC).isoformat() if value else None

    def level(value) -> dict[str, str] | None:
        return {"key": value.key, "title": writer.level(value.key, value.title)} \
            if value else None

    data = {
        "schema_version": SCHEMA_VERSION,
        "exported_at": moment(export.exported_at),
        "language": locale,
        "organisation": {"name": export.organisation_name, "type": export.organisation_type,
                         "country": export.country},
        "assessment": {
            "id": export.assessment_id, "label": export.label, "status": export.status,
            "created_at": moment(export.created_at),
            "submitted_at": moment(export.submitted_at),
            "submitted_by": export.submitted_by,
        },
        "questionnaire": {
            "id": q.id, "version": q.version,
            "title": t.questionnaire_text(q.title, q.id, "questionnaire", "title"),
        },
        "scores": {
            "overall": result.score,
            "level": level(result.level),
            "minimum_requirements_met": result.minimum_met,
            "not_assessed_label": t.gettext(NOT_ASSESSED),
            "standards": [{
                "id": r.standard.id, "title": writer.title(r.standard.id, r.standard.title),
                "score": r.score, "level": level(r.level), "held_back": r.held_back,
                "framework": r.framework, "practice": r.practice,
            } for r in result.standards],
        },
        "answers": [{
            "question_id": question.id, "standard_id": question.standard_id,
            "criterion_id": question.criterion_id, "text": writer.text(question, "text"),
            "applies": question.id in result.shown,
            "answer": export.answers.get(question.id),
            "answer_label": writer.answer(question),
            "note": export.notes.get(question.id, ""),
        } for question in q.questions],
        "actions": [{
            "question_id": gap.question.id, "severity": gap.severity,
            "action": writer.text(gap.question, "action"),
            "time_frame_months": gap.timeframe_months,
            **_action_fields(export, export.actions.get(gap.question.id)),
        } for gap in result.plan],
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def _action_fields(export: AssessmentExport, action: ActionState | None) -> dict[str, Any]:
    if action is None:
        return {"owner": None, "due": None, "status": None, "reason": None,
                "confirmed_by_answers": False, "comments": []}
    return {
        "owner": action.owner or None, "due": action.due.isoformat(), "status": action.status,
        "reason": action.reason or None, "confirmed_by_answers": action.confirmed_by_answers,
        "comments": [{"author": c.author, "at": c.at.astimezone(datetime.UTC).isoformat(),
                      "text": c.text} for c in export.comments.get(action.id, ())],
    }


def portfolio_csv(rows, standards: list[tuple[str, str, str]], locale: str) -> bytes:
    """The adviser's portfolio, one row per organisation (services.advisers.PortfolioRow)."""
    t = Translator.for_locale(locale)

    def level(row, key: str | None) -> str:
        if not key or row.questionnaire is None:
            return ""
        found = next((lv for lv in row.questionnaire.levels if lv.key == key), None)
        return t.questionnaire_text(found.title, row.questionnaire.id, f"level.{key}",
                                    "title") if found else key

    output = io.StringIO()
    table = csv.writer(output)
    table.writerow([
        t.gettext("Organisation"), t.gettext("Type of organisation"), t.gettext("Country"),
        t.gettext("Questionnaire"), t.gettext("Latest round"), t.gettext("Submitted on"),
        t.gettext("Overall score"), t.gettext("Level"), t.gettext("Minimum requirements met"),
        t.gettext("Change since the round before"), t.gettext("Open actions"),
        t.gettext("Overdue actions"),
        *(t.questionnaire_text(title, questionnaire_id, standard_id, "title")
          for standard_id, title, questionnaire_id in standards),
    ])
    for row in rows:
        organisation = row.organisation
        table.writerow([_cell(value) for value in (
            organisation.name,
            t.gettext(ORGANISATION_TYPES.get(organisation.type, organisation.type)),
            country_name(organisation.country, locale),
            row.questionnaire.id if row.questionnaire else "",
            row.latest_label,
            format_day(row.submitted_at.date(), locale) if row.submitted_at else "",
            t.score(row.score) if row.latest_id else "",
            level(row, row.level),
            _yes_no(t, row.minimum_met) if row.latest_id else "",
            t.change(row.change) if row.change is not None else "",
            str(row.open_actions), str(row.overdue_actions),
            *(level(row, row.standards[s].level) if s in row.standards else ""
              for s, _, _ in standards),
        )])
    return ("\ufeff" + output.getvalue()).encode("utf-8")


def workshop_csv(room: Summary, groups: list[tuple[str, Summary]], locale: str) -> bytes:
    """A workshop room's answers, one row per group, question and answer, for the questions
    that reached the minimum number of answers (domain.workshop.Summary, of the whole room
    and of each group); shares and disagreement in whole percent."""
    t = Translator.for_locale(locale)
    output = io.StringIO()
    table = csv.writer(output)
    table.writerow([
        t.gettext("Group"), t.gettext("Standard"), t.gettext("Question"),
        t.gettext("Question text"), t.gettext("Answer"), t.gettext("Participants"),
        t.gettext("Share (%)"), t.gettext("Answers to the question"),
        t.gettext("Disagreement (%)"),
    ])
    for group, summary in [(t.gettext("Whole room"), room), *groups]:
        questionnaire = summary.questionnaire
        for question in summary.shown:
            standard = question.standard
            for key, n in question.counts:
                table.writerow([_cell(value) for value in (
                    group,
                    t.questionnaire_text(standard.title, questionnaire.id, standard.id,
                                         "title"),
                    question.question.id,
                    t.questionnaire_text(question.question.text, questionnaire.id,
                                         question.question.id, "text"),
                    t.gettext(ANSWERS[key]), str(n), str(round(100 * question.share(key))),
                    str(question.total),
                    "" if question.disagreement is None
                    else str(round(100 * question.disagreement)),
                )])
    return ("\ufeff" + output.getvalue()).encode("utf-8")
