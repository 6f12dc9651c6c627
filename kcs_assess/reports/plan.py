"""The results and improvement plan of one assessment as a PDF, showing what scoring computed."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

from babel.dates import format_date
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer

from ..domain.chart import chart_layout
from ..domain.questionnaire import Question, Questionnaire
from ..domain.scoring import Result
from ..labels import ANSWERS, ASSESSMENT_STATUSES, SEVERITIES, TIERS
from .chart import ScoreChart
from .document import (
    BAD,
    BODY,
    CELL,
    FRAME_WIDTH,
    HEADER_CELL,
    INK,
    MINOR_HEADING,
    MUTED,
    OK,
    SEVERITY_COLOURS,
    SMALL,
    SUBHEADING,
    TITLE,
    WARN,
    Report,
)
from .text import TextStyle

COVER_TOP = 150
ORGANISATION = TextStyle(size=18, bold=True, colour=INK, leading=1.3, space_before=18)
LABEL = TextStyle(size=13, colour=INK, leading=1.3, space_after=24)
SCORE = TextStyle(size=30, bold=True, colour=INK, leading=1.2)
LEVEL = TextStyle(size=13, bold=True, colour=INK, space_after=8)
NOTICE = replace(BODY, colour=WARN, bold=True, space_before=4, space_after=8)


@dataclass(frozen=True)
class PlanReport:
    """Everything the PDF shows about one assessment; the result is the scoring module's."""

    organisation_name: str
    assessment_label: str
    questionnaire: Questionnaire
    result: Result
    answers: dict[str, str]  # question id -> answer key
    notes: dict[str, str]  # question id -> note
    submitted: bool
    date: datetime.date  # the submission date, or today for a draft
    generated_on: datetime.date


def build_plan_pdf(report: PlanReport, locale: str) -> bytes:
    """Return the results and improvement plan of an assessment as PDF bytes, in a language."""
    return _PlanBuilder(report, Report.for_locale(locale)).build()


