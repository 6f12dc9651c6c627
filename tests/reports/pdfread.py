"""Read a PDF back as it is drawn: each text line's position, its characters in visual order
(left to right, as painted) and its fonts. pypdf's own extraction reorders right-to-left
text, which would hide the very thing these tests check."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.generic import ContentStream

CMAP_ENTRY = re.compile(rb"<([0-9A-Fa-f]{2})> <([0-9A-Fa-f]+)>")


@dataclass(frozen=True)
class DrawnLine:
    page: int  # from 1
    x: float  # where the line starts, from the page's left edge
    y: float  # its baseline, from the page's bottom edge
    text: str  # in visual order, left to right
    fonts: frozenset[str]
    size: float = 0.0  # the font size of its first run


def read(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def drawn_lines(reader: PdfReader, page_number: int) -> list[DrawnLine]:
    """Return the text lines of a page (numbered from 1), top to bottom, as drawn."""
    page = reader.pages[page_number - 1]
    fonts = page["/Resources"]["/Font"]
    # Only the embedded fonts draw text; the base-14 Helvetica ReportLab lists draws none.
    embedded = {name: font.get_object() for name, font in fonts.items()
                if "/ToUnicode" in font.get_object()}
    maps = {name: _to_unicode(font) for name, font in embedded.items()}
    names = {name: str(font["/BaseFont"]) for name, font in embedded.items()}
    ctm = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    stack = []
    lines: list[tuple[float, float, list[str], set[str], list[float]]] = []
    font = None
    size = 0.0
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"q":
            stack.append(ctm)
        elif operator == b"Q":
            ctm = stack.pop()
        elif operator == b"cm":
            ctm = _multiply(tuple(float(v) for v in operands), ctm)
        elif operator == b"Tf":
            font, size = operands[0], float(operands[1])
        elif operator == b"Tm":
            x, y = float(operands[4]), float(operands[5])
            a, b, c, d, e, f = ctm
            lines.append((a * x + c * y + e, b * x + d * y + f, [], set(), []))
        elif operator == b"Tj":
            raw = operands[0]
            data = raw.get_original_bytes() if hasattr(raw, "get_original_bytes") else bytes(raw)
            lines[-1][2].extend(maps[font][byte] for byte in data)
            lines[-1][3].add(names[font])
            lines[-1][4].append(size)
    drawn = [DrawnLine(page_number, round(x, 1), round(y, 1), "".join(chars), frozenset(used),
                       sizes[0])
             for x, y, chars, used, sizes in lines if chars]
    return sorted(drawn, key=lambda line: (-line.y, line.x))


def all_lines(reader: PdfReader) -> list[DrawnLine]:
    """Return the text lines of every page, in reading order of the pages."""
    return [line for number in range(1, len(reader.pages) + 1)
            for line in drawn_lines(reader, number)]


def squares(reader: PdfReader, page_number: int, side: float) -> list[tuple[float, float]]:
    """Return the (x, y) of the rectangles of a given side drawn on a page, in page space."""
    page = reader.pages[page_number - 1]
    ctm = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    stack = []
    found = []
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"q":
            stack.append(ctm)
        elif operator == b"Q":
            ctm = stack.pop()
        elif operator == b"cm":
            ctm = _multiply(tuple(float(v) for v in operands), ctm)
        elif operator == b"re" and [float(v) for v in operands[2:]] == [side, side]:
            a, b, c, d, e, f = ctm
            x, y = float(operands[0]), float(operands[1])
            found.append((round(a * x + c * y + e, 1), round(b * x + d * y + f, 1)))
    return found


def images(reader: PdfReader, page_number: int) -> list[tuple[float, float, float, float]]:
    """Return the (x, y, width, height) of each image drawn on a page, in page space."""
    page = reader.pages[page_number - 1]
    ctm = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    stack = []
    found = []
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"q":
            stack.append(ctm)
        elif operator == b"Q":
            ctm = stack.pop()
        elif operator == b"cm":
            ctm = _multiply(tuple(float(v) for v in operands), ctm)
        elif operator == b"Do":
            a, b, c, d, e, f = ctm  # an image fills the unit square of the current matrix
            found.append((round(e, 1), round(f, 1), round(a, 1), round(d, 1)))
    return found


def headings(reader: PdfReader) -> list[tuple[str, int, float]]:
    """Return each outline entry (title, page from 1, top of its destination), in order."""
    found = []

    def walk(entries: list) -> None:
        for entry in entries:
            if isinstance(entry, list):
                walk(entry)
            else:
                found.append((entry.title, reader.get_destination_page_number(entry) + 1,
                              float(entry.top)))

    walk(reader.outline)
    return found


def headings_left_alone(reader: PdfReader, footer_top: float) -> list[tuple[str, int]]:
    """Return the (title, page) of each heading with no text after it on its page.

    A heading is the run of lines from its outline destination down drawn at its first
    line's size (a long heading wraps); the footer, below footer_top, does not count.
    """
    alone = []
    for title, page, top in headings(reader):
        below = [line for line in drawn_lines(reader, page) if footer_top < line.y < top]
        heading = 0
        while heading < len(below) and below[heading].size == below[0].size:
            heading += 1
        if heading == len(below):
            alone.append((title, page))
    return alone


def row_of(lines: list[DrawnLine], line: DrawnLine) -> list[DrawnLine]:
    """Return the lines drawn on the same baseline as a line (a table row), left to right."""
    return sorted((other for other in lines if other.page == line.page and other.y == line.y),
                  key=lambda other: other.x)


def _to_unicode(font) -> dict[int, str]:
    cmap = font["/ToUnicode"].get_object().get_data()
    return {int(code, 16): chr(int(value, 16)) for code, value in CMAP_ENTRY.findall(cmap)}


def _multiply(m, n):
    """Return m x n for PDF matrices [a b c d e f] (m applied first)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)
