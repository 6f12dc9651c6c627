"""The score chart's layout, shared by the results page and the PDF: scale, marks, figures."""

from __future__ import annotations

import pytest

from kcs_assess.domain.chart import INSIDE_FROM, chart_layout, position
from kcs_assess.domain.loader import parse_questionnaire
from kcs_assess.domain.scoring import score

# Three standards of two questions each: answers set each one's score exactly.
QUESTIONNAIRE = parse_questionnaire("""\
id: chart
version: "1"
title: Chart
levels:
  - {min: 0, key: l0, title: Not in place}
  - {min: 40, key: l1, title: Developing}
  - {min: 70, key: l2, title: Established}
  - {min: 90, key: l3, title: Embedded}
standards:
""" + "".join(f"""\
  - id: s{n}
    title: S{n}
    criteria:
      - id: s{n}.a
        title: A
        questions:
          - {{id: Q{n}a, text: t, help: h, tier: framework, action: a}}
          - {{id: Q{n}b, text: t, help: h, tier: practice, action: a}}
""" for n in range(3)))
# s0: yes + partly = 75 (figure outside); s1: yes + yes = 100 (inside); s2: not assessed.
ANSWERS = {"Q0a": "yes", "Q0b": "partly", "Q1a": "yes", "Q1b": "yes"}


@pytest.fixture(scope="module")
def layout():
    return chart_layout(score(QUESTIONNAIRE, ANSWERS))


def test_the_scale_runs_from_0_to_100_and_stays_on_the_track():
    assert [position(value) for value in (0, 40, 75, 100)] == [0, 0.4, 0.75, 1]
    assert position(-5) == 0 and position(120) == 1


def test_a_bar_per_standard_as_long_as_its_score(layout):
    assert [bar.result.standard.id for bar in layout.bars] == ["s0", "s1", "s2"]
    assert [bar.length for bar in layout.bars] == [0.75, 1.0, 0.0]


def test_bars_grow_from_the_reading_side(layout):
    short = layout.bars[0]
    assert short.span(rtl=False) == (0.0, 0.75)
    assert short.span(rtl=True) == (0.25, 0.75)


def test_a_figure_goes_inside_the_bar_from_80_and_past_its_end_below(layout):
    assert INSIDE_FROM == 80
    short, full, none = layout.bars
    assert (short.figure_inside, full.figure_inside, none.figure_inside) == (False, True, False)
    # Left to right: past the end, the figure's left side touches it; inside, its right side.
    assert (short.figure(rtl=False).x, short.figure(rtl=False).side) == (0.75, "left")
    assert (full.figure(rtl=False).x, full.figure(rtl=False).side) == (1.0, "right")
    # Right to left, everything is mirrored.
    assert (short.figure(rtl=True).x, short.figure(rtl=True).side) == (0.25, "right")
    assert (full.figure(rtl=True).x, full.figure(rtl=True).side) == (0.0, "left")
    # "Not assessed" starts where the bar would.
    assert (none.figure(rtl=True).x, none.figure(rtl=True).side) == (1.0, "right")
    assert short.figure(rtl=False).away == 1 and full.figure(rtl=False).away == -1


def test_a_mark_where_each_level_above_the_first_begins_labelled_towards_the_wider_side(
        layout):
    assert [(mark.level.title, mark.at) for mark in layout.marks] == [
        ("Developing", 0.4), ("Established", 0.7), ("Embedded", 0.9)]
    assert [(m.label(rtl=False).x, m.label(rtl=False).side) for m in layout.marks] == [
        (0.4, "left"), (0.7, "right"), (0.9, "right")]
    assert [(round(m.label(rtl=True).x, 9), m.label(rtl=True).side) for m in layout.marks] == [
        (0.6, "right"), (0.3, "left"), (0.1, "left")]