class _PlanBuilder:
    def __init__(self, plan: PlanReport, report: Report):
        self.plan = plan
        self.report = report
        self.t = report.translator
        self.questionnaire = plan.questionnaire

    def build(self) -> bytes:
        t = self.t
        story = [
            *self.cover(), PageBreak(),
            *self.summary(),
            *self.standards(),
            *self.improvement_plan(),
            *self.find_out(),
            PageBreak(),
            *self.appendix(),
        ]
        return self.report.build(
            story,
            title=t.gettext("Results and improvement plan: %(label)s",
                            label=self.plan.assessment_label),
            author=self.plan.organisation_name,
            subject=self.questionnaire_name(),
            footer=f"{self.plan.organisation_name} · {self.plan.assessment_label}",
        )

    def cover(self) -> list[Flowable]:
        t, text, plan = self.t, self.report.text, self.plan
        status = ASSESSMENT_STATUSES["submitted" if plan.submitted else "draft"]
        facts = [
            (t.gettext("Organisation"), plan.organisation_name),
            (t.gettext("Assessment"), plan.assessment_label),
            (t.gettext("Questionnaire"), self.questionnaire_name()),
            (t.gettext("Status"), t.gettext(status)),
            # i18n: a label in the cover's table; the date is in the next cell.
            (t.gettext("Submitted on") if plan.submitted else t.gettext("Draft as of"),
             self.date(plan.date)),
            (t.gettext("Language"), self.report.language_name),
            (t.gettext("Generated on"), self.date(plan.generated_on)),
        ]
        story: list[Flowable] = [
            Spacer(1, COVER_TOP),
            text(t.gettext("Child safeguarding self-assessment"),
                 replace(SUBHEADING, colour=MUTED)),
            text(t.gettext("Results and improvement plan"), TITLE),
            text(plan.organisation_name, ORGANISATION),
            text(plan.assessment_label, LABEL),
            self.report.table(
                [[text(name, HEADER_CELL), text(value, CELL)] for name, value in facts],
                [FRAME_WIDTH * 0.3, FRAME_WIDTH * 0.7], header=False,
            ),
        ]
        if not plan.submitted:
            story.append(text(self.provisional(), replace(NOTICE, space_before=16)))
        return story

    def summary(self) -> list[Flowable]:
        t, text, result = self.t, self.report.text, self.plan.result
        story: list[Flowable] = [self.report.heading(t.gettext("Summary"))]
        if self.plan.submitted:
            story.append(text(t.gettext("Submitted on %(date)s", date=self.date(self.plan.date))))
        else:
            story.append(text(self.provisional(), NOTICE))
        story += [
            text(t.gettext("Overall score"), SMALL),
            text(self.score(result.score), SCORE),
        ]
        if result.level:
            story.append(text(self.level_title(result.level.key, result.level.title), LEVEL))
        if result.minimum_met:
            story.append(text(t.gettext(
                "Minimum requirements met: every minimum requirement is in place."),
                replace(BODY, colour=OK, bold=True)))
        elif result.minimum_met is None:
            story.append(text(t.gettext(
                "Minimum requirements: not known yet, some are still unanswered."),
                replace(BODY, colour=WARN)))
        else:
            cap = self.questionnaire.levels[1]
            story.append(text(t.ngettext(
                "Minimum requirements not met: %(num)d is not fully in place. The overall "
                "level cannot rise above “%(level)s” until it is.",
                "Minimum requirements not met: %(num)d are not fully in place. The overall "
                "level cannot rise above “%(level)s” until they are.",
                len(result.failing_critical), level=self.level_title(cap.key, cap.title)),
                replace(BODY, colour=BAD, bold=True)))
            story += [
                text(f"• {self.question_line(q)} ({self.answer(q.id)})", replace(BODY, colour=BAD))
                for q in result.failing_critical
            ]
        layout = chart_layout(result)
        bars = [(self.standard_title(r.standard.id, r.standard.title), self.score(r.score))
                for r in (bar.result for bar in layout.bars)]
        marks = [f"{self.score(level.min)} {self.level_title(level.key, level.title)}"
                 for level in (mark.level for mark in layout.marks)]
        story += [
            self.report.heading(t.gettext("Scores by standard, out of 100"), SUBHEADING, 1),
            ScoreChart(self.report, layout, bars, marks),
        ]
        return story

    def standards(self) -> list[Flowable]:
        t, text = self.t, self.report.text
        tiers = [t.gettext(TIERS[tier]) for tier in ("framework", "practice")]
        header = [t.gettext("Standard"), t.gettext("Score"), t.gettext("Level"), *tiers]
        rows: list[list] = [[text(name, HEADER_CELL) for name in header]]
        for r in self.plan.result.standards:
            if r.level:
                level = [text(self.level_title(r.level.key, r.level.title), CELL)]
                if r.capped:
                    level.append(text(t.gettext("held back by a minimum requirement"), SMALL))
            else:
                level = [text("–", CELL)]
            rows.append([
                text(self.standard_title(r.standard.id, r.standard.title), HEADER_CELL),
                text(self.score(r.score), CELL), level,
                text(self.score(r.framework), CELL), text(self.score(r.practice), CELL),
            ])
        return [
            self.report.heading(t.gettext("Standards")),
            self.report.table(rows, [FRAME_WIDTH * share for share in (0.3, 0.13, 0.27, 0.15,
                                                                        0.15)]),
            Spacer(1, 4),
            text(t.gettext("“On paper” scores the questions about what is written and approved; "
                           "“in practice” scores the questions about what is actually done."),
                 SMALL),
        ]

    def improvement_plan(self) -> list[Flowable]:
        t, text = self.t, self.report.text
        story: list[Flowable] = [self.report.heading(t.gettext("Improvement plan"))]
        if not self.plan.result.plan:
            story.append(text(t.gettext(
                "No gaps found: every answered question is fully in place.")))
            return story
        rows: list[list] = [[text(name, HEADER_CELL) for name in (
            t.gettext("Priority"), t.gettext("Action"), t.gettext("Time frame"),
            t.gettext("Question"))]]
        cell_styles = []
        for row, gap in enumerate(self.plan.result.plan, start=1):
            question = gap.question
            background, ink = SEVERITY_COLOURS[gap.severity]
            cell_styles.append(("BACKGROUND", (0, row), (0, row), background))
            rows.append([
                text(t.gettext(SEVERITIES[gap.severity]), replace(HEADER_CELL, colour=ink)),
                text(self.question_text(question, "action"), CELL),
                text(t.ngettext("%(num)d month", "%(num)d months", gap.timeframe_months), CELL),
                [text(self.question_line(question), CELL),
                 text(f"({t.gettext(ANSWERS[gap.answer])})", SMALL)],
            ])
        story.append(self.report.table(
            rows, [FRAME_WIDTH * share for share in (0.14, 0.4, 0.13, 0.33)], cell_styles))
        return story

    def find_out(self) -> list[Flowable]:
        t, text = self.t, self.report.text
        if not self.plan.result.find_out:
            return []
        return [
            self.report.heading(t.gettext("Things to find out")),
            text(t.gettext("You answered “Don't know” to these. Finding out is the first step.")),
            *(text(f"• {self.question_line(q)}") for q in self.plan.result.find_out),
        ]

    def appendix(self) -> list[Flowable]:
        t, text, plan = self.t, self.report.text, self.plan
        story: list[Flowable] = [
            self.report.heading(t.gettext("Appendix: answers and notes")),
            text(t.gettext("Every question that applied to this assessment, with its answer "
                           "and note."), SMALL),
        ]
        for standard in self.questionnaire.standards:
            shown = [q for q in standard.questions if q.id in plan.result.shown]
            if not shown:
                continue
            story.append(self.report.heading(self.standard_title(standard.id, standard.title),
                                             SUBHEADING, 1))
            for question in shown:
                story.append(KeepTogether([
                    text(self.question_line(question), MINOR_HEADING),
                    text(t.gettext("Answer: %(answer)s", answer=self.answer(question.id)),
                         replace(BODY, space_after=0 if question.id in plan.notes else 4)),
                ]))
                note = plan.notes.get(question.id)
                if note:
                    story += [text(t.gettext("Note:"), SMALL),
                              text(note, replace(BODY, space_after=6))]
        return story

    def provisional(self) -> str:
        return self.t.gettext("Provisional: this assessment is still a draft. The scores count "
                              "the answered questions only.")

    def questionnaire_name(self) -> str:
        q = self.questionnaire
        return self.t.gettext(
            "%(title)s, version %(version)s",
            title=self.t.questionnaire_text(q.title, q.id, "questionnaire", "title"),
            version=q.version)

    def question_text(self, question: Question, field: str) -> str:
        return self.t.questionnaire_text(getattr(question, field), self.questionnaire.id,
                                         question.id, field)

    def question_line(self, question: Question) -> str:
        return f"{question.id} {self.question_text(question, 'text')}"

    def standard_title(self, standard_id: str, title: str) -> str:
        return self.t.questionnaire_text(title, self.questionnaire.id, standard_id, "title")

    def level_title(self, key: str, title: str) -> str:
        return self.t.questionnaire_text(title, self.questionnaire.id, f"level.{key}", "title")

    def answer(self, question_id: str) -> str:
        key = self.plan.answers.get(question_id)
        return self.t.gettext(ANSWERS[key]) if key else self.t.gettext("Not answered")

    def score(self, value: float | None) -> str:
        return self.t.score(value)

    def date(self, value: datetime.date) -> str:
        return format_date(value, format="long", locale=self.report.locale)
