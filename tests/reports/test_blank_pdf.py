"""The blank questionnaire to print: every question with its tick boxes, in order."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from kcs_assess.reports.blank import build_blank_pdf

from .examples import ICSS
from .pdfread import DrawnLine, all_lines, read, squares

TICK_BOX = 9


@pytest.fixture(scope="module")
def blank() -> PdfReader:
    return read(build_blank_pdf(ICSS, "en"))


@pytest.fixture(scope="module")
def lines(blank: PdfReader) -> list[DrawnLine]:
    return all_lines(blank)


def text_of(lines: list[DrawnLine]) -> str:
    return " ".join(line.text for line in lines)


def test_cover_gives_title_version_and_how_to_fill_it_in(lines: list[DrawnLine]) -> None:
    cover = text_of([line for line in lines if line.page == 1])
    assert "Keeping children safe: organisational self-assessment" in cover
    assert "Version 2026.2" in cover
    assert "How to fill in this form" in cover
    assert "Tick one box for each question." in cover
    assert "Organisation Filled in by Date" in cover


def test_every_question_is_printed_in_order_with_its_help(lines: list[DrawnLine]) -> None:
    text = text_of(lines)
    positions = [text.index(f"{q.id} {q.text}") for q in ICSS.questions]
    assert positions == sorted(positions)
    assert all(q.help in text for q in ICSS.questions)
    assert text.count("Minimum requirement ") == sum(q.critical for q in ICSS.questions)


def test_each_answer_option_has_a_tick_box(blank: PdfReader, lines: list[DrawnLine]) -> None:
    boxes = [box for page in range(1, len(blank.pages) + 1)
             for box in squares(blank, page, TICK_BOX)]
    assert len(boxes) == sum(len(q.options) for q in ICSS.questions)
    first = next(q for q in ICSS.questions if not q.allow_na)
    with_na = next(q for q in ICSS.questions if q.allow_na)
    text = text_of(lines)
    after = text.index(f"{first.id} ")
    assert "Yes Partly No Don't know" in text[after:]
    assert "Yes Partly No Don't know Not applicable" in text[text.index(f"{with_na.id} "):]


def test_follow_up_questions_say_when_they_apply(lines: list[DrawnLine]) -> None:
    text = text_of(lines)
    follow_ups = [q for q in ICSS.questions if q.show_if]
    assert follow_ups
    for question in follow_ups:
        # Format 2: a respondent who does not know is asked the follow-ups too.
        notice = f"Answer only if you answered Yes or Don't know to {question.show_if.question}"
        assert notice in text[text.index(f"{question.id} "):]
    assert text.count("Answer only if you answered") == len(follow_ups)


def test_pages_are_numbered_and_the_metadata_set(blank: PdfReader,
                                                 lines: list[DrawnLine]) -> None:
    pages = len(blank.pages)
    footers = [line.text for line in lines if line.text.startswith("Page ")]
    assert footers == [f"Page {n} of {pages}" for n in range(1, pages + 1)]
    assert blank.metadata.title == "Keeping children safe: organisational self-assessment, " \
                                   "version 2026.2"
    assert blank.metadata.subject == "Blank questionnaire for printing"
    assert blank.trailer["/Root"]["/Lang"] == "en"
