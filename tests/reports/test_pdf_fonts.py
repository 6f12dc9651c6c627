"""Fonts: static instances made offline from the installed packages, once, and registered once."""

from __future__ import annotations

import io
import socket
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from reportlab.pdfbase import pdfmetrics

from kcs_assess.reports import fonts as fonts_module
from kcs_assess.reports.fonts import ARABIC, LATIN, fonts, static_font


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the fonts must not need the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("KCS_FONT_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "kcs-assess" / "fonts"


def test_an_operator_chooses_the_font_cache_folder(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    monkeypatch.setenv("KCS_FONT_CACHE_DIR", str(tmp_path / "fonts-here"))
    monkeypatch.setattr(fonts_module, "make_instance", lambda *args: b"instance")
    made = static_font(ARABIC, "Regular")
    assert isinstance(made, Path) and made.parent == tmp_path / "fonts-here"
    assert not (tmp_path / "home-cache").exists()
    monkeypatch.setenv("KCS_FONT_CACHE_DIR", "")  # set empty: no folder, made in memory
    assert isinstance(static_font(LATIN, "Regular"), io.BytesIO)


def test_a_bold_instance_is_made_offline_and_kept_in_the_user_cache(
        offline: None, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = static_font(ARABIC, "Bold")
    assert isinstance(path, Path) and path.parent == cache
    assert [p.name for p in cache.iterdir()] == [path.name]  # no temporary file left behind
    with TTFont(path) as font:
        assert "fvar" not in font  # static, not variable
        assert font["OS/2"].usWeightClass == 700
        assert font["name"].getDebugName(6) == "NotoSansArabic-Bold"

    def remake(*args: object) -> bytes:
        raise AssertionError("the cached instance must be reused")

    monkeypatch.setattr(fonts_module, "make_instance", remake)
    assert static_font(ARABIC, "Bold") == path


def test_the_cache_is_keyed_by_the_source_font(cache: Path, monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    monkeypatch.setattr(fonts_module, "make_instance", lambda *args: b"instance")
    first = static_font(ARABIC, "Regular")
    changed = tmp_path / "changed.ttf"
    changed.write_bytes(ARABIC.path.read_bytes() + b"\0")
    second = static_font(fonts_module.Source("Noto Sans Arabic", "NotoSansArabic", changed),
                         "Regular")
    assert isinstance(first, Path) and isinstance(second, Path) and first != second


def test_without_a_writable_cache_the_instance_lives_in_memory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.delenv("KCS_FONT_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    monkeypatch.setattr(fonts_module, "make_instance", lambda *args: b"instance")
    made = static_font(ARABIC, "Regular")
    assert isinstance(made, io.BytesIO) and made.getvalue() == b"instance"


def test_fonts_are_registered_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    registered = fonts()

    def register_again(font: object) -> None:
        raise AssertionError("registered twice")

    monkeypatch.setattr(pdfmetrics, "registerFont", register_again)
    assert fonts() is registered


def test_bold_is_a_real_bold_face() -> None:
    faces = fonts()
    assert (pdfmetrics.stringWidth("Improvement plan", faces.latin_bold.name, 10)
            > pdfmetrics.stringWidth("Improvement plan", faces.latin.name, 10))
    assert pdfmetrics.getFont(faces.latin_bold.name).face.name == b"NotoSans-Bold"


def test_invisible_marks_are_drawn_as_nothing() -> None:
    # Noto has visible glyphs for marks such as RLM that shaping engines hide.
    with TTFont(static_font(LATIN, "Regular")) as font:
        glyphs = font.getBestCmap()
        for mark in ("\u200e", "\u200f", "\u202b", "\u2060"):
            assert font["glyf"][glyphs[ord(mark)]].numberOfContours == 0
            assert font["hmtx"][glyphs[ord(mark)]][0] == 0
    assert pdfmetrics.stringWidth("\u200f\u200e", fonts().arabic.name, 10) == 0
