"""The PDF fonts: static Regular and Bold instances of the pip-installed Noto variable fonts."""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import fontpkg_noto_sans
import fontpkg_noto_sans_arabic
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

# Bump when the way instances are made changes, so every cache rebuilds them.
RECIPE = 2
WEIGHTS = {"Regular": 400, "Bold": 700}
# ReportLab neither shapes nor kerns, so the layout tables are dead weight; dropping them
# before instancing also cuts the one-off cost from about 25 s to about 3 s.
UNUSED_TABLES = ("GSUB", "GPOS", "GDEF", "STAT")
# Default-ignorable code points (Unicode's DerivedCoreProperties). Noto draws visible marks
# for some (RLM, LRE, CGJ...) that shaping engines hide; ReportLab does not shape, so the
# instances get empty, zero-width glyphs for them: typed marks stay in the text, unseen.
DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160),
    (0x17B4, 0x17B5), (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
)


@dataclass(frozen=True)
class Source:
    family: str
    postscript: str
    path: Path


LATIN = Source("Noto Sans", "NotoSans",
               fontpkg_noto_sans.ROOT / "files" / "NotoSans[wdth,wght].ttf")
ARABIC = Source("Noto Sans Arabic", "NotoSansArabic",
                fontpkg_noto_sans_arabic.ROOT / "files" / "NotoSansArabic[wdth,wght].ttf")


@dataclass(frozen=True)
class Face:
    """One registered font: its ReportLab name and the characters it has a glyph for."""

    name: str
    chars: frozenset[str]

    def has(self, char: str) -> bool:
        return char in self.chars

    def has_all(self, text: str) -> bool:
        return self.chars.issuperset(text)


@dataclass(frozen=True)
class FontSet:
    latin: Face
    latin_bold: Face
    arabic: Face
    arabic_bold: Face

    def pick(self, bold: bool) -> tuple[Face, Face]:
        """Return the (latin, arabic) faces of one weight."""
        return (self.latin_bold, self.arabic_bold) if bold else (self.latin, self.arabic)


def cache_dir() -> Path | None:
    """Return the folder of generated fonts, if any: $KCS_FONT_CACHE_DIR (set empty: none,
    the fonts are made in memory by each process), else $XDG_CACHE_HOME or ~/.cache."""
    configured = os.environ.get("KCS_FONT_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME")
    try:
        root = Path(base) if base else Path.home() / ".cache"
    except RuntimeError:  # no home folder (a service account without one)
        return None
    return root / "kcs-assess" / "fonts"


def make_instance(source: Path, weight: int, family: str, postscript: str, style: str) -> bytes:
    """Return a static TrueType instance of a variable font at a weight, named as its own face."""
    # Imported here: fontTools is only needed the first time, and costs 0.1 s to import.
    from fontTools.ttLib import TTFont as FontToolsFont
    from fontTools.varLib import instancer

    with FontToolsFont(source) as font:
        for tag in UNUSED_TABLES:
            if tag in font:
                del font[tag]
        instance = instancer.instantiateVariableFont(font, {"wght": weight, "wdth": 100},
                                                     inplace=True)
        names = instance["name"]
        for name_id in (16, 17, 21, 22, 25):
            names.removeNames(nameID=name_id)
        # Viewers and the tests tell Regular from Bold by these names (the PDF's /BaseFont).
        names.setName(family, 1, 3, 1, 0x409)
        names.setName(style, 2, 3, 1, 0x409)
        names.setName(f"{family} {style}", 4, 3, 1, 0x409)
        names.setName(f"{postscript}-{style}", 6, 3, 1, 0x409)
        _blank_ignorables(instance)
        output = io.BytesIO()
        instance.save(output)
    return output.getvalue()


def _blank_ignorables(font) -> None:  # a fontTools TTFont
    from fontTools.ttLib.tables._g_l_y_f import Glyph

    ignorable: set[str] = set()
    visible: set[str] = set()
    for code, glyph in font.getBestCmap().items():
        hidden = any(low <= code <= high for low, high in DEFAULT_IGNORABLE)
        (ignorable if hidden else visible).add(glyph)
    for glyph in ignorable - visible:
        font["glyf"][glyph] = Glyph()
        font["hmtx"][glyph] = (0, 0)


def static_font(source: Source, style: str) -> Path | io.BytesIO:
    """Return the cached static instance, making it on first use.

    The cache is keyed by the source's sha256 and written atomically (a temporary file
    renamed into place), so processes racing to make it all end with a whole file. Where no
    cache can be written the instance lives in memory for this process only.
    """
    digest = hashlib.sha256(source.path.read_bytes()).hexdigest()[:20]
    folder = cache_dir()
    target = folder / f"{source.postscript}-{style}-{digest}-r{RECIPE}.ttf" if folder else None
    if target and target.is_file():
        return target
    data = make_instance(source.path, WEIGHTS[style], source.family, source.postscript, style)
    if target is None:
        return io.BytesIO(data)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=target.stem,
                                             suffix=".tmp")
    except OSError:
        return io.BytesIO(data)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, target)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        return io.BytesIO(data)
    return target


_lock = threading.Lock()
_fonts: FontSet | None = None


def fonts() -> FontSet:
    """Register the four faces with ReportLab once per process and return them."""
    global _fonts
    with _lock:
        if _fonts is None:
            _fonts = FontSet(*(
                _register(source, style)
                for source in (LATIN, ARABIC) for style in WEIGHTS
            ))
        return _fonts


def _register(source: Source, style: str) -> Face:
    name = f"kcs-{source.postscript}-{style}"
    font = TTFont(name, static_font(source, style))
    pdfmetrics.registerFont(font)
    return Face(name, frozenset(map(chr, font.face.charToGlyph)))
