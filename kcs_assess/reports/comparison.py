"""Two rounds of an organisation side by side, as a PDF: what the comparison function found."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

from reportlab.platypus import Flowable

from ..domain.questionnaire import Level, Question
from ..domain.rounds import CHANGE_KINDS, Comparison, ScoreChange
from ..i18n import format_day
from ..labels import ANSWERS, CHANGES
from .document import (
    BAD,
    BODY,
    CELL,
    FRAME_WIDTH,
    HEADER_CELL,
    MUTED,
    OK,
    SMALL,
    SUBHEADING,
    TITLE,
    Report,
)
from .text import isolated


@dataclass(frozen=True)
class ComparisonReport:
    organisation_name: str
    before_label: str
    after_label: str
    before_date: datetime.date
    after_date: datetime.date
    comparison: Comparison
    show_answers: bool  # the reader may see answers (per question), not only scores
    generated_on: datetime.date


def build_comparison_pdf(report: ComparisonReport, locale: str) -> bytes:
    """Return the comparison of two rounds as PDF bytes, in a language."""
    return _Builder(report, Report.for_locale(locale)).build()


class _Builder:
    def __init__(self, data: ComparisonReport, report: Report):
        self.data = data
        self.report = report
        self.t = report.translator

    def build(self) -> bytes:
        t, text, data = self.t, self.report.text, self.data
        title = t.gettext("Comparison of two rounds")
        story: list[Flowable] = [
            text(title, TITLE),
            text(data.organisation_name, replace(SUBHEADING, space_before=0)),
            text(t.gettext("Earlier: %(label)s, %(date)s", label=isolated(data.before_label),
                           date=self.day(data.before_date))),
            text(t.gettext("Later: %(label)s, %(date)s", label=isolated(data.after_label),
                           date=self.day(data.after_date))),
            text(t.gettext("Generated on %(date)s", date=self.day(data.generated_on)),
                 replace(SMALL, space_after=8)),
            *self.scores(),
            *self.minimum(),
            *self.questions(),
        ]
        return self.report.build(
            story, title=f"{title}: {isolated(data.before_label)} · "
                         f"{isolated(data.after_label)}",
            author=data.organisation_name, subject=title,
            footer=f"{isolated(data.organisation_name)} · {title}")

    def day(self, value: datetime.date) -> str:
        return format_day(value, self.report.locale)

    def scores(self) -> list[Flowable]:
        t, text = self.t, self.report.text
        comparison = self.data.comparison
        rows: list[list] = [[text(name, HEADER_CELL) for name in (
            t.gettext("Standard"), t.gettext("Earlier"), t.gettext("Later"),
            t.pgettext("difference between rounds", "Change"))]]
        rows.append(self.row(t.gettext("Overall"), comparison.overall,
                             comparison.after.questionnaire.id))
        for change in comparison.standards:
            rows.append(self.row(
                t.questionnaire_text(change.title, change.questionnaire_id, change.standard_id,
                                     "title"), change, change.questionnaire_id))
        return [self.report.heading(t.gettext("Scores and levels")),
                self.report.table(rows, [FRAME_WIDTH * share for share in
                                         (0.34, 0.24, 0.24, 0.18)])]

    def row(self, name: str, change: ScoreChange, questionnaire_id: str) -> list:
        text = self.report.text
        return [text(name, HEADER_CELL),
                text(self.scored(change.before, change.before_level, questionnaire_id), CELL),
                text(self.scored(change.after, change.after_level, questionnaire_id), CELL),
                text(self.signed(change.change), CELL)]

    def scored(self, value: float | None, level: Level | None, questionnaire_id: str) -> str:
        shown = self.t.score(value)
        if level is None:
            return shown
        title = self.t.questionnaire_text(level.title, questionnaire_id, f"level.{level.key}",
                                          "title")
        return f"{shown} · {title}"

    def signed(self, change: float | None) -> str:
        return self.t.change(change)

    def minimum(self) -> list[Flowable]:
        t, text = self.t, self.report.text
        comparison = self.data.comparison
        story: list[Flowable] = [self.report.heading(t.gettext("Minimum requirements"))]
        for label, result in ((t.gettext("Earlier"), comparison.before),
                              (t.gettext("Later"), comparison.after)):
            if result.minimum_met:
                state, colour = t.gettext("all met"), OK
            elif result.minimum_met is None:
                state, colour = t.gettext("not known yet"), MUTED
            else:
                state, colour = t.ngettext("%(num)d not fully in place",
                                           "%(num)d not fully in place",
                                           len(result.failing_critical)), BAD
            story.append(text(t.gettext("%(round)s: %(state)s", round=label, state=state),
                              replace(BODY, colour=colour, bold=True)))
        return story

    def questions(self) -> list[Flowable]:
        t, text = self.t, self.report.text
        comparison = self.data.comparison
        counts = ", ".join(
            f"{t.gettext(CHANGES[kind])}: {comparison.count(kind)}" for kind in CHANGE_KINDS)
        story: list[Flowable] = [self.report.heading(t.gettext("Question by question")),
                                 text(counts)]
        if not self.data.show_answers:
            story.append(text(t.gettext("Your access shows scores and the plan, not answers: "
                                        "the questions are not listed."), SMALL))
            return story
        rows: list[list] = [[text(name, HEADER_CELL) for name in (
            t.pgettext("difference between rounds", "Change"), t.gettext("Question"),
            t.gettext("Earlier"), t.gettext("Later"))]]
        for change in comparison.questions:
            if change.kind == "unchanged":
                continue
            rows.append([
                text(t.gettext(CHANGES[change.kind]), HEADER_CELL),
                text(self.question(change.question, change.after is not None), CELL),
                text(self.answer(change.before_answer), CELL),
                text(self.answer(change.after_answer), CELL),
            ])
        if len(rows) > 1:
            story.append(self.report.table(rows, [FRAME_WIDTH * share for share in
                                                  (0.16, 0.52, 0.16, 0.16)]))
        return story

    def question(self, question: Question, later: bool) -> str:
        comparison = self.data.comparison
        questionnaire = (comparison.after if later else comparison.before).questionnaire
        return f"{question.id} " + self.t.questionnaire_text(question.text, questionnaire.id,
                                                             question.id, "text")

    def answer(self, key: str | None) -> str:
        return self.t.gettext(ANSWERS[key]) if key else "–"
