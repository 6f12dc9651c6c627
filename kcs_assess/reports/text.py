"""Plain text for the PDF: shaping, right-to-left order, wrapping and glyph fallback, no markup."""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import accumulate, groupby

import arabic_reshaper
import icu
from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus.flowables import Flowable

from .fonts import Face, fonts

ELLIPSIS = "…"
LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")
SURROGATE = re.compile(r"[\ud800-\udfff]")
WORD = re.compile(r"[^ \u200b]+")
ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u0870-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
# Right-to-left letters (Hebrew to NKo, their presentation forms, historic scripts) and the
# controls that can turn text right to left: text without them needs no reordering.
RIGHT_TO_LEFT = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff\U00010800-\U00010fff"
                           r"\U0001e800-\U0001efff]")
BIDI_CONTROL = re.compile(r"[\u200f\u202b\u202e\u2067\u2068]")
TRAILING_CLASSES = frozenset({"WS", "FSI", "LRI", "RLI", "PDI", "BN", "LRE", "RLE", "LRO",
                              "RLO", "PDF"})


@dataclass(frozen=True)
class TextStyle:
    size: float = 10
    bold: bool = False
    colour: colors.Color = colors.black
    leading: float = 1.4  # line height as a multiple of the size
    align: str = "start"  # start | end | center, following the document's direction
    space_before: float = 0
    space_after: float = 0
    max_lines: int = 0  # 0: as many as needed; else the last one ends with an ellipsis


@dataclass(frozen=True)
class Run:
    """Characters in visual order drawn in one font."""

    font: str
    text: str
    width: float


@dataclass(frozen=True)
class Line:
    runs: tuple[Run, ...]  # left to right
    width: float
    rtl: bool  # the paragraph's base direction, which decides where an ellipsis goes


@dataclass(frozen=True)
class _Paragraph:
    """One paragraph in logical order, shaped and mirrored, with a font and width per character."""

    chars: str
    levels: tuple[int, ...] | None  # None: left to right throughout, nothing to reorder
    rtl: bool
    faces: tuple[Face, ...]
    offsets: tuple[float, ...]  # offsets[i]: width of chars[:i]


def paragraphs(text: str) -> list[str]:
    """Split text into paragraphs, dropping control characters that have no visible form."""
    text = SURROGATE.sub("\ufffd", text.replace("\t", " "))
    return LINE_BREAK.split(CONTROL.sub("", text))


ISOLATE_INITIATORS = frozenset("\u2066\u2067\u2068")  # LRI, RLI, FSI
FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"


def isolated(text: str) -> str:
    """Return user text as a first-strong isolate, to set inside other text.

    Inside, the text takes the direction of its first letter (an English note keeps its full
    stop at its end in an Arabic sentence); outside, nothing it holds (a right-to-left
    override, say) reaches the words around it. The text's own isolates are balanced first:
    a stray terminator would end ours early, an open initiator would take our terminator.
    """
    depth = 0
    kept = []
    for char in text:
        if char in ISOLATE_INITIATORS:
            depth += 1
        elif char == POP_DIRECTIONAL_ISOLATE:
            if not depth:
                continue
            depth -= 1
        kept.append(char)
    return FIRST_STRONG_ISOLATE + "".join(kept) + POP_DIRECTIONAL_ISOLATE * (depth + 1)


def one_line(text: str) -> str:
    """Return text cleaned as paragraphs() does and joined on one line (for PDF metadata)."""
    return " ".join(paragraphs(text))


def is_right_to_left(paragraph: str, document_rtl: bool) -> bool:
    """Return the paragraph's base direction: the document's, unless it has no letter of it.

    So English left untranslated in an Arabic report keeps its punctuation where English
    puts it, and an Arabic name in an English report reads right to left.
    """
    has_rtl = RIGHT_TO_LEFT.search(paragraph) is not None
    if document_rtl:
        return has_rtl or not _has_left_to_right_letter(paragraph)
    return not _has_left_to_right_letter(paragraph) and has_rtl


