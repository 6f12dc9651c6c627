"""A workshop room's results as a PDF: what the room summary computed, by its minimum rule."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, replace

from babel.numbers import format_decimal, format_percent
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.platypus import Flowable, Spacer

from ..domain.questionnaire import Level, Question, Questionnaire
from ..domain.workshop import QuestionSummary, Summary
from ..i18n import format_day
from ..labels import ANSWERS
from .document import (
    BAD,
    BODY,
    CELL,
    FRAME_WIDTH,
    HEADER_CELL,
    LINE,
    MUTED,
    OK,
    SMALL,
    SUBHEADING,
    TITLE,
    WARN,
    Report,
)
from .text import isolated

BAR_HEIGHT = 9
# The answers' colours on the bar; the legend beside it gives every figure, so the colours
# are never the only way to read it (a black and white printout loses nothing).
ANSWER_COLOURS = {
    "yes": OK,
    "partly": colors.HexColor("#f0c400"),
    "no": BAD,
    "unknown": colors.HexColor("#6f777b"),
    "na": colors.HexColor("#dedede"),
}
LEGEND = replace(SMALL, max_lines=4)
COMPACT_QUESTION = replace(SMALL, colour=CELL.colour, max_lines=2)
GROUP_HEADER = replace(HEADER_CELL, max_lines=3)  # a group's label, typed by the trainer
GROUPS_PER_TABLE = 4  # groups' scores side by side; more start another table
NO_BREAK = "\u00a0"


@dataclass(frozen=True)
class WorkshopReport:
    """Everything the PDF shows about a workshop; the summaries are the domain's."""

    title: str  # typed by the trainer
    summary: Summary  # the whole room
    joined: int  # participants who joined
    answered: int  # participants who answered at least one question
    held_on: datetime.date
    closed_on: datetime.date | None  # None while the workshop is open
    generated_on: datetime.date
    # Where the trainer split the room: the question asked (typed by the trainer) and each
    # group's label (typed too) with its own summary, by the same minimum-answers rule.
    group_question: str = ""
    groups: tuple[tuple[str, Summary], ...] = ()

    @property
    def questionnaire(self) -> Questionnaire:
        return self.summary.questionnaire

    @property
    def min_answers(self) -> int:
        return self.summary.min_answers


def build_workshop_pdf(report: WorkshopReport, locale: str) -> bytes:
    """Return a workshop room's results as PDF bytes, in a language."""
    return _Builder(report, Report.for_locale(locale)).build()


class DistributionBar(Flowable):
    """A horizontal bar cut into the shares of a question's answers, in the question's order
    from the reading start (the right, right to left)."""

    def __init__(self, shares: Sequence[tuple[str, float]], rtl: bool):
        super().__init__()
        self.shares = shares
        self.rtl = rtl

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        self.height = BAR_HEIGHT + 3
        return self.width, self.height

    def draw(self) -> None:
        drawing = Drawing(self.width, self.height)
        position = 0.0
        for key, share in self.shares:
            width = self.width * share
            left = self.width - position - width if self.rtl else position
            if width:
                drawing.add(Rect(left, 3, width, BAR_HEIGHT, fillColor=ANSWER_COLOURS[key],
                                 strokeColor=colors.white, strokeWidth=0.5))
            position += width
        drawing.add(Rect(0, 3, self.width, BAR_HEIGHT, fillColor=None, strokeColor=LINE,
                         strokeWidth=0.5))
        renderPDF.draw(drawing, self.canv, 0, 0)


