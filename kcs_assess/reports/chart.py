"""The bar chart of the standards' scores, as on the results page, mirrored right to left."""

from __future__ import annotations

from dataclasses import dataclass, replace

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Line, Rect
from reportlab.lib import colors
from reportlab.platypus import Flowable

from .document import ACCENT, BACKGROUND, LINE, MUTED, Report
from .text import TextStyle

ROW = 24
BAR = 17
AXIS = 16
GAP = 8
LABEL_SHARE = 0.34  # of the width, for the standards' names
INSIDE_FROM = 80  # from this score the value is written inside the bar, as on screen
LABEL = TextStyle(size=9, max_lines=1)
VALUE = TextStyle(size=9, bold=True)
AXIS_LABEL = TextStyle(size=7.5, colour=MUTED, align="center")


@dataclass(frozen=True)
class Bar:
    label: str
    score: float | None  # 0-100, None when not assessed
    value: str  # the score as shown, or "Not assessed"


class ScoreChart(Flowable):
    """One bar per standard on a 0-100 track, with dashed lines at the level thresholds."""

    def __init__(self, report: Report, bars: list[Bar], ticks: list[tuple[float, str]]):
        super().__init__()
        self.report = report
        self.bars = bars
        self.ticks = ticks

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        self.height = ROW * len(self.bars) + AXIS
        return self.width, self.height

    def draw(self) -> None:
        rtl = self.report.rtl
        label_width = self.width * LABEL_SHARE
        track = self.width - label_width - GAP
        track_start = 0.0 if rtl else label_width + GAP  # left edge of the track

        def x(value: float) -> float:
            """Return the x of a score: bars grow from the reading side."""
            offset = track * value / 100
            return track_start + track - offset if rtl else track_start + offset

        drawing = Drawing(self.width, self.height)
        for index, bar in enumerate(self.bars):
            bottom = self._row_bottom(index)
            drawing.add(Rect(track_start, bottom, track, BAR, fillColor=BACKGROUND,
                             strokeColor=None))
            if bar.score:
                left, right = sorted((x(0), x(bar.score)))
                drawing.add(Rect(left, bottom, right - left, BAR, fillColor=ACCENT,
                                 strokeColor=None))
        for value, _ in self.ticks:
            drawing.add(Line(x(value), AXIS - 2, x(value), self.height, strokeColor=LINE,
                             strokeWidth=0.6, strokeDashArray=[3, 3]))
        renderPDF.draw(drawing, self.canv, 0, 0)

        label_left = self.width - label_width if rtl else 0.0
        for index, bar in enumerate(self.bars):
            middle = self._row_bottom(index) + BAR / 2
            self._text(bar.label, LABEL, label_left, label_width, middle)
            score = bar.score or 0
            end = x(score)
            inside = score >= INSIDE_FROM
            # Written inside the bar's end (in white) or just past it; "end" alignment is
            # the left in right-to-left reports, so one rule serves both directions.
            if inside != rtl:
                left, right = track_start, end - 4
            else:
                left, right = end + 4, track_start + track
            style = replace(VALUE, align="end" if inside else "start",
                            colour=colors.white if inside else MUTED if bar.score is None
                            else ACCENT)
            self._text(bar.value, style, left, right - left, middle)
        for value, text in self.ticks:
            self._text(text, AXIS_LABEL, x(value) - 20, 40, AXIS / 2 - 2)

    def _row_bottom(self, index: int) -> float:
        return self.height - (index + 1) * ROW + (ROW - BAR) / 2

    def _text(self, text: str, style: TextStyle, left: float, width: float,
              middle: float) -> None:
        block = self.report.text(text, style)
        _, height = block.wrapOn(self.canv, max(width, 1.0), ROW)
        block.drawOn(self.canv, left, middle - height / 2)
