"""Arabic reports: joined letters, right-to-left lines and tables, numbers and Latin in place.

The interface may not be translated yet (missing entries fall back to English), so these
tests rely on Arabic user text and on where things are drawn, not on translated words.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import arabic_reshaper
import pytest
from PIL import Image
from pypdf import PdfReader

from kcs_assess.i18n import Translator
from kcs_assess.reports.blank import build_blank_pdf
from kcs_assess.reports.plan import build_plan_pdf

from .examples import ICSS, NOTES, QUICK, plan_report
from .pdfread import DrawnLine, all_lines, read, row_of, squares

ORGANISATION = "منظمة حماية الطفل (فرع 2)"
LABEL = "التقييم الأول"
SHORT_NOTE = "راجعنا المدونة مع فريق PSEA في 2026 (المرحلة الأولى)."
ENGLISH_NOTE = "Procedure drafted, waiting for the board."
LONG_NOTE = "البداية " + "نص تجريبي للتأكد من التفاف الأسطر في الملاحظات الطويلة " * 8 + "النهاية"
PAGE_WIDTH, PAGE_HEIGHT = 595.3, 841.9
TEXT_LEFT = 51.0  # the 18 mm margin
TEXT_RIGHT = PAGE_WIDTH - TEXT_LEFT
DPI = 100


def seen(logical: str) -> str:
    """Return an Arabic word as drawn: shaped into joined forms, then left to right."""
    return arabic_reshaper.reshape(logical)[::-1]


@pytest.fixture(scope="module")
def arabic_pdf() -> bytes:
    notes = {**NOTES, "QPL1.1": SHORT_NOTE, "QPL2.3": LONG_NOTE, "QPR1.2": ENGLISH_NOTE}
    return build_plan_pdf(plan_report(organisation_name=ORGANISATION, assessment_label=LABEL,
                                      notes=notes), "ar")


@pytest.fixture(scope="module")
def arabic_plan(arabic_pdf: bytes) -> PdfReader:
    return read(arabic_pdf)


@pytest.fixture(scope="module")
def lines(arabic_plan: PdfReader) -> list[DrawnLine]:
    return all_lines(arabic_plan)


def test_arabic_letters_are_drawn_joined(lines: list[DrawnLine]) -> None:
    drawn = "".join(line.text for line in lines)
    assert any("\ufe70" <= char <= "\ufeff" for char in drawn)  # presentation forms
    assert seen("التقييم") in drawn
    assert "\x00" not in drawn  # no character without a glyph


def test_brackets_and_numbers_read_right_to_left(lines: list[DrawnLine]) -> None:
    shaped = arabic_reshaper.reshape(ORGANISATION).split(" ")
    # "(فرع 2)" at the left end: the logical "(" is drawn mirrored at the right of "فرع".
    expected = f"(2 {shaped[3][1:][::-1]}) {shaped[2][::-1]} {shaped[1][::-1]} {shaped[0][::-1]}"
    assert expected in [line.text for line in lines if line.page == 1]


def test_latin_words_and_numbers_keep_their_order_inside_arabic(lines: list[DrawnLine]) -> None:
    note = next(line.text for line in lines if "PSEA" in line.text and "2026" in line.text)
    # Read right to left: ... فريق PSEA في 2026 (المرحلة الأولى).
    assert f") 2026 {seen('في')} PSEA {seen('فريق')}" in note
    assert note.startswith(f".({seen('الأولى')} {seen('المرحلة')}")


def test_an_english_note_beside_an_arabic_label_keeps_its_full_stop_at_its_end(
        lines: list[DrawnLine]) -> None:
    # In the plan, the note follows the label "Note:" in one right-to-left paragraph.
    plan_note = [line.text.replace("\u2068", "").replace("\u2069", "") for line in lines
                 if "board" in line.text or "Procedure drafted" in line.text]
    assert len(plan_note) == 3  # two lines in the plan, one in the appendix
    assert plan_note[0].startswith("Procedure drafted, waiting for")
    assert plan_note[1] == "the board."  # not ".the board"
    assert plan_note[2] == ENGLISH_NOTE  # on its own, in the appendix


def test_a_wrapped_arabic_note_reads_from_the_top_line_down(lines: list[DrawnLine]) -> None:
    first = next(line for line in lines if seen("البداية") in line.text)
    last = next(line for line in lines if seen("النهاية") in line.text)
    assert first.text.endswith(seen("البداية"))  # the first word, at the right of its line
    assert last.text.startswith(seen("النهاية"))  # the last word, at the left of its line
    assert (first.page, -first.y) < (last.page, -last.y)  # and the first line is on top
    assert lines.index(last) - lines.index(first) >= 3


def test_tables_run_right_to_left(lines: list[DrawnLine]) -> None:
    cover = [line for line in lines if line.page == 1]
    facts = next(row for row in (row_of(cover, line) for line in cover
                                 if line.text == seen(LABEL)) if len(row) == 2)
    assert facts[0].text == seen(LABEL)  # the value, the second column, is the left one
    assert facts[1].x > PAGE_WIDTH / 2
    row = next(row for row in (row_of(lines, line) for line in lines if "QPR1.2" in line.text)
               if len(row) == 4)
    assert "QPR1.2" in row[0].text  # the question is the last column, at the left
    assert row[-1].x > PAGE_WIDTH * 0.8  # the priority is the first, at the right


def test_rendered_cover_is_right_aligned_in_arabic_and_left_aligned_in_english(
        tmp_path: Path, arabic_pdf: bytes, lines: list[DrawnLine]) -> None:
    english = build_plan_pdf(plan_report(), "en")
    english_name = next(line for line in all_lines(read(english)) if line.text.startswith("Acme"))
    arabic_name = next(line for line in lines if line.page == 1 and "(2" in line.text)
    arabic_ink = ink_columns(arabic_pdf, tmp_path / "ar", arabic_name.y)
    english_ink = ink_columns(english, tmp_path / "en", english_name.y)
    assert abs(max(arabic_ink) - TEXT_RIGHT * DPI / 72) < 4
    assert min(arabic_ink) > PAGE_WIDTH * DPI / 72 / 2  # a short name, at the right
    assert abs(min(english_ink) - TEXT_LEFT * DPI / 72) < 4


def ink_columns(pdf: bytes, stem: Path, baseline: float) -> set[int]:
    """Return the pixel columns with ink on one line of the cover, rendered at DPI."""
    source = stem.with_suffix(".pdf")
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", "-f", "1", "-l", "1", "-singlefile",
                    str(source), str(stem)], check=True)
    with Image.open(stem.with_suffix(".png")) as image:
        grey = image.convert("L")
    top = round((PAGE_HEIGHT - baseline - 16) * DPI / 72)
    bottom = round((PAGE_HEIGHT - baseline + 4) * DPI / 72)
    band = grey.crop((0, top, grey.width, bottom))
    pixels = band.load()
    return {x for x in range(band.width) for y in range(band.height) if pixels[x, y] < 128}


def test_blank_questionnaire_puts_each_tick_box_right_of_its_label() -> None:
    reader = read(build_blank_pdf(ICSS, "ar"))
    boxes = squares(reader, 2, 9)
    first_row = [x for x, y in boxes if y == boxes[0][1]]
    assert first_row == sorted(first_row, reverse=True)  # first option at the right
    assert first_row[0] + 9 == pytest.approx(TEXT_RIGHT, abs=0.5)
    assert reader.trailer["/Root"]["/Lang"] == "ar"


def test_chart_marks_are_mirrored_and_named_with_the_number_first(
        lines: list[DrawnLine]) -> None:
    arabic = Translator("ar")
    marks = []
    for level in QUICK.levels[1:]:
        name = arabic.questionnaire_text(level.title, QUICK.id, f"level.{level.key}", "title")
        # Read right to left: the number, then the level's name.
        marks.append(next(line for line in lines if line.text == f"{seen(name)} {level.min:g}"))
    assert marks[0].y > marks[1].y > marks[2].y
    assert marks[0].x > marks[1].x > marks[2].x  # bars grow from the right: 40 is rightmost
