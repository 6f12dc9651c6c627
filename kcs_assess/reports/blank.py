"""A printable blank questionnaire, for workshops and places without a connection."""

from __future__ import annotations

from dataclasses import replace

from babel.lists import format_list
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer

from ..domain.questionnaire import Question, Questionnaire
from ..labels import ANSWERS
from .document import (
    BODY,
    CELL,
    FRAME_WIDTH,
    HEADER_CELL,
    INK,
    LINE,
    MINOR_HEADING,
    MUTED,
    SEVERITY_COLOURS,
    SMALL,
    SUBHEADING,
    TITLE,
    WARN,
    Report,
)
from .text import TextStyle, text_width

COVER_TOP = 120
BOX = 9
BOX_GAP = 4
OPTION_GAP = 16
OPTION_ROW = 16
NOTE_LINE = 18
NOTE_LINES = 2
QUESTION = replace(MINOR_HEADING, space_before=8, space_after=1)
OPTION = TextStyle(size=9.5, colour=INK)


def build_blank_pdf(questionnaire: Questionnaire, locale: str) -> bytes:
    """Return a questionnaire to print and fill in by hand, as PDF bytes, in a language."""
    report = Report.for_locale(locale)
    t = report.translator
    name = t.gettext(
        "%(title)s, version %(version)s",
        title=t.questionnaire_text(questionnaire.title, questionnaire.id, "questionnaire",
                                   "title"),
        version=questionnaire.version)
    story = [*_cover(report, questionnaire), PageBreak()]
    for standard in questionnaire.standards:
        story.append(report.heading(
            t.questionnaire_text(standard.title, questionnaire.id, standard.id, "title")))
        if standard.description:
            # An introduction, kept with the first question like the headings around it.
            story.append(report.text(t.questionnaire_text(
                standard.description, questionnaire.id, standard.id, "description"),
                keep_with_next=True))
        for criterion in standard.criteria:
            story.append(report.heading(
                t.questionnaire_text(criterion.title, questionnaire.id, criterion.id, "title"),
                SUBHEADING, 1))
            story += [_question(report, questionnaire, q) for q in criterion.questions]
    return report.build(story, title=name, author="kcs-assess",
                        subject=t.gettext("Blank questionnaire for printing"), footer=name)


def _cover(report: Report, questionnaire: Questionnaire) -> list[Flowable]:
    t, text = report.translator, report.text
    story: list[Flowable] = [
        Spacer(1, COVER_TOP),
        text(t.gettext("Child safeguarding self-assessment"), replace(SUBHEADING, colour=MUTED)),
        text(t.questionnaire_text(questionnaire.title, questionnaire.id, "questionnaire",
                                  "title"), TITLE),
        text(t.gettext("Version %(version)s", version=questionnaire.version),
             replace(BODY, colour=MUTED, space_after=10)),
    ]
    if questionnaire.description:
        story.append(text(t.questionnaire_text(questionnaire.description, questionnaire.id,
                                               "questionnaire", "description")))
    fields = [t.gettext("Organisation"), t.gettext("Filled in by"), t.gettext("Date")]
    story += [
        Spacer(1, 12),
        report.table([[text(field, HEADER_CELL), text("", CELL)] for field in fields],
                     [FRAME_WIDTH * 0.3, FRAME_WIDTH * 0.7], [
                         ("TOPPADDING", (0, 0), (-1, -1), 12),
                         ("LINEBELOW", (0, 0), (-1, -1), 0.8, INK),
                     ], header=False),
        report.heading(t.gettext("How to fill in this form"), SUBHEADING, 0),
    ]
    instructions = [
        t.gettext("Tick one box for each question. “Don't know” is an answer: it puts the "
                  "question on the list of things to find out."),
        t.gettext("Some questions apply only after a given answer to an earlier question. "
                  "Each of them says so: skip it otherwise."),
        t.gettext("Questions marked “Minimum requirement” must be fully in place for the "
                  "overall level to rise above “%(level)s”.",
                  level=t.questionnaire_text(questionnaire.levels[1].title, questionnaire.id,
                                             f"level.{questionnaire.levels[1].key}", "title")),
        t.gettext("Write notes or evidence on the lines below each question."),
        t.gettext("Afterwards, enter the answers in the online tool to get the scores and the "
                  "improvement plan."),
    ]
    story += [text(f"• {line}") for line in instructions]
    return story


def _question(report: Report, questionnaire: Questionnaire, question: Question) -> Flowable:
    t, text = report.translator, report.text

    def qtext(field: str) -> str:
        return t.questionnaire_text(getattr(question, field), questionnaire.id, question.id,
                                    field)

    parts: list[Flowable] = [text(f"{question.id} {qtext('text')}", QUESTION)]
    if question.critical:
        parts.append(text(t.gettext("Minimum requirement"),
                          replace(SMALL, bold=True, colour=SEVERITY_COLOURS["critical"][1])))
    if question.help:
        parts.append(text(qtext("help"), replace(SMALL, space_after=2)))
    if question.show_if:
        answers = format_list([t.gettext(ANSWERS[key]) for key in question.show_if.opening],
                              style="or", locale=report.locale)
        parts.append(text(
            t.gettext("Answer only if you answered %(answer)s to %(question)s",
                      answer=answers, question=question.show_if.question),
            replace(SMALL, bold=True, colour=WARN, space_after=2)))
    parts += [
        TickBoxes(report, [t.gettext(ANSWERS[key]) for key in question.options]),
        NoteLines(NOTE_LINES),
    ]
    return KeepTogether(parts)


class TickBoxes(Flowable):
    """An empty square before each answer option, flowing onto more rows when needed."""

    def __init__(self, report: Report, labels: list[str]):
        super().__init__()
        self.report = report
        self.labels = labels
        self.positions: list[tuple[float, float, float]] = []  # (x, row, label width)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        self.positions = []
        x = 0.0
        row = 0
        for label in self.labels:
            label_width = min(text_width(label, OPTION, self.report.rtl),
                              availWidth - BOX - BOX_GAP)
            item = BOX + BOX_GAP + label_width
            if x and x + item > availWidth:
                x, row = 0.0, row + 1
            self.positions.append((x, row, label_width))
            x += item + OPTION_GAP
        self.height = (row + 1) * OPTION_ROW + 2
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(0.8)
        for label, (x, row, label_width) in zip(self.labels, self.positions, strict=True):
            item = BOX + BOX_GAP + label_width
            left = self.width - x - item if self.report.rtl else x
            middle = self.height - row * OPTION_ROW - OPTION_ROW / 2
            box_left = left + item - BOX if self.report.rtl else left
            label_left = left if self.report.rtl else left + BOX + BOX_GAP
            canvas.rect(box_left, middle - BOX / 2, BOX, BOX, stroke=1, fill=0)
            block = self.report.text(label, OPTION)
            _, height = block.wrapOn(canvas, label_width, OPTION_ROW)
            block.drawOn(canvas, label_left, middle - height / 2)


class NoteLines(Flowable):
    """Ruled lines to write a note on."""

    def __init__(self, count: int):
        super().__init__()
        self.count = count

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        self.height = self.count * NOTE_LINE + NOTE_LINE / 2
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setStrokeColor(LINE)
        self.canv.setLineWidth(0.5)
        for index in range(self.count):
            y = NOTE_LINE / 2 + index * NOTE_LINE
            self.canv.line(0, y, self.width, y)
