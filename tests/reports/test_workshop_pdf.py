"""A workshop's results PDF, read back: what a trainer handing out the printout shows the room."""

from __future__ import annotations

import datetime
import re
import subprocess
import unicodedata
from pathlib import Path

import arabic_reshaper
import pytest
from PIL import Image

from kcs_assess.domain.workshop import summarise
from kcs_assess.i18n import Translator
from kcs_assess.reports.workshop import WorkshopReport, build_workshop_pdf

from .examples import QUICK
from .pdfread import DrawnLine, all_lines, read, row_of

FOOTER_TOP = 80
PAGE_WIDTH, PAGE_HEIGHT = 595.3, 841.9
DPI = 100
TITLE = 'Kigali <b>&amp; "Goma"</b> & co'  # typed: drawn as is, never read as markup
ARABIC_TITLE = "ورشة كيغالي <b>&</b>"
MIN_ANSWERS = 5
# Everyone says yes, except: QPL1.1 answered by 4, fewer than the minimum; four questions
# that divide the room (disagreement 1, 8/9, 0.5 and 0.36); two with "don't know".
ROOM = {
    **{question.id: {"yes": 6} for question in QUICK.questions},
    "QPL1.1": {"yes": 3, "no": 1},
    "QPE2.1": {"yes": 5, "no": 5},
    "QPR1.2": {"yes": 3, "partly": 3, "no": 3},
    "QPL1.2": {"yes": 4, "partly": 4},
    "QAC1.1": {"yes": 9, "no": 1},
    "QPE2.2": {"unknown": 4, "yes": 2},
    "QAC2.1": {"unknown": 2, "yes": 4},
}
DISCUSS = ["QPE2.1", "QPR1.2", "QPL1.2", "QAC1.1"]
FIND_OUT = ["QPE2.2", "QAC2.1"]
GROUP = "Managers <i>&</i>"
# The managers, five of the room: too few answered QPE2.1 among them to show it.
MANAGERS = {**{question.id: {"yes": 5} for question in QUICK.questions},
            "QPE2.1": {"yes": 2, "no": 2}, "QPR1.2": {"yes": 3, "no": 2}}


def workshop(counts: dict = ROOM, **changes: object) -> WorkshopReport:
    values: dict[str, object] = {
        "title": TITLE, "summary": summarise(QUICK, counts, MIN_ANSWERS),
        "joined": 42, "answered": 31, "held_on": datetime.date(2026, 3, 14),
        "closed_on": datetime.date(2026, 3, 14), "generated_on": datetime.date(2026, 3, 20),
        "group_question": "Your role", "groups": (
            (GROUP, summarise(QUICK, MANAGERS, MIN_ANSWERS)),
            ("Volunteers", summarise(QUICK, ROOM, MIN_ANSWERS))),
    }
    values.update(changes)
    return WorkshopReport(**values)  # type: ignore[arg-type]


def lines_of(report: WorkshopReport, locale: str) -> list[DrawnLine]:
    return all_lines(read(build_workshop_pdf(report, locale)))


@pytest.fixture(scope="module")
def english() -> list[DrawnLine]:
    return lines_of(workshop(), "en")


@pytest.fixture(scope="module")
def arabic_pdf() -> bytes:
    return build_workshop_pdf(workshop(title=ARABIC_TITLE), "ar")


@pytest.fixture(scope="module")
def arabic(arabic_pdf: bytes) -> list[DrawnLine]:
    return all_lines(read(arabic_pdf))


def shown(text: str) -> str:
    """Return drawn text without direction controls and with ordinary spaces."""
    return "".join(" " if char == "\u00a0" else char for char in text
                   if unicodedata.category(char) != "Cf")


def seen(logical: str) -> str:
    """Return Arabic text as drawn: shaped into joined forms, then left to right."""
    return arabic_reshaper.reshape(logical)[::-1]


def texts(lines: list[DrawnLine]) -> list[str]:
    return [shown(line.text) for line in lines]


def section(lines: list[DrawnLine], heading: str, next_heading: str | None) -> list[DrawnLine]:
    """Return the lines under a heading up to the next one, leaving out the page footers."""
    drawn = texts(lines)
    start = drawn.index(heading)
    end = drawn.index(next_heading, start) if next_heading else len(lines)
    return [line for line in lines[start + 1:end] if line.y > FOOTER_TOP]


def row(lines: list[DrawnLine], first_cell: str) -> list[str]:
    line = next(line for line in lines if shown(line.text) == first_cell)
    return [shown(cell.text) for cell in row_of(lines, line)]