def layout(text: str, width: float, style: TextStyle, document_rtl: bool) -> list[Line]:
    """Wrap text into lines no wider than width (except a lone glyph wider than it)."""
    lines: list[Line] = []
    if not text:
        return lines
    for paragraph in paragraphs(text):
        prepared = _prepare(paragraph, style.size, style.bold, document_rtl)
        spans = _wrap(prepared, width)
        for start, end in spans:
            if style.max_lines and len(lines) == style.max_lines:
                lines[-1] = _truncated(lines[-1], width, style)
                return lines
            lines.append(_line(prepared, start, end))
    return lines


def text_width(text: str, style: TextStyle, document_rtl: bool) -> float:
    """Return the width text needs so that none of its paragraphs wraps."""
    lines = layout(text, math.inf, replace(style, max_lines=0), document_rtl)
    return max((line.width for line in lines), default=0.0) + 0.01  # against rounding


class TextBlock(Flowable):
    """A block of plain text, drawn exactly as given: `<`, `&` and quotes are just characters."""

    def __init__(self, text: str, style: TextStyle = TextStyle(), *, rtl: bool = False,
                 keep_with_next: bool = False, outline_level: int | None = None):
        super().__init__()
        self.text = text
        self.style = style
        self.rtl = rtl
        # Read by document.keep_headings_with_next, not ReportLab's keepWithNext (see there).
        self.keep_with_next = keep_with_next
        self.spaceBefore = style.space_before
        self.spaceAfter = style.space_after
        self.outline_level = outline_level
        self._lines: list[Line] | None = None
        self._laid_out_for: float | None = None

    @property
    def line_height(self) -> float:
        return self.style.size * self.style.leading

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        if self._lines is None or self._laid_out_for != availWidth:
            self._lines = layout(self.text, availWidth, self.style, self.rtl)
            self._laid_out_for = availWidth
        self.width = availWidth
        self.height = len(self._lines) * self.line_height
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        self.wrap(availWidth, availHeight)
        assert self._lines is not None
        fit = int(availHeight // self.line_height)
        if fit <= 0 or fit >= len(self._lines):
            return []
        return [self._part(self._lines[:fit]), self._part(self._lines[fit:], continued=True)]

    def draw(self) -> None:
        assert self._lines is not None
        canvas = self.canv
        if self.outline_level is not None:
            key = f"outline-{id(self)}"
            canvas.bookmarkHorizontal(key, 0, self.height)
            canvas.addOutlineEntry(one_line(self.text), key, level=self.outline_level)
        size = self.style.size
        text = canvas.beginText()
        text.setFillColor(self.style.colour)
        # Centre the line's visual middle (about 0.3 em above the baseline) in its line box.
        baseline = self.height - self.line_height / 2 - 0.3 * size
        for line in self._lines:
            text.setTextOrigin(self._x(line), baseline)
            for run in line.runs:
                text.setFont(run.font, size)
                text.textOut(run.text)
            baseline -= self.line_height
        canvas.drawText(text)

    def _x(self, line: Line) -> float:
        align = self.style.align
        if align == "center":
            return (self.width - line.width) / 2
        at_right = (align == "end") != self.rtl
        return self.width - line.width if at_right else 0.0

    def _part(self, lines: list[Line], continued: bool = False) -> TextBlock:
        """Return the first or the continued part of a split block (a new flowable, so it
        carries none of the layout engine's marks, such as having been postponed once)."""
        part = TextBlock(self.text, self.style, rtl=self.rtl,
                         keep_with_next=continued and self.keep_with_next,
                         outline_level=None if continued else self.outline_level)
        part._lines = lines
        part._laid_out_for = self._laid_out_for
        if continued:
            part.spaceBefore = 0
        else:
            part.spaceAfter = 0
        return part


def _has_left_to_right_letter(paragraph: str) -> bool:
    return any(unicodedata.bidirectional(char) == "L" for char in paragraph)


# Questionnaire and interface text recurs in every report (and within one: the footer, the
# question lines), and shaping and bidi resolution are most of the cost of Arabic text.
@lru_cache(maxsize=1024)
def _prepare(paragraph: str, size: float, bold: bool, document_rtl: bool) -> _Paragraph:
    latin, arabic = fonts().pick(bold)
    if not paragraph.isascii():
        # A format control neither font draws (a rare joiner, say) has no width to show.
        paragraph = "".join(
            char for char in paragraph
            if latin.has(char) or arabic.has(char) or unicodedata.category(char) != "Cf"
        )
    rtl = is_right_to_left(paragraph, document_rtl)
    levels = None
    if rtl or RIGHT_TO_LEFT.search(paragraph) or BIDI_CONTROL.search(paragraph):
        if ARABIC_SCRIPT.search(paragraph):
            paragraph = arabic_reshaper.reshape(paragraph)
        levels = embedding_levels(paragraph, rtl)
        paragraph = "".join(
            mirrored(char) if level % 2 else char
            for char, level in zip(paragraph, levels, strict=True)
        )
    faces = _faces(paragraph, latin, arabic)
    widths = (_char_width(face.name, char) * size
              for face, char in zip(faces, paragraph, strict=True))
    return _Paragraph(paragraph, levels, rtl, tuple(faces),
                      tuple(accumulate(widths, initial=0.0)))


def embedding_levels(text: str, rtl: bool) -> tuple[int, ...]:
    """Return the resolved bidi embedding level of each character of one paragraph.

    ICU's ubidi resolves them (UAX #9 with isolates and paired brackets; getLevels is its
    public API). Resolving the whole paragraph, then reordering each line (rules L1-L4), is
    what UAX #9 prescribes.
    """
    bidi = icu.Bidi()
    bidi.setPara(icu.UnicodeString(text), 1 if rtl else 0)
    per_unit = bidi.getLevels()  # one per UTF-16 code unit
    if len(per_unit) == len(text):
        return tuple(per_unit)
    levels = []
    offset = 0
    for char in text:
        levels.append(per_unit[offset])
        offset += 2 if ord(char) > 0xFFFF else 1
    return tuple(levels)


@lru_cache(maxsize=256)
def mirrored(char: str) -> str:
    """Return the mirror image of a character drawn right to left ("(" for ")"), or itself."""
    return icu.Char.charMirror(char)


def visual_order(levels: Sequence[int], chars: str, rtl: bool) -> list[int]:
    """Return the logical indices of one line's characters in visual (left to right) order."""
    levels = list(levels)
    base = 1 if rtl else 0
    end = len(levels)
    # L1: whitespace and isolate controls ending the line take the paragraph's level.
    while end and unicodedata.bidirectional(chars[end - 1]) in TRAILING_CLASSES:
        end -= 1
        levels[end] = base
    order = list(range(len(levels)))
    odd = [level for level in levels if level % 2]
    if not odd:
        return order
    # L2: from the highest level down to the lowest odd one, reverse every run at or above it.
    for level in range(max(levels), min(odd) - 1, -1):
        i = 0
        while i < len(levels):
            if levels[i] < level:
                i += 1
                continue
            j = i
            while j < len(levels) and levels[j] >= level:
                j += 1
            order[i:j] = order[i:j][::-1]
            levels[i:j] = levels[i:j][::-1]
            i = j
    return order


def _faces(text: str, latin: Face, arabic: Face) -> list[Face]:
    """Choose a font per character: Arabic script in the Arabic face, letters in Noto Sans.

    Spaces, digits and punctuation stay in the face of the run they are in, so an Arabic
    sentence is not cut into a run per word.
    """
    if latin.has_all(text):
        return [latin] * len(text)
    choices = _choices.setdefault((latin.name, arabic.name), {})
    faces = []
    current = latin
    for char in text:
        choice = choices.get(char)
        if choice is None:
            choice = choices[char] = _choice(char, latin, arabic)
        if choice is not _NEUTRAL:
            current = choice
        elif not current.has(char):
            current = latin if latin.has(char) else arabic
        faces.append(current)
    return faces


_NEUTRAL = Face("", frozenset())  # a character drawn in the face of the run it is in
_choices: dict[tuple[str, str], dict[str, Face]] = {}


def _choice(char: str, latin: Face, arabic: Face) -> Face:
    if ARABIC_SCRIPT.match(char):
        return arabic if arabic.has(char) else latin
    if not char.isalpha() and latin.has(char) and arabic.has(char):
        return _NEUTRAL
    return latin if latin.has(char) or not arabic.has(char) else arabic


_widths: dict[tuple[str, str], float] = {}


def _char_width(font: str, char: str) -> float:
    """Return a character's advance in a font at size 1, cached."""
    key = (font, char)
    width = _widths.get(key)
    if width is None:
        width = _widths[key] = pdfmetrics.stringWidth(char, font, 1000) / 1000
    return width


def _wrap(paragraph: _Paragraph, width: float) -> list[tuple[int, int]]:
    """Break a paragraph into lines at spaces, in logical order; split words wider than a line."""
    offsets = paragraph.offsets
    lines: list[tuple[int, int]] = []
    start = end = 0  # the current line; a paragraph's first line keeps its leading spaces
    for word in WORD.finditer(paragraph.chars):
        word_start, word_end = word.span()
        if offsets[word_end] - offsets[start] <= width:
            end = word_end
            continue
        if end > start:
            lines.append((start, end))
            start = word_start
        while offsets[word_end] - offsets[start] > width:
            cut = bisect_right(offsets, offsets[start] + width) - 1
            cut = max(cut, start + 1)
            lines.append((start, cut))
            start = cut
        end = word_end
    lines.append((start, end))
    return lines


def _line(paragraph: _Paragraph, start: int, end: int) -> Line:
    chars, faces, offsets = paragraph.chars, paragraph.faces, paragraph.offsets
    if paragraph.levels is None:
        order: range | list[int] = range(start, end)
    else:
        order = [start + i for i in visual_order(paragraph.levels[start:end],
                                                 chars[start:end], paragraph.rtl)]
    runs = []
    for face, group in groupby(order, key=faces.__getitem__):
        indices = list(group)
        width = sum(offsets[i + 1] - offsets[i] for i in indices)
        runs.append(Run(face.name, "".join(chars[i] for i in indices), width))
    return Line(tuple(runs), offsets[end] - offsets[start], paragraph.rtl)


def _truncated(line: Line, width: float, style: TextStyle) -> Line:
    """Return the line cut to leave room for an ellipsis at its end (the left, right to left)."""
    rtl = line.rtl
    latin = fonts().pick(style.bold)[0]
    ellipsis = Run(latin.name, ELLIPSIS, _char_width(latin.name, ELLIPSIS) * style.size)
    runs = list(line.runs)
    if rtl:
        runs.reverse()  # trim from the logical end, which is at the left
    kept: list[Run] = []
    used = ellipsis.width
    for run in runs:
        if used + run.width <= width:
            kept.append(run)
            used += run.width
            continue
        text = run.text[::-1] if rtl else run.text
        while text and used + pdfmetrics.stringWidth(text, run.font, style.size) > width:
            text = text[:-1]
        if text:
            text = text[::-1] if rtl else text
            part = Run(run.font, text, pdfmetrics.stringWidth(text, run.font, style.size))
            kept.append(part)
            used += part.width
        break
    kept.append(ellipsis)
    if rtl:
        kept.reverse()
    return Line(tuple(kept), sum(run.width for run in kept), rtl)
