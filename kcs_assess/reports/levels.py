"""The PDF's explanation of the levels: their names, the scores they cover, what they mean."""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether, Spacer

from ..domain.questionnaire import Questionnaire
from ..domain.scoring import level_ranges
from .document import CELL, FRAME_WIDTH, HEADER_CELL, SMALL, SUBHEADING, Report


def levels_section(report: Report, questionnaire: Questionnaire) -> list[Flowable]:
    """Return a table of the questionnaire's levels and the rule that holds them back."""
    t, text = report.translator, report.text

    def level_text(key: str, field: str, value: str) -> str:
        return t.questionnaire_text(value, questionnaire.id, f"level.{key}", field)

    described = any(level.description for level in questionnaire.levels)
    header = [t.gettext("Level"), t.gettext("Score")]
    widths = [0.3, 0.2]
    if described:
        header.append(t.gettext("What it means"))
        widths = [0.25, 0.15, 0.6]
    rows: list[list] = [[text(name, HEADER_CELL) for name in header]]
    for level, low, high in level_ranges(questionnaire.levels):
        row = [text(level_text(level.key, "title", level.title), HEADER_CELL),
               text(t.gettext("%(low)s to %(high)s", low=t.score(low), high=t.score(high)),
                    CELL)]
        if described:
            row.append(text(level_text(level.key, "description", level.description), CELL))
        rows.append(row)
    cap = questionnaire.levels[1]
    # A few rows: split over two pages they would read as two tables.
    return [
        report.heading(t.gettext("What the levels mean"), SUBHEADING, 1),
        KeepTogether([
            report.table(rows, [FRAME_WIDTH * share for share in widths]),
            Spacer(1, 4),
            text(t.gettext("A standard with a minimum requirement that is not fully in place "
                           "stays at “%(level)s” at most, whatever its score, and so does the "
                           "overall level until every minimum requirement is met.",
                           level=level_text(cap.key, "title", cap.title)), SMALL),
        ]),
    ]
