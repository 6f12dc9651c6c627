"""A team in a real browser: an admin invites colleagues, one answers, a viewer only reads."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import IN_CI, PASSWORD

try:
    from playwright.sync_api import Page, expect
except ImportError as exc:  # the browser fixture gives the same choice for a missing browser
    if IN_CI:
        raise
    pytest.skip(f"playwright is not installed: {exc}", allow_module_level=True)

from .test_journey import LABEL, register, start_assessment

pytestmark = pytest.mark.e2e


def invite(page: Page, base: str, email: str, role: str) -> str:
    """Invite a colleague from the organisation page; return the link shown to copy."""
    page.goto(f"{base}/")
    page.locator("a.org-link").click()
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label(role, exact=True).check()
    page.get_by_role("button", name="Create the invitation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitation created")
    link = page.get_by_label("Invitation link (works once, for seven days)").input_value()
    assert link.startswith(f"{base}/invitations/")
    return link


def accept(page: Page, link: str, name: str) -> None:
    page.goto(link)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("New password again").fill(PASSWORD)
    page.get_by_role("button", name="Create my account and join").click()
    expect(page.locator(".flash.success")).to_contain_text("You are now a member of Safe Futures")


def test_an_admin_invites_an_editor_who_answers_and_a_viewer_who_only_reads(
        live_server: str, new_context: Any) -> None:
    base = live_server
    admin = new_context(viewport={"width": 1280, "height": 900}).new_page()
    register(admin, base, "focal.point@example.org", "Safe Futures")
    assessment = start_assessment(admin, base)
    editor_link = invite(admin, base, "fatima@example.org", "Editor")
    viewer_link = invite(admin, base, "ousmane@example.org", "Viewer")

    editor = new_context().new_page()
    accept(editor, editor_link, "Fatima Ndiaye")
    editor.get_by_role("link", name=LABEL).click()
    editor.locator("ol.tasks a").first.click()
    first = editor.locator("fieldset.q:visible").first
    question = first.get_attribute("id").removeprefix("q-")
    first.locator('input[value="partly"]').check()
    first.locator("textarea").fill("Draft seen by the board in May.")
    editor.get_by_role("button", name="Save and come back later").click()
    expect(editor.locator(".flash.success")).to_contain_text("Your answers are saved")

    viewer_context = new_context()
    viewer = viewer_context.new_page()
    accept(viewer, viewer_link, "Ousmane Sy")
    expect(viewer.get_by_role("link", name="Start a new assessment")).to_have_count(0)
    viewer.get_by_role("link", name=LABEL).click()
    expect(viewer.get_by_role("link", name="Check your answers and submit")).to_have_count(0)
    viewer.get_by_role("link", name="Read the answers").click()
    expect(viewer.get_by_text("Draft seen by the board in May.")).to_be_visible()
    expect(viewer.get_by_role("button", name="Submit the assessment")).to_have_count(0)
    viewer.goto(f"{base}/assessments/{assessment}/steps/policy")
    expect(viewer.get_by_role("button", name="Save and continue")).to_have_count(0)
    # A forged save from the viewer's own signed-in browser is refused on the server.
    token = viewer.locator('input[name="csrf_token"]').first.input_value()
    response = viewer_context.request.post(
        f"{base}/assessments/{assessment}/steps/policy",
        form={"csrf_token": token, f"answer-{question}": "no", "go": "later"},
        headers={"Referer": f"{base}/"})
    assert response.status == 403

    admin.goto(f"{base}/assessments/{assessment}/check")
    expect(admin.get_by_text("Draft seen by the board in May.")).to_be_visible()
    admin.goto(f"{base}/")
    admin.locator("a.org-link").click()
    members = admin.locator("#member-list")
    expect(members).to_contain_text("Fatima Ndiaye")
    expect(members).to_contain_text("Ousmane Sy")
