"""An adviser in a real browser: granted access, the portfolio, a comparison, then revoked."""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import IN_CI, PASSWORD

try:
    from playwright.sync_api import Page, expect
except ImportError as exc:  # the browser fixture gives the same choice for a missing browser
    if IN_CI:
        raise
    pytest.skip(f"playwright is not installed: {exc}", allow_module_level=True)

from .pages import answer_all, post_form
from .test_journey import register, start_assessment

pytestmark = pytest.mark.e2e


def submit_round(page: Page, base: str) -> int:
    page.goto(f"{base}/")
    assessment = start_assessment(page, base)
    answer_all(page, assessment)
    post_form(page, f"/assessments/{assessment}/check", {"confirm": "y"})
    return assessment


def test_an_adviser_is_granted_access_compares_two_rounds_and_loses_access(
        live_server: str, new_context: Any) -> None:
    base = live_server
    admin = new_context(viewport={"width": 1280, "height": 900}).new_page()
    register(admin, base, "focal.point@example.org", "Safe Futures")
    first = submit_round(admin, base)
    second = submit_round(admin, base)

    admin.goto(f"{base}/")
    admin.locator("a.org-link").click()
    admin.get_by_label("The adviser's email address").fill("grace@example.org")
    admin.get_by_label("Results and plan", exact=True).check()
    admin.get_by_label("For how many months").fill("6")
    admin.get_by_role("button", name="Invite the adviser").click()
    link = admin.get_by_label("Invitation link (works once, for seven days)").input_value()

    adviser = new_context().new_page()
    adviser.goto(link)
    expect(adviser.locator("main")).to_contain_text("for 6 months")
    adviser.get_by_label("Your name").fill("Grace Adviser")
    adviser.get_by_label("New password", exact=True).fill(PASSWORD)
    adviser.get_by_label("New password again").fill(PASSWORD)
    adviser.get_by_role("button", name="Create my account and accept").click()
    expect(adviser).to_have_url(f"{base}/portfolio")
    row = adviser.locator("#portfolio tbody tr", has_text="Safe Futures")
    expect(row).to_have_count(1)
    row.get_by_role("link", name="Safe Futures").click()
    expect(adviser).to_have_url(f"{base}/assessments/{second}/results")
    adviser.get_by_role("link", name="Compare with another round").click()
    adviser.locator("#others a").first.click()
    expect(adviser.get_by_role("heading", level=1)).to_have_text("Comparison of two rounds")
    expect(adviser.locator("#scores")).to_contain_text("Overall")
    expect(adviser.locator("main")).to_contain_text("not answers")  # results-only access
    assert re.search(rf"/assessments/{second}/compare\?with={first}$", adviser.url)
    compared = adviser.url

    admin.goto(f"{base}/")
    admin.locator("a.org-link").click()
    grants = admin.locator("#grants")
    expect(grants).to_contain_text("Grace Adviser")
    grants.get_by_role("button", name="Revoke").click()
    expect(admin.locator(".flash.success")).to_contain_text("revoked")

    response = adviser.goto(compared)
    assert response is not None and response.status == 404
    adviser.goto(f"{base}/portfolio")
    expect(adviser.locator("#portfolio")).to_have_count(0)

    admin.goto(f"{base}/")
    admin.locator("a.org-link").click()
    admin.get_by_role("link", name="Audit log: who did what and when").click()
    expect(admin.locator("#audit")).to_contain_text("As an adviser, opened a comparison")
