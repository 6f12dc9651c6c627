"""Laying out text: right-to-left order, mirrored brackets, wrapping and the font per character."""

from __future__ import annotations

import unicodedata

import arabic_reshaper

from kcs_assess.reports.fonts import fonts
from kcs_assess.reports.text import TextStyle, is_right_to_left, isolated, layout

STYLE = TextStyle(size=10)
WIDE = 1000.0


def drawn(text: str, rtl: bool, width: float = WIDE, style: TextStyle = STYLE) -> list[str]:
    """Return each line's characters as drawn, left to right."""
    return ["".join(run.text for run in line.runs) for line in layout(text, width, style, rtl)]


def seen(logical: str) -> str:
    return arabic_reshaper.reshape(logical)[::-1]


def test_brackets_are_mirrored_in_right_to_left_text() -> None:
    # Reordered without mirroring, the brackets would face the wrong way: "]1[ ... )abc(".
    assert drawn("(abc) مرحبا [1]", rtl=True) == [f"[1] {seen('مرحبا')} (abc)"]
    assert drawn("مرحبا «نص»", rtl=True) == [f"«{seen('نص')}» {seen('مرحبا')}"]


def test_arabic_in_an_english_report_reads_right_to_left() -> None:
    assert drawn("منظمة حماية الطفل (فرع 2)", rtl=False) == [
        f"(2 {seen('فرع')}) {seen('الطفل')} {seen('حماية')} {seen('منظمة')}"]


def test_english_in_an_arabic_report_keeps_its_punctuation() -> None:
    assert not is_right_to_left("Write a policy (today).", document_rtl=True)
    assert drawn("Write a policy (today).", rtl=True) == ["Write a policy (today)."]
    assert is_right_to_left("PSEA تدريب", document_rtl=True)  # Arabic starting with Latin
    assert is_right_to_left("2026", document_rtl=True)  # no letters: the report's direction


def test_wrapped_right_to_left_lines_keep_their_order() -> None:
    words = ["الأولى", "الثانية", "الثالثة", "الرابعة", "الخامسة", "السادسة"]
    lines = drawn(" ".join(words), rtl=True, width=90)
    assert len(lines) >= 3
    assert lines[0].endswith(seen(words[0]))  # the first word starts the top line, at the right
    assert lines[-1].startswith(seen(words[-1]))
    assert " ".join(lines[::-1]) == seen(" ".join(words))  # nothing lost or doubled


def test_lines_never_overflow_and_overlong_words_are_split() -> None:
    text = "short words then " + "x" * 80 + " and more"
    lines = layout(text, 120, STYLE, document_rtl=False)
    assert all(line.width <= 120 for line in lines)
    assert "".join("".join(run.text for run in line.runs) for line in lines).replace(" ", "") \
        == text.replace(" ", "")


def test_markup_and_line_breaks_are_plain_text() -> None:
    assert drawn('<b>x</b> & "y" <font color=red>z</font>', rtl=False) == [
        '<b>x</b> & "y" <font color=red>z</font>']
    assert drawn("one\r\ntwo\n\nthree\ttab\x07", rtl=False) == ["one", "two", "", "three tab"]


def test_each_character_is_drawn_in_a_font_that_has_its_glyph() -> None:
    faces = fonts()
    [line] = layout("التدريب PSEA 2026", WIDE, STYLE, document_rtl=True)
    fonts_by_text = {run.text.strip(): run.font for run in line.runs}
    assert fonts_by_text == {"PSEA 2026": faces.latin.name, seen("التدريب"): faces.arabic.name}
    [bold] = layout("التدريب", WIDE, TextStyle(bold=True), document_rtl=True)
    assert [run.font for run in bold.runs] == [faces.arabic_bold.name]


def test_a_line_limit_ends_with_an_ellipsis_at_the_reading_end() -> None:
    limited = TextStyle(max_lines=1)
    [english] = drawn("a long line of words " * 5, rtl=False, width=100, style=limited)
    assert english.endswith("…")
    [arabic] = drawn("سطر طويل من الكلمات " * 5, rtl=True, width=100, style=limited)
    assert arabic.startswith("…")
    assert arabic.endswith(seen("سطر"))


def test_isolated_user_text_cannot_reach_the_words_after_it() -> None:
    def shown(text: str) -> str:  # without the controls, which have no ink
        return "".join(char for char in "".join(drawn(text, rtl=False))
                       if unicodedata.category(char) != "Cf")

    override, pop, right_to_left = "\u202e", "\u2069", "\u2067"
    # Unisolated, the override turns the label after the name around too.
    assert shown(f"Ab{override}cd · label") == "Ablebal · dc"
    assert shown(f"{isolated(f'Ab{override}cd')} · label") == "Abdc · label"
    # A stray terminator in the text would end the isolate early; an open one would take
    # the isolate's own terminator: both are balanced first.
    assert isolated("a\u2069b") == "\u2068ab\u2069"
    assert isolated("a\u2067b") == "\u2068a\u2067b\u2069\u2069"
    assert shown(isolated(f"A{pop}{override}cd") + " · label") == "Adc · label"
    assert shown(isolated(f"A{right_to_left}{override}cd") + " · label").endswith(" · label")
