"""The Babel extractors: every questionnaire version and the frameworks reach the catalogs."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from kcs_assess.config import DEFAULT_FRAMEWORKS_FILE, DEFAULT_QUESTIONNAIRE_DIR
from kcs_assess.domain.catalogue import load_catalogue
from kcs_assess.i18n import TRANSLATIONS_DIR
from kcs_assess.i18n_extract import extract_frameworks, extract_questionnaire

ROOT = TRANSLATIONS_DIR.parent
CATALOGUE = load_catalogue([DEFAULT_QUESTIONNAIRE_DIR], DEFAULT_FRAMEWORKS_FILE)


def extracted(folder: Path, method_map: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Return {(context, English text): file} for what the method map extracts from folder."""
    return {
        (context, message): file
        for file, _line, message, _comments, context in extract_from_dir(
            str(folder), method_map, keywords=DEFAULT_KEYWORDS)
    }


def babel_cfg() -> list[tuple[str, str]]:
    with (ROOT / "babel.cfg").open() as handle:
        method_map, _options = parse_mapping_cfg(handle)
    return method_map


def test_babel_cfg_extracts_every_shipped_questionnaire_version_and_the_frameworks():
    files = {Path(file).relative_to(ROOT).as_posix()
             for file in [*CATALOGUE.files.values(), DEFAULT_FRAMEWORKS_FILE]}
    questionnaire_map = [(pattern, method) for pattern, method in babel_cfg()
                         if method.startswith("kcs_")]
    found = set(extracted(ROOT, questionnaire_map).values())
    assert files <= found


def test_an_older_version_keeps_its_strings_beside_a_newer_one(tmp_path: Path):
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    old = (DEFAULT_QUESTIONNAIRE_DIR / "quick-check-2026.1.yaml").read_text()
    old_text = CATALOGUE.get("quick-check", "2026.1").questions_by_id["QPL1.1"].text
    new_text = "Is your safeguarding policy written down and approved?"
    (folder / "quick-check-2026.1.yaml").write_text(old)
    (folder / "quick-check-2026.2.yaml").write_text(
        old.replace('version: "2026.1"', 'version: "2026.2"').replace(old_text, new_text))
    messages = extracted(tmp_path, [("questionnaires/*.yaml", "kcs_questionnaire")])
    assert ("quick-check:QPL1.1:text", old_text) in messages
    assert ("quick-check:QPL1.1:text", new_text) in messages


def test_level_descriptions_are_extracted_with_their_own_context():
    text = b"""\
id: demo
levels:
  - {min: 0, key: low, title: Low, description: Little is in place.}
  - {min: 50, key: high, title: High}
"""
    messages = [(line, context, message) for line, _f, (context, message), _c
                in extract_questionnaire(io.BytesIO(text), None, None, {})]
    assert messages == [
        (3, "demo:level.low:title", "Low"),
        (3, "demo:level.low:description", "Little is in place."),
        (4, "demo:level.high:title", "High"),
    ]


def test_every_framework_and_item_title_is_extracted_once_with_a_context_of_its_own():
    with DEFAULT_FRAMEWORKS_FILE.open("rb") as handle:
        messages = list(extract_frameworks(handle, None, None, {}))
    contexts = [context for _line, _function, (context, _text), _comment in messages]
    expected = sum(1 + len(f.items) for f in CATALOGUE.frameworks.frameworks)
    assert len(contexts) == len(set(contexts)) == expected
    chs = CATALOGUE.frameworks.get("chs")
    assert ("framework/chs/5:title", chs.items_by_id["5"].title) in [
        (context, text) for _line, _function, (context, text), _comment in messages]
    lines = DEFAULT_FRAMEWORKS_FILE.read_text().splitlines()
    for line, _function, (_context, text), _comment in messages:
        assert text in lines[line - 1]