class _Builder:
    def __init__(self, data: WorkshopReport, report: Report):
        self.data = data
        self.report = report
        self.t = report.translator
        self.questionnaire = data.questionnaire

    def build(self) -> bytes:
        t, data = self.t, self.data
        name = t.gettext("Workshop results")
        story: list[Flowable] = [
            *self.cover(),
            *self.standards(),
            *self.discuss(),
            *self.find_out(),
            *self.questions(),
            *self.groups(),
        ]
        return self.report.build(
            story, title=f"{name}: {isolated(data.title)}", author=data.title,
            subject=self.questionnaire_name(), footer=f"{isolated(data.title)} · {name}")

    def cover(self) -> list[Flowable]:
        t, text, data = self.t, self.report.text, self.data
        facts = [
            (t.gettext("Questionnaire"), self.questionnaire_name()),
            # i18n: a label in the table at the top of a workshop's results; a date follows.
            (t.gettext("Held on"), self.day(data.held_on)),
            (t.gettext("Closed on"), self.day(data.closed_on)) if data.closed_on else
            (t.gettext("Status"), t.gettext("Still open: the answers may still change.")),
            (t.gettext("Joined"), self.number(data.joined)),
            (t.gettext("Answered"), self.number(data.answered)),
            (t.gettext("Language"), self.report.language_name),
            (t.gettext("Generated on"), self.day(data.generated_on)),
        ]
        return [
            text(t.gettext("Workshop results"), replace(SUBHEADING, colour=MUTED,
                                                         space_before=0)),
            text(data.title, TITLE),
            self.report.table(
                [[text(label, HEADER_CELL), text(value, CELL)] for label, value in facts],
                [FRAME_WIDTH * 0.3, FRAME_WIDTH * 0.7], header=False),
            Spacer(1, 6),
            text(self.withheld_rule(), replace(BODY, colour=WARN, bold=True)),
        ]

    def withheld_rule(self) -> str:
        return self.t.ngettext(
            "A question answered by fewer than %(num)d participant is not shown: in a small "
            "group, the answers could tell who said what. The scores count only the "
            "questions shown.",
            "A question answered by fewer than %(num)d participants is not shown: in a small "
            "group, the answers could tell who said what. The scores count only the "
            "questions shown.", self.data.min_answers)

    def standards(self) -> list[Flowable]:
        t, text, summary = self.t, self.report.text, self.data.summary
        rows: list[list] = [[text(name, HEADER_CELL) for name in (
            t.gettext("Standard"), t.gettext("Score"), t.gettext("Level"),
            t.gettext("Questions shown"))]]
        rows.append([text(t.gettext("Overall"), HEADER_CELL),
                     text(t.score(summary.score), CELL),
                     text(self.level_title(summary.level), CELL), text("", CELL)])
        for standard in summary.standards:
            level: list[Flowable] = [text(self.level_title(standard.level), CELL)]
            if standard.capped:
                level.append(text(t.gettext("held back by a minimum requirement"), SMALL))
            rows.append([
                text(self.standard_title(standard.standard.id, standard.standard.title),
                     HEADER_CELL),
                text(t.score(standard.score), CELL), level,
                text(t.gettext("%(shown)s of %(total)s", shown=self.number(standard.shown),
                               total=self.number(standard.shown + standard.withheld)), CELL),
            ])
        return [
            self.report.heading(t.gettext("The room's scores")),
            text(t.gettext("Every answer given in the room counts once, scored as in an "
                           "assessment: Yes counts 1, Partly 0.5, No and Don't know 0."),
                 SMALL),
            Spacer(1, 4),
            self.report.table(rows, [FRAME_WIDTH * share for share in (0.36, 0.16, 0.3, 0.18)]),
        ]

    def discuss(self) -> list[Flowable]:
        t, text = self.t, self.report.text
        story: list[Flowable] = [
            self.report.heading(t.gettext("Discuss these")),
            text(t.gettext("The questions where the room's answers are furthest apart, the "
                           "most divided first. “Don't know” is left out here: it is listed "
                           "below.")),
        ]
        if not self.data.summary.discuss:
            story.append(text(t.gettext("No question shown divides the room."), SMALL))
            return story
        return [*story, self.question_table(self.data.summary.discuss, numbered=True)]

    def find_out(self) -> list[Flowable]:
        t, text = self.t, self.report.text
        story: list[Flowable] = [
            self.report.heading(t.gettext("The room needs information")),
            text(t.gettext("The questions answered “Don't know” most often: finding out is "
                           "the first step.")),
        ]
        if not self.data.summary.find_out:
            story.append(text(t.gettext("Nobody answered “Don't know” to a question shown."),
                              SMALL))
            return story
        return [*story, self.question_table(self.data.summary.find_out, numbered=True)]

    def questions(self) -> list[Flowable]:
        t = self.t
        story: list[Flowable] = [self.report.heading(t.gettext("Question by question"))]
        by_standard: dict[str, list[QuestionSummary]] = {}
        for question in self.data.summary.questions:
            by_standard.setdefault(question.standard.id, []).append(question)
        for standard in self.questionnaire.standards:
            story += [
                self.report.heading(self.standard_title(standard.id, standard.title),
                                    SUBHEADING, 1),
                self.question_table(by_standard.get(standard.id, [])),
            ]
        return story

    def groups(self) -> list[Flowable]:
        t, text, data = self.t, self.report.text, self.data
        if not data.groups:
            return []
        story: list[Flowable] = [self.report.heading(t.gettext("By group"))]
        if data.group_question:
            story.append(text(data.group_question, replace(BODY, bold=True)))
        story.append(text(t.gettext("Each group's answers by the same rule: nothing is shown "
                                    "of a question until enough of the group answered it."),
                          SMALL))
        for start in range(0, len(data.groups), GROUPS_PER_TABLE):
            story += [self.group_scores(data.groups[start:start + GROUPS_PER_TABLE]),
                      Spacer(1, 6)]
        for label, summary in data.groups:
            story.append(self.report.heading(label, SUBHEADING, 1))
            if summary.discuss:
                story.append(text(t.gettext("Discuss these: %(questions)s", questions=", ".join(
                    question.question.id for question in summary.discuss)), BODY))
            story.append(self.question_table(summary.questions, compact=True))
        return story

    def group_scores(self, groups: Sequence[tuple[str, Summary]]) -> Flowable:
        """Return the groups' scores side by side, a column per group."""
        t, text = self.t, self.report.text
        header = [text(t.gettext("Standard"), HEADER_CELL),
                  *(text(label, GROUP_HEADER) for label, _ in groups)]
        rows: list[list] = [header, [text(t.gettext("Overall"), HEADER_CELL), *(
            text(self.scored(summary.score, summary.level), CELL) for _, summary in groups)]]
        for index, standard in enumerate(self.questionnaire.standards):
            rows.append([
                text(self.standard_title(standard.id, standard.title), HEADER_CELL),
                *(text(self.scored(summary.standards[index].score,
                                   summary.standards[index].level), CELL)
                  for _, summary in groups)])
        first = 0.28
        rest = (1 - first) / len(groups)
        return self.report.table(rows, [FRAME_WIDTH * first,
                                        *(FRAME_WIDTH * rest for _ in groups)])

    def scored(self, score: float | None, level: Level | None) -> str:
        shown = self.t.score(score)
        return shown if level is None else f"{shown} · {self.level_title(level)}"

    def question_table(self, questions: Sequence[QuestionSummary], numbered: bool = False,
                       compact: bool = False) -> Flowable:
        t, text = self.t, self.report.text
        rows: list[list] = [[text(t.gettext("Question"), HEADER_CELL),
                             text(t.gettext("Answers"), HEADER_CELL)]]
        for number, question in enumerate(questions, start=1):
            line = self.question_line(question.question)
            if numbered:
                line = t.gettext("%(number)s. %(question)s", number=self.number(number),
                                 question=line)
            rows.append([text(line, COMPACT_QUESTION if compact else CELL),
                         self.distribution(question, compact)])
        share = 0.5 if compact else 0.55
        return self.report.table(rows, [FRAME_WIDTH * share, FRAME_WIDTH * (1 - share)])

    def distribution(self, question: QuestionSummary, compact: bool = False) -> list[Flowable]:
        """Return the bar and the figures of a question's answers, or only that it is withheld:
        of a withheld question nothing is known here, not even how many answered it."""
        t, text = self.t, self.report.text
        if question.withheld:
            return [text(t.ngettext("Fewer than %(num)d answer: not shown.",
                                    "Fewer than %(num)d answers: not shown.",
                                    self.data.min_answers), replace(SMALL, max_lines=2))]
        assert question.total is not None
        # An answer's figures stay on one line: "Don't know 7" must not lose its "(28%)".
        figures = [
            # i18n: one answer's figures under a workshop question: "Yes 12 (40%)".
            t.gettext("%(answer)s %(count)s (%(share)s)", answer=t.gettext(ANSWERS[key]),
                      count=self.number(count), share=self.percent(question.share(key)))
            .replace(" ", NO_BREAK)
            for key, count in question.counts if count]
        total = t.ngettext("%(num)d answer", "%(num)d answers", question.total)
        bar = DistributionBar([(key, question.share(key)) for key, _ in question.counts],
                              self.report.rtl)
        if compact:
            return [bar, text(" · ".join([*figures, total]), LEGEND)]
        return [bar, text(" · ".join(figures), LEGEND), text(total, LEGEND)]

    def questionnaire_name(self) -> str:
        q = self.questionnaire
        return self.t.gettext(
            "%(title)s, version %(version)s",
            title=self.t.questionnaire_text(q.title, q.id, "questionnaire", "title"),
            version=q.version)

    def question_line(self, question: Question) -> str:
        text = self.t.questionnaire_text(question.text, self.questionnaire.id, question.id,
                                         "text")
        return f"{question.id} {text}"

    def standard_title(self, standard_id: str, title: str) -> str:
        return self.t.questionnaire_text(title, self.questionnaire.id, standard_id, "title")

    def level_title(self, level: Level | None) -> str:
        if level is None:
            return "–"
        return self.t.questionnaire_text(level.title, self.questionnaire.id,
                                         f"level.{level.key}", "title")

    def number(self, value: int) -> str:
        return format_decimal(value, format="#,##0", locale=self.report.locale)

    def percent(self, share: float) -> str:
        return format_percent(share, locale=self.report.locale)

    def day(self, value: datetime.date) -> str:
        return format_day(value, self.report.locale)
