"""What every report shares: page layout, styles, tables, the footer and the PDF's metadata."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial

from babel import Locale
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import _listWrapOn

from ..i18n import LANGUAGES, Translator, direction
from .text import TextBlock, TextStyle, one_line

MARGIN = 18 * mm
FOOTER_HEIGHT = 10 * mm
PAGE_WIDTH, PAGE_HEIGHT = A4
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN

# The web page's palette (static/app.css), so print and screen look alike.
INK = colors.HexColor("#1b1b1b")
MUTED = colors.HexColor("#505a5f")
LINE = colors.HexColor("#b1b4b6")
ACCENT = colors.HexColor("#1d4f91")
OK = colors.HexColor("#00703c")
BAD = colors.HexColor("#b3261e")
WARN = colors.HexColor("#8a5300")
BACKGROUND = colors.HexColor("#f3f2f1")
SEVERITY_COLOURS = {
    "critical": (colors.HexColor("#f4cdc9"), colors.HexColor("#8a1f17")),
    "high": (colors.HexColor("#fcd6c3"), colors.HexColor("#6e3619")),
    "medium": (colors.HexColor("#fff7bf"), colors.HexColor("#594d00")),
    "low": (BACKGROUND, INK),
}
CELL_PADDING = 4
# Binary streams rather than ASCII base-85: a quarter smaller, and no slow pure-Python pass.
rl_config.useA85 = 0

BODY = TextStyle(size=10, colour=INK, space_after=4)
SMALL = TextStyle(size=8.5, colour=MUTED)
TITLE = TextStyle(size=24, bold=True, colour=ACCENT, leading=1.25, space_after=6)
HEADING = TextStyle(size=16, bold=True, colour=ACCENT, leading=1.3, space_before=10,
                    space_after=6)
SUBHEADING = TextStyle(size=12.5, bold=True, colour=INK, leading=1.3, space_before=8,
                       space_after=3)
MINOR_HEADING = TextStyle(size=10.5, bold=True, colour=INK, space_before=4, space_after=2)
# Table rows are never split across pages, so a cell stops (with an ellipsis) well before a
# page is full; long free text (notes) is never put in a table.
CELL = TextStyle(size=9, colour=INK, max_lines=24)
HEADER_CELL = replace(CELL, bold=True)


@dataclass(frozen=True)
class Report:
    """A report's language, its direction and the text helpers bound to them."""

    locale: str
    translator: Translator
    rtl: bool

    @classmethod
    def for_locale(cls, locale: str) -> Report:
        return cls(locale, Translator(locale), direction(locale) == "rtl")

    @property
    def language_name(self) -> str:
        known = LANGUAGES.get(self.locale)
        return known or Locale.parse(self.locale).get_display_name(self.locale) or self.locale

    @property
    def language_tag(self) -> str:
        """Return the BCP 47 tag of the document language (fr_CA becomes fr-CA)."""
        return self.locale.replace("_", "-")

    def text(self, text: str, style: TextStyle = BODY, **options: object) -> TextBlock:
        return TextBlock(text, style, rtl=self.rtl, **options)

    def heading(self, text: str, style: TextStyle = HEADING, outline_level: int = 0) -> TextBlock:
        return TextBlock(text, style, rtl=self.rtl, keep_with_next=True,
                         outline_level=outline_level)

    def table(self, rows: Sequence[Sequence[Flowable | list[Flowable]]],
              widths: Sequence[float],
              cell_styles: Sequence[tuple] = (), header: bool = True) -> Table:
        """Return a table of text blocks; in right-to-left reports its columns run right to left.

        Every cell should use a style with max_lines (CELL, SMALL...) so that a row fits a page.

        cell_styles are TableStyle commands whose columns count from the reading start.
        """
        count = len(widths)

        def column(index: int) -> int:
            index = index % count
            return count - 1 - index if self.rtl else index

        def mirrored(command: tuple) -> tuple:
            name, (c0, r0), (c1, r1), *rest = command
            first, last = sorted((column(c0), column(c1)))
            return (name, (first, r0), (last, r1), *rest)

        data = [list(reversed(row)) if self.rtl else list(row) for row in rows]
        commands = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("TOPPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("LINEBELOW", (0, 0), (-1, -1), 0.5, LINE),
        ]
        if header:
            commands += [("LINEBELOW", (0, 0), (-1, 0), 1.2, INK),
                         ("BACKGROUND", (0, 0), (-1, 0), BACKGROUND)]
        commands += [mirrored(command) for command in cell_styles]
        return Table(data, colWidths=list(reversed(widths)) if self.rtl else list(widths),
                     style=TableStyle(commands), repeatRows=1 if header else 0,
                     hAlign="RIGHT" if self.rtl else "LEFT")

    def build(self, story: list[Flowable], *, title: str, author: str, subject: str,
              footer: str) -> bytes:
        """Lay the story out on A4 pages with "page x of y" in the footer; return the PDF."""
        t = self.translator
        output = io.BytesIO()
        document = BaseDocTemplate(
            output, pagesize=A4, title=one_line(title), author=one_line(author),
            subject=one_line(subject), creator="kcs-assess", lang=self.language_tag,
            displayDocTitle=True, direction="R2L" if self.rtl else None,
        )
        # No frame padding: text and tables line up with the footer on the margins.
        body = Frame(MARGIN, MARGIN + FOOTER_HEIGHT, FRAME_WIDTH,
                     PAGE_HEIGHT - 2 * MARGIN - FOOTER_HEIGHT, leftPadding=0, rightPadding=0,
                     topPadding=0, bottomPadding=0, id="body")
        document.addPageTemplates([PageTemplate(id="page", frames=[body])])

        def page_number(page: int, pages: int) -> str:
            return t.gettext("Page %(page)d of %(pages)d", page=page, pages=pages)

        document.build(keep_headings_with_next(story), canvasmaker=partial(
            NumberedCanvas, footer=partial(self._draw_footer, footer, page_number)))
        return output.getvalue()

    def _draw_footer(self, footer: str, page_number: Callable[[int, int], str], canvas: Canvas,
                     page: int, pages: int) -> None:
        canvas.setStrokeColor(LINE)
        canvas.setLineWidth(0.5)
        top = MARGIN + FOOTER_HEIGHT * 0.6
        canvas.line(MARGIN, top, PAGE_WIDTH - MARGIN, top)
        number = self.text(page_number(page, pages), replace(SMALL, align="end"))
        _, height = number.wrapOn(canvas, FRAME_WIDTH, FOOTER_HEIGHT)
        number.drawOn(canvas, MARGIN, top - 3 - height)
        if footer:
            label = self.text(footer, replace(SMALL, max_lines=1))
            label.wrapOn(canvas, FRAME_WIDTH * 0.6, FOOTER_HEIGHT)
            left = PAGE_WIDTH - MARGIN - FRAME_WIDTH * 0.6 if self.rtl else MARGIN
            label.drawOn(canvas, left, top - 3 - height)


