"""The bar chart of the standards' scores, drawn from the layout the results page uses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Line, Rect
from reportlab.lib import colors
from reportlab.platypus import Flowable

from ..domain.chart import Anchor, ChartLayout
from .document import ACCENT, BACKGROUND, LINE, MUTED, Report
from .text import TextStyle

ROW = 24
BAR = 17
MARK_LINE = 11  # a line of its own under the bars for each level mark's label
GAP = 8
PAD = 4  # between a figure or a mark's label and the point it is anchored at
LABEL_SHARE = 0.34  # of the width, for the standards' names
LABEL = TextStyle(size=9, max_lines=1)
VALUE = TextStyle(size=9, bold=True)
MARK_LABEL = TextStyle(size=7.5, colour=MUTED)


class ScoreChart(Flowable):
    """One bar per standard on a 0-100 track, with a labelled dashed line where each level
    begins; `bars` gives each bar's translated (standard name, figure), `marks` each mark's
    label, in the layout's order."""

    def __init__(self, report: Report, layout: ChartLayout, bars: Sequence[tuple[str, str]],
                 marks: Sequence[str]):
        super().__init__()
        assert len(bars) == len(layout.bars) and len(marks) == len(layout.marks)
        self.report = report
        self.layout = layout
        self.bars = bars
        self.marks = marks

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        self.height = ROW * len(self.bars) + MARK_LINE * len(self.marks) + 2
        return self.width, self.height

    def draw(self) -> None:
        rtl = self.report.rtl
        label_width = self.width * LABEL_SHARE
        self.track = self.width - label_width - GAP
        self.track_start = 0.0 if rtl else label_width + GAP  # left edge of the track

        drawing = Drawing(self.width, self.height)
        for index in range(len(self.bars)):
            drawing.add(Rect(self.track_start, self._row_bottom(index), self.track, BAR,
                             fillColor=BACKGROUND, strokeColor=None))
        for index, mark in enumerate(self.layout.marks):
            x = self._x(mark.x(rtl))
            drawing.add(Line(x, self._mark_middle(index) - MARK_LINE / 2, x, self.height,
                             strokeColor=LINE, strokeWidth=0.6, strokeDashArray=[3, 3]))
        for index, bar in enumerate(self.layout.bars):
            left, width = bar.span(rtl)
            if width:
                drawing.add(Rect(self._x(left), self._row_bottom(index), self.track * width,
                                 BAR, fillColor=ACCENT, strokeColor=None))
        renderPDF.draw(drawing, self.canv, 0, 0)

        label_left = self.width - label_width if rtl else 0.0
        for index, (bar, (name, figure)) in enumerate(zip(self.layout.bars, self.bars,
                                                         strict=True)):
            middle = self._row_bottom(index) + BAR / 2
            self._text(name, LABEL, label_left, label_width, middle)
            colour = (colors.white if bar.figure_inside
                      else MUTED if bar.result.score is None else ACCENT)
            self._anchored(figure, replace(VALUE, colour=colour), bar.figure(rtl), middle)
        for index, (mark, text) in enumerate(zip(self.layout.marks, self.marks, strict=True)):
            self._anchored(text, MARK_LABEL, mark.label(rtl), self._mark_middle(index))

    def _x(self, fraction: float) -> float:
        return self.track_start + self.track * fraction

    def _row_bottom(self, index: int) -> float:
        return self.height - (index + 1) * ROW + (ROW - BAR) / 2

    def _mark_middle(self, index: int) -> float:
        return MARK_LINE * (len(self.marks) - index - 0.5)

    def _anchored(self, text: str, style: TextStyle, anchor: Anchor, middle: float) -> None:
        """Write a text beside its anchor, within the track, on the side the layout says."""
        x = self._x(anchor.x)
        if anchor.side == "left":
            left, right, physical = x + PAD, self.track_start + self.track, "left"
        else:
            left, right, physical = self.track_start, x - PAD, "right"
        # TextStyle aligns by the reading direction: "start" is the right in right to left.
        align = "start" if (physical == "left") != self.report.rtl else "end"
        self._text(text, replace(style, align=align), left, right - left, middle)

    def _text(self, text: str, style: TextStyle, left: float, width: float,
              middle: float) -> None:
        block = self.report.text(text, style)
        _, height = block.wrapOn(self.canv, max(width, 1.0), ROW)
        block.drawOn(self.canv, left, middle - height / 2)