def beside(lines: list[DrawnLine], question: DrawnLine) -> list[str]:
    """Return the first line of the answers' cell beside a question's first line."""
    return [shown(line.text) for line in lines if line.page == question.page
            and abs(line.y - question.y) < 3 and line.x != question.x]


def question_ids(lines: list[DrawnLine]) -> list[str]:
    return [match.group(0) for line in lines
            for match in [re.search(r"\bQ[A-Z]{2}\d\.\d\b", line.text)] if match]


def test_the_title_typed_by_the_trainer_is_drawn_as_typed(english: list[DrawnLine]) -> None:
    first_page = [line for line in english if line.page == 1]
    assert texts(first_page)[:2] == ["Workshop results", TITLE]
    assert f"{TITLE} · Workshop results" in texts(english)  # the footer of every page


def test_the_first_page_gives_the_questionnaire_dates_counts_and_the_minimum_rule(
        english: list[DrawnLine]) -> None:
    first_page = [line for line in english if line.page == 1]
    assert row(first_page, "Questionnaire") == [
        "Questionnaire", "Safeguarding quick check, version 2026.2"]
    assert row(first_page, "Held on") == ["Held on", "14 March 2026"]
    assert row(first_page, "Closed on") == ["Closed on", "14 March 2026"]
    assert row(first_page, "Joined") == ["Joined", "42"]
    assert row(first_page, "Answered") == ["Answered", "31"]
    assert ("A question answered by fewer than 5 participants is not shown: in a small group, "
            "the answers could tell who said what.") in " ".join(texts(first_page))


def test_an_open_workshop_says_its_answers_may_change() -> None:
    lines = lines_of(workshop(closed_on=None), "en")
    assert row(lines, "Status") == ["Status", "Still open: the answers may still change."]
    assert "Closed on" not in texts(lines)


def test_each_standard_shows_the_rooms_score_level_and_how_many_questions_are_shown(
        english: list[DrawnLine]) -> None:
    summary = workshop().summary
    table = section(english, "The room's scores", "Discuss these")
    policy = summary.standards[0]
    assert row(table, "Policy") == ["Policy", str(int(policy.score)), policy.level.title,
                                    "4 of 5"]  # QPL1.1 is withheld
    assert row(table, "Overall")[:3] == ["Overall", str(int(summary.score)),
                                         summary.level.title]


def test_discuss_lists_the_most_divided_questions_first_with_their_answers(
        english: list[DrawnLine]) -> None:
    discuss = section(english, "Discuss these", "The room needs information")
    assert question_ids(discuss) == DISCUSS
    assert next(text for text in texts(discuss) if text.startswith("1. ")).startswith(
        "1. QPE2.1 Has everyone had training")
    assert "Yes 5 (50%) · No 5 (50%)" in texts(discuss)
    assert "Yes 3 (33%) · Partly 3 (33%) · No 3 (33%)" in texts(discuss)


def test_the_room_needs_information_where_most_do_not_know(english: list[DrawnLine]) -> None:
    find_out = section(english, "The room needs information", "Question by question")
    assert question_ids(find_out) == FIND_OUT
    assert "Yes 2 (33%) · Don't know 4 (67%)" in texts(find_out)


def test_every_question_shows_its_distribution_and_total(english: list[DrawnLine]) -> None:
    questions = section(english, "Question by question", "By group")
    assert question_ids(questions) == [question.id for question in QUICK.questions]
    assert "Yes 9 (90%) · No 1 (10%)" in texts(questions)
    # Every question answered by six, but the seven set apart in ROOM, two of them by six too
    assert texts(questions).count("6 answers") == len(QUICK.questions) - 7 + 2


@pytest.mark.parametrize("locale", ["en", "fr", "ar"])
def test_a_question_below_the_minimum_leaves_no_trace_of_its_answers(locale: str) -> None:
    """Four answers to QPL1.1 print exactly what no answer prints: a withheld question shows
    neither its distribution nor how many answered it."""
    answered_by_four = lines_of(workshop(), locale)
    answered_by_none = lines_of(workshop({**ROOM, "QPL1.1": {}}), locale)
    assert texts(answered_by_four) == texts(answered_by_none)
    if locale == "en":
        withheld = next(line for line in answered_by_four if line.text.startswith("QPL1.1"))
        assert beside(answered_by_four, withheld) == ["Fewer than 5 answers: not shown."]