def keep_headings_with_next(story: list[Flowable]) -> list[Flowable]:
    """Return the story with a conditional page break before each run of headings.

    A heading (a text block made with keep_with_next) then never ends a page: it moves to
    the next one unless it fits together with the start of what follows. ReportLab's own
    keepWithNext cannot do this: it binds a heading to the whole of what follows, so a long
    table moves with its heading and leaves a near-empty page behind, and it binds nothing
    to a KeepTogether, so the heading of a kept-together question stays behind alone.
    """
    result: list[Flowable] = []
    held: list[Flowable] = []
    for flowable in story:
        if getattr(flowable, "keep_with_next", False):
            held.append(flowable)
            continue
        if held:
            result += [KeepWithStart(held, flowable), *held]
            held = []
        result.append(flowable)
    return result + held


class KeepWithStart(CondPageBreak):
    """Start a new frame unless some flowables and the start of the next one fit here."""

    def __init__(self, held: list[Flowable], following: Flowable):
        super().__init__(0)
        self.held = held
        self.following = following

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        frame = self._doctemplateAttr("frame")
        if frame is None or getattr(frame, "_atTop", False):
            return 0, 0  # at the top of a page, moving on would not give more room
        canvas = self.canv
        self.height = sum(
            flowable.getSpaceBefore() + flowable.wrapOn(canvas, availWidth, PAGE_HEIGHT)[1]
            + flowable.getSpaceAfter() for flowable in self.held
        ) + self.following.getSpaceBefore() + _start_height(self.following, canvas, availWidth)
        return super().wrap(availWidth, availHeight)


def _start_height(flowable: Flowable, canvas: Canvas, width: float) -> float:
    """Return the height of the least of a flowable that may stand under a heading: two lines
    of text, a table's header and first row, a kept-together group whole, else all of it."""
    if isinstance(flowable, KeepTogether):
        return _listWrapOn(flowable._content, width, canvas)[1]
    height = flowable.wrapOn(canvas, width, PAGE_HEIGHT)[1]
    if isinstance(flowable, TextBlock):
        return min(height, 2 * flowable.line_height)
    if isinstance(flowable, Table):
        return sum(flowable._rowHeights[:flowable.repeatRows + 1])
    return height


class NumberedCanvas(Canvas):
    """A canvas that holds its pages back until the end, to write "page x of y" on each.

    Bookmarks are held back with their page: the document numbers a page only once it is
    really added, so a bookmark made earlier would point at the first page.
    """

    def __init__(self, *args: object, footer: Callable[[Canvas, int, int], None],
                 **kwargs: object):
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._pages: list[dict] = []
        self._bookmarks: list[tuple[str, dict]] = []

    def bookmarkPage(self, key: str, **kwargs: object) -> None:  # noqa: N802
        self._bookmarks.append((key, kwargs))

    def showPage(self) -> None:  # noqa: N802
        self._pages.append(dict(self.__dict__))
        self._bookmarks = []
        self._startPage()

    def save(self) -> None:
        pages = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            for key, kwargs in self._bookmarks:
                super().bookmarkPage(key, **kwargs)
            self._footer(self, number, pages)
            super().showPage()
        super().save()
