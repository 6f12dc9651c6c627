"""Checks over every type of page (tests/e2e/pages.py): axe-core, and no sideways scrolling."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import IN_CI

try:
    import playwright  # noqa: F401
    from axe_playwright_python.sync_playwright import Axe
except ImportError as exc:  # the browser fixture gives the same choice for a missing browser
    if IN_CI:
        raise
    pytest.skip(f"playwright or axe-playwright-python is not installed: {exc}",
                allow_module_level=True)

from .pages import LANGUAGES, PAGE_TYPES, PageType, Site, Tabs

pytestmark = pytest.mark.e2e
AXE = Axe()  # axe-core comes inside the package: nothing is fetched
NARROWEST = {"width": 320, "height": 640}


@pytest.fixture(scope="module")
def tabs(browser: Any, site: Site) -> Iterator[Tabs]:
    tabs = Tabs(browser, site)
    yield tabs
    tabs.close()


def by_name(page_type: PageType) -> str:
    return page_type.name.replace(" ", "-").replace(",", "")


@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=by_name)
@pytest.mark.parametrize("language", ["en", "ar"])
def test_axe_finds_no_violation(tabs: Tabs, page_type: PageType, language: str) -> None:
    page = tabs.open(page_type, language)
    results = AXE.run(page)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=by_name)
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_scrolls_sideways_at_320_px(tabs: Tabs, page_type: PageType,
                                            language: str) -> None:
    page = tabs.open(page_type, language, NARROWEST)
    widths = page.evaluate("""() => [document.documentElement.scrollWidth,
                                     document.documentElement.clientWidth]""")
    assert widths[0] <= widths[1], f"{page_type.name} is {widths[0]} px wide"