def test_groups_are_compared_side_by_side_and_each_keeps_the_minimum_rule(
        english: list[DrawnLine]) -> None:
    groups = section(english, "By group", None)
    assert texts(groups)[0] == "Your role"
    header = row(groups, "Standard")
    assert header == ["Standard", GROUP, "Volunteers"]  # the labels, typed, drawn as typed
    drawn = texts(english)  # the groups' headings, after their names in the table's header
    managers = english[drawn.index(GROUP, drawn.index("Volunteers")) + 1:
                       len(drawn) - drawn[::-1].index("Volunteers") - 1]
    assert "Discuss these: QPR1.2" in texts(managers)
    training = next(line for line in managers if line.text.startswith("QPE2.1"))
    assert beside(managers, training) == ["Fewer than 5 answers: not shown."]


def test_no_groups_no_group_section() -> None:
    lines = lines_of(workshop(groups=(), group_question=""), "en")
    assert "By group" not in texts(lines)


def test_french_dates_answers_and_percentages() -> None:
    french = Translator("fr")
    lines = lines_of(workshop(), "fr")
    first_page = [line for line in lines if line.page == 1]
    assert "14 mars 2026" in texts(first_page)
    yes, no = french.gettext("Yes"), french.gettext("No")
    assert (yes, no) == ("Oui", "Non")
    assert f"{yes} 5 (50 %) · {no} 5 (50 %)" in texts(lines)
    training = QUICK.questions_by_id["QPE2.1"]
    question = french.questionnaire_text(training.text, QUICK.id, training.id, "text")
    assert question != training.text
    assert any(line.startswith(f"1. QPE2.1 {question[:20]}") for line in texts(lines))


def test_arabic_title_is_shaped_and_the_discuss_list_reads_right_to_left(
        arabic: list[DrawnLine]) -> None:
    first_page = [line for line in arabic if line.page == 1]
    title = next(line for line in first_page if seen("كيغالي") in line.text)
    assert title.text == "<b>&</b> " + seen("ورشة كيغالي")  # markup drawn as characters
    numbered = [re.search(r"(Q[A-Z]{2}\d\.\d) \.(\d)$", line.text) for line in arabic]
    discuss = [(match.group(2), match.group(1)) for match in numbered if match][:len(DISCUSS)]
    assert discuss == [(str(number), question) for number, question in
                       enumerate(DISCUSS, start=1)]
    first = next(line for line in arabic if line.text.endswith("QPE2.1 .1"))
    answers = row_of(arabic, first)
    assert answers[-1] is first and first.x > PAGE_WIDTH / 2  # the question at the right


def test_the_bar_runs_from_the_reading_start(tmp_path: Path, arabic_pdf: bytes,
                                               arabic: list[DrawnLine],
                                               english: list[DrawnLine]) -> None:
    """Yes comes first: at the left of the bar in English, at the right in Arabic."""
    english_pdf = build_workshop_pdf(workshop(), "en")
    english_legend = next(line for line in english if shown(line.text) == (
        "Yes 5 (50%) · No 5 (50%)"))
    arabic_legend = next(line for line in arabic
                         if shown(line.text) == f"(%50) 5 {seen('لا')} · (%50) 5 {seen('نعم')}")
    for pdf, legend, yes_first in ((english_pdf, english_legend, "left"),
                                   (arabic_pdf, arabic_legend, "right")):
        green, red = bar_colours(pdf, legend, tmp_path / yes_first)
        assert green and red
        if yes_first == "left":
            assert max(green) < min(red)
        else:
            assert max(red) < min(green)


def bar_colours(pdf: bytes, legend: DrawnLine, stem: Path) -> tuple[list[int], list[int]]:
    """Return the pixel columns of the green (yes) and red (no) parts of the bar drawn
    above a legend line."""
    source = stem.with_suffix(".pdf")
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", "-f", str(legend.page), "-l",
                    str(legend.page), "-singlefile", str(source), str(stem)], check=True)
    with Image.open(stem.with_suffix(".png")) as image:
        pixels = image.convert("RGB").load()
        width = image.width
    # The bar's middle: a small line's box (8.5 pt, leading 1.4) above the baseline, then
    # half the bar (3 pt of space under a 9 pt bar).
    y = round((PAGE_HEIGHT - (legend.y + 8.5 + 7.5)) * DPI / 72)
    green, red = [], []
    for x in range(width):
        r, g, b = pixels[x, y]
        if g > 90 and r < 40:
            green.append(x)
        elif r > 150 and g < 60:
            red.append(x)
    return green, red
