"""Where the score chart puts its bars, level marks and figures: one layout for page and PDF.

The chart is drawn twice, as SVG on the results page and with ReportLab in the PDF (a trend
chart may follow); both place everything from this module, so they cannot drift apart.
Positions are fractions of the bar track's width, measured from its left edge; bars grow
from the reading side, so in a right-to-left language everything is mirrored.
"""

from __future__ import annotations

from dataclasses import dataclass

from .questionnaire import Level
from .scoring import Result, StandardResult

# From this score a bar's figure is written inside the bar's end, in white; below it, just
# past the end. A figure takes under a tenth of the narrowest track (a 320 px phone, or the
# PDF's), so the bar holds it from here on, and the rest of the track holds it below.
INSIDE_FROM = 80


@dataclass(frozen=True)
class Anchor:
    """Where a text is drawn: which of its sides ("left" or "right") touches `x`.

    A drawer keeps a small gap between that side and `x`, on the side the text lies.
    """

    x: float
    side: str

    @property
    def away(self) -> int:
        """Return the direction the text lies in from `x`: +1 rightwards, -1 leftwards."""
        return 1 if self.side == "left" else -1


def position(score: float) -> float:
    """Return how far along the track (0 to 1) a score lies: the scale is 0 to 100."""
    return min(max(score, 0.0), 100.0) / 100


def _from_left(at: float, rtl: bool) -> float:
    return 1 - at if rtl else at


@dataclass(frozen=True)
class ChartBar:
    """One standard's bar: its result, its length on the track and where its figure goes."""

    result: StandardResult
    length: float  # 0 when the standard is not assessed
    figure_inside: bool

    def span(self, rtl: bool) -> tuple[float, float]:
        """Return the bar's left edge and width."""
        return (1 - self.length if rtl else 0.0), self.length

    def figure(self, rtl: bool) -> Anchor:
        """Return where the score (or "not assessed") is written: at the bar's end."""
        end = _from_left(self.length, rtl)
        # Inside, the figure ends at the bar's end; outside, it starts there.
        toward_end = not self.figure_inside
        return Anchor(end, "left" if toward_end != rtl else "right")


@dataclass(frozen=True)
class LevelMark:
    """A dashed line across the bars where a level begins, labelled with the level's name.

    Each mark's label has a line of its own under the bars, so labels never collide
    however narrow the chart; it runs from the mark towards the wider side of the track.
    """

    level: Level
    at: float

    def x(self, rtl: bool) -> float:
        return _from_left(self.at, rtl)

    def label(self, rtl: bool) -> Anchor:
        toward_end = self.at < 0.5
        return Anchor(self.x(rtl), "left" if toward_end != rtl else "right")


@dataclass(frozen=True)
class ChartLayout:
    bars: tuple[ChartBar, ...]
    marks: tuple[LevelMark, ...]


def chart_layout(result: Result) -> ChartLayout:
    """Lay out the chart of a result: a bar per standard, a mark per level above the first."""
    bars = tuple(
        ChartBar(r, 0.0 if r.score is None else position(r.score),
                 r.score is not None and r.score >= INSIDE_FROM)
        for r in result.standards
    )
    marks = tuple(LevelMark(level, position(level.min))
                  for level in result.questionnaire.levels[1:])
    return ChartLayout(bars, marks)


# -- the trend: rounds of one questionnaire over time -----------------------------------------

# The rounds sit evenly along the width, inside this margin (a fraction of it), so the dots
# and the first and last dates are never cut off at the edges.
TREND_MARGIN = 0.08


@dataclass(frozen=True)
class TrendPoint:
    x: float  # from the left edge, 0 to 1
    y: float | None  # from the top, 0 to 1 (score 100 is at the top); None: not assessed
    score: float | None


@dataclass(frozen=True)
class TrendSeries:
    key: str  # "overall", or a standard's id
    title: str
    questionnaire_id: str  # whose catalog entries translate the title
    points: tuple[TrendPoint, ...]  # one per round, in the rounds' order

    def segments(self) -> list[tuple[TrendPoint, TrendPoint]]:
        """Return the lines between consecutive rounds where both were assessed."""
        return [(a, b) for a, b in zip(self.points, self.points[1:], strict=False)
                if a.y is not None and b.y is not None]


@dataclass(frozen=True)
class TrendMark:
    level: Level
    questionnaire_id: str
    y: float


@dataclass(frozen=True)
class TrendLayout:
    xs: tuple[float, ...]  # each round's x, in the rounds' order
    series: tuple[TrendSeries, ...]  # the overall score first, then each standard
    marks: tuple[TrendMark, ...]  # a line where each level above the first begins


def trend_layout(results: list[Result], rtl: bool) -> TrendLayout:
    """Lay out the trend of some rounds, oldest first: the overall score and each standard's.

    Time runs in the reading direction, so right to left in Arabic. The levels are those of
    the latest round's questionnaire.
    """
    count = len(results)
    span = 1 - 2 * TREND_MARGIN
    xs = tuple(0.5 if count == 1 else TREND_MARGIN + span * index / (count - 1)
               for index in range(count))
    if rtl:
        xs = tuple(1 - x for x in xs)

    def point(x: float, value: float | None) -> TrendPoint:
        return TrendPoint(x, None if value is None else 1 - position(value), value)

    latest = results[-1].questionnaire if results else None
    series = [TrendSeries("overall", "", latest.id if latest else "",
                          tuple(point(x, r.score) for x, r in zip(xs, results, strict=True)))]
    standards: dict[str, tuple[str, str]] = {}
    for result in reversed(results):  # the latest wording of each standard's title
        for r in result.standards:
            standards.setdefault(r.standard.id, (r.standard.title, result.questionnaire.id))
    order = [r.standard.id for r in results[-1].standards] if results else []
    order += [standard_id for standard_id in standards if standard_id not in order]
    for standard_id in order:
        title, questionnaire_id = standards[standard_id]
        scores = [next((r.score for r in result.standards if r.standard.id == standard_id),
                       None) for result in results]
        series.append(TrendSeries(standard_id, title, questionnaire_id,
                                  tuple(point(x, s) for x, s in zip(xs, scores, strict=True))))
    marks = tuple(TrendMark(level, latest.id, 1 - position(level.min))
                  for level in latest.levels[1:]) if latest else ()
    return TrendLayout(xs, tuple(series), marks)
