"""The PDF's "What this means for other standards": the crosswalk of each mapped framework."""

from __future__ import annotations

from dataclasses import replace

from reportlab.lib import colors
from reportlab.platypus import Flowable

from ..domain.crosswalk import FrameworkReadiness
from ..domain.questionnaire import Questionnaire
from ..labels import CROSSWALK_STATUSES
from .document import (
    BACKGROUND,
    CELL,
    FRAME_WIDTH,
    HEADER_CELL,
    INK,
    SEVERITY_COLOURS,
    SMALL,
    SUBHEADING,
    Report,
)

# The web page's tag colours (static/app.css): (background, ink) per status.
STATUS_COLOURS = {
    "met": (colors.HexColor("#cce2d8"), colors.HexColor("#005a30")),
    "partly": SEVERITY_COLOURS["medium"],
    "not_met": SEVERITY_COLOURS["critical"],
    "not_assessed": (BACKGROUND, INK),
}


def crosswalk_section(report: Report, questionnaire: Questionnaire,
                      readiness: tuple[FrameworkReadiness, ...]) -> list[Flowable]:
    """Return per framework a table of its items, their status and the questions behind them."""
    if not readiness:
        return []
    t, text = report.translator, report.text
    threshold = questionnaire.levels[1]
    # Kept with the first framework's table, so the introduction never ends a page alone.
    story: list[Flowable] = [
        report.heading(t.gettext("What this means for other standards")),
        text(t.gettext("Many of these practices are also required by other frameworks. Here is "
                       "where your answers put you against each of their items: an indication "
                       "to help you prepare for their official assessment, not a substitute "
                       "for it."), keep_with_next=True),
        text(t.gettext(
            "Met: every question behind the item is answered “Yes”. Not met: a minimum "
            "requirement behind it is not fully in place, or its questions score below "
            "“%(level)s”. Partly met: in between. Not assessed: no question behind it is "
            "answered.",
            level=t.questionnaire_text(threshold.title, questionnaire.id,
                                       f"level.{threshold.key}", "title")),
            replace(SMALL, space_after=4), keep_with_next=True),
    ]
    for framework in readiness:
        f = framework.framework
        rows: list[list] = [[text(name, HEADER_CELL) for name in (
            t.gettext("Item"), t.gettext("Status"), t.gettext("Questions"))]]
        cell_styles = []
        for row, item in enumerate(framework.items, start=1):
            background, ink = STATUS_COLOURS[item.status]
            cell_styles.append(("BACKGROUND", (1, row), (1, row), background))
            rows.append([
                text(f"{item.item.number} {t.framework_text(item.item.title, f.id, item.item.id)}",
                     CELL),
                text(t.gettext(CROSSWALK_STATUSES[item.status]), replace(HEADER_CELL, colour=ink)),
                text(", ".join(q.id for q in item.questions) or "–", CELL),
            ])
        story += [
            report.heading(t.framework_text(f.title, f.id, None), SUBHEADING, 1),
            text(t.gettext("Edition: %(edition)s", edition=f.edition),
                 replace(SMALL, space_after=4), keep_with_next=True),
            report.table(rows, [FRAME_WIDTH * share for share in (0.55, 0.18, 0.27)],
                         cell_styles),
        ]
    return story
