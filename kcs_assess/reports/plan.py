"""The results and improvement plan of one assessment as a PDF, showing what scoring computed."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, replace

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Image, KeepTogether, PageBreak, Spacer

from ..domain.chart import chart_layout
from ..domain.crosswalk import FrameworkReadiness
from ..domain.questionnaire import Question, Questionnaire
from ..domain.scoring import Gap, Result
from ..i18n import country_name, format_day
from ..labels import ANSWERS, ASSESSMENT_STATUSES, PLAN_STATUSES, SEVERITIES, TIERS
from .chart import ScoreChart
from .crosswalk import crosswalk_section
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
from .levels import levels_section
from .text import TextStyle, isolated

COVER_TOP = 150
ORGANISATION = TextStyle(size=18, bold=True, colour=INK, leading=1.3, space_before=18)
LABEL = TextStyle(size=13, colour=INK, leading=1.3, space_after=24)
SCORE = TextStyle(size=30, bold=True, colour=INK, leading=1.2)
LEVEL = TextStyle(size=13, bold=True, colour=INK, space_after=8)
NOTICE = replace(BODY, colour=WARN, bold=True, space_before=4, space_after=8)
# A note beside its plan item stops after a few lines; the appendix gives it whole.
PLAN_NOTE = replace(SMALL, max_lines=6)
LOGO_BOX = (60 * mm, 25 * mm)  # width, height: the logo is scaled to fit, never stretched


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
    country: str  # the organisation's ISO 3166-1 alpha-2 code
    submitted_by: str | None  # the name of who submitted it; None for a draft or unknown
    logo: bytes | None = None  # the organisation's logo, already checked and re-encoded
    # False for a reader allowed the results but not the answers (an adviser's grant):
    # no notes and no appendix of answers then.
    answers_shown: bool = True
    readiness: tuple[FrameworkReadiness, ...] = ()  # the crosswalk to other frameworks


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
            *levels_section(self.report, self.questionnaire),
            *self.strengths(),
            *self.improvement_plan(),
            *self.find_out(),
            *crosswalk_section(self.report, self.questionnaire, self.plan.readiness),
            *([PageBreak(), *self.appendix()] if self.plan.answers_shown else []),
        ]
        return self.report.build(
            story,
            title=t.gettext("Results and improvement plan: %(label)s",
                            label=isolated(self.plan.assessment_label)),
            author=self.plan.organisation_name,
            subject=self.questionnaire_name(),
            footer=f"{isolated(self.plan.organisation_name)} · "
                   f"{isolated(self.plan.assessment_label)}",
        )

    def cover(self) -> list[Flowable]:
        t, text, plan = self.t, self.report.text, self.plan
        status = ASSESSMENT_STATUSES["submitted" if plan.submitted else "draft"]
        facts = [
            (t.gettext("Organisation"), plan.organisation_name),
            (t.gettext("Country"), country_name(plan.country, self.report.locale)),
            (t.gettext("Assessment"), plan.assessment_label),
            (t.gettext("Questionnaire"), self.questionnaire_name()),
            (t.gettext("Status"), t.gettext(status)),
            # i18n: a label in the cover's table; the date is in the next cell.
            (t.gettext("Submitted on") if plan.submitted else t.gettext("Draft as of"),
             self.date(plan.date)),
        ]
        if plan.submitted and plan.submitted_by:
            # i18n: a label in the cover's table; a person's name is in the next cell.
            facts.append((t.gettext("Submitted by"), plan.submitted_by))
        facts += [
            (t.gettext("Language"), self.report.language_name),
            (t.gettext("Generated on"), self.date(plan.generated_on)),
            (t.gettext("Method"), t.gettext(
                "A self-assessment against the International Child Safeguarding Standards: "
                "Yes counts 1, Partly 0.5, No and Don't know 0; each standard scores the "
                "weighted mean of its answers, out of 100.")),
        ]
        story: list[Flowable] = self.logo()
        story += [
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

    def logo(self) -> list[Flowable]:
        """Return the top of the cover: the logo scaled into its box, or the same space."""
        if not self.plan.logo:
            return [Spacer(1, COVER_TOP)]
        box_width, box_height = LOGO_BOX
        width, height = ImageReader(io.BytesIO(self.plan.logo)).getSize()
        scale = min(box_width / width, box_height / height)
        image = Image(io.BytesIO(self.plan.logo), width=width * scale, height=height * scale,
                      hAlign="RIGHT" if self.report.rtl else "LEFT")
        return [Spacer(1, COVER_TOP - box_height - 12), image,
                Spacer(1, 12 + box_height - height * scale)]

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
        story += self.top_priorities()
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
                if r.held_back:
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

    def top_priorities(self) -> list[Flowable]:
        """Return the few actions a board reads first, above the chart of the summary page."""
        t, text = self.t, self.report.text
        gaps = self.plan.result.top_priorities
        if not gaps:
            return []
        rows = [[self.severity_cell(gap),
                 [text(self.question_text(gap.question, "action"), CELL),
                  text(f"{gap.question.id} · {self.months(gap)}", SMALL)]]
                for gap in gaps]
        return [
            self.report.heading(t.gettext("Top priorities"), SUBHEADING, 1),
            text(t.gettext("The critical gaps first, then the first high ones; the improvement "
                           "plan lists every action."), SMALL),
            self.report.table(rows, [FRAME_WIDTH * 0.14, FRAME_WIDTH * 0.86],
                              self.severity_backgrounds(gaps, first_row=0), header=False),
        ]

    def strengths(self) -> list[Flowable]:
        t, text, questionnaire = self.t, self.report.text, self.questionnaire
        strengths = self.plan.result.strengths
        if not strengths:
            return []
        return [
            self.report.heading(t.gettext("Strengths")),
            text(t.gettext("These criteria are fully in place: every question that applies is "
                           "answered “Yes”.")),
            *(text("• " + t.gettext(
                "%(criterion)s (%(standard)s)",
                criterion=t.questionnaire_text(s.criterion.title, questionnaire.id,
                                               s.criterion.id, "title"),
                standard=self.standard_title(s.standard.id, s.standard.title)))
              for s in strengths),
        ]

    def improvement_plan(self) -> list[Flowable]:
        t, text = self.t, self.report.text
        story: list[Flowable] = [self.report.heading(t.gettext("Improvement plan"))]
        result = self.plan.result
        if not result.plan:
            story.append(text(t.gettext(PLAN_STATUSES[result.plan_status])))
            return story
        rows: list[list] = [[text(name, HEADER_CELL) for name in (
            t.gettext("Priority"), t.gettext("Action"), t.gettext("Time frame"),
            t.gettext("Question"))]]
        for gap in result.plan:
            question = gap.question
            cell = [text(self.question_line(question), CELL),
                    text(f"({t.gettext(ANSWERS[gap.answer])})", SMALL)]
            note = self.plan.notes.get(question.id)
            if note:
                cell.append(text(f"{t.gettext('Note:')} {isolated(note)}", PLAN_NOTE))
            rows.append([
                self.severity_cell(gap),
                text(self.question_text(question, "action"), CELL),
                text(self.months(gap), CELL),
                cell,
            ])
        story.append(self.report.table(
            rows, [FRAME_WIDTH * share for share in (0.14, 0.4, 0.13, 0.33)],
            self.severity_backgrounds(result.plan, first_row=1)))
        return story

    def severity_cell(self, gap: Gap) -> Flowable:
        ink = SEVERITY_COLOURS[gap.severity][1]
        return self.report.text(self.t.gettext(SEVERITIES[gap.severity]),
                                replace(HEADER_CELL, colour=ink))

    @staticmethod
    def severity_backgrounds(gaps: tuple[Gap, ...], first_row: int) -> list[tuple]:
        return [("BACKGROUND", (0, row), (0, row), SEVERITY_COLOURS[gap.severity][0])
                for row, gap in enumerate(gaps, start=first_row)]

    def months(self, gap: Gap) -> str:
        return self.t.ngettext("%(num)d month", "%(num)d months", gap.timeframe_months)

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
        return format_day(value, self.report.locale)
