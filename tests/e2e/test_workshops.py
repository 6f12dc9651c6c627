"""A workshop in a real browser: the trainer's projector and room view, three phones answering,
one of them without JavaScript."""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import IN_CI

try:
    from playwright.sync_api import Page, expect
except ImportError as exc:  # the browser fixture gives the same choice for a missing browser
    if IN_CI:
        raise
    pytest.skip(f"playwright is not installed: {exc}", allow_module_level=True)

from .test_journey import register

pytestmark = pytest.mark.e2e

TITLE = 'Induction <b>Goma</b> & "Bunia"'  # typed by the trainer: shown as typed
MIN_ANSWERS = 3
SPLIT = "QPL1.1"  # the question the phones answer differently; every other one is yes
FOLLOWED = "QPR3.1"  # yes brings up QPR3.2 and QPR3.3 on the same step
POLL_MS = 20_000  # the room view asks every few seconds; a busy machine may take longer
DESKTOP = {"width": 1280, "height": 900}


def create_workshop(page: Page, base: str) -> tuple[int, str]:
    """Create a workshop on the quick check through the form; return its id and join code."""
    page.goto(f"{base}/workshops/new")
    page.get_by_label("Title of the workshop").fill(TITLE)
    page.get_by_label("Answers needed before anything about a question is shown").fill(
        str(MIN_ANSWERS))
    page.get_by_role("button", name="Create the workshop").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    match = re.fullmatch(re.escape(base) + r"/workshops/(\d+)", page.url)
    assert match, page.url
    code = page.locator("#join-code span[aria-hidden]").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{6}", code), code
    return int(match.group(1)), code


def join(page: Page, base: str, code: str, language: str) -> None:
    """Type the code as a participant might (small letters, a space), choose a language."""
    page.goto(f"{base}/join")
    page.locator("#code").fill(f"{code[:3]} {code[3:]}".lower())
    with page.expect_navigation():
        page.locator("main form button.primary").click()
    page.locator(f'input[name="language"][value="{language}"]').check()
    with page.expect_navigation():
        page.locator("main form button.primary").click()
    expect(page).to_have_url(re.compile(rf"/w/{code}/steps/"))
    expect(page.locator("html")).to_have_attribute("lang", language)


def answer_everything(page: Page, split_answer: str) -> list[str]:
    """Answer every step until the end, yes to all but the split question; return the
    addresses of the step pages shown (a step shown twice brought up follow-ups)."""
    shown = []
    for _ in range(12):
        if "/done" in page.url:
            return shown
        shown.append(page.url)
        for _ in range(4):  # with JavaScript, a yes shows follow-up questions at once
            unanswered = [group for group in page.locator("fieldset.q:visible").all()
                          if not group.locator("input:checked").count()]
            if not unanswered:
                break
            for group in unanswered:
                question = group.get_attribute("id").removeprefix("q-")
                answer = split_answer if question == SPLIT else "yes"
                group.locator(f'input[name="answer-{question}"][value="{answer}"]').check()
        with page.expect_navigation():
            page.locator('button[name="go"][value="next"]').click()
    pytest.fail(f"the steps did not end: {shown}")


def test_a_trainer_sees_the_room_fill_up_as_three_phones_answer(
        live_server: str, new_context: Any) -> None:
    base = live_server
    trainer = new_context(viewport=DESKTOP).new_page()
    register(trainer, base, "trainer@example.org", "Safe Futures")
    workshop, code = create_workshop(trainer, base)

    # The projector page: the code, the address to type and a QR code drawn on the server.
    expect(trainer.locator(".join-address")).to_contain_text(f"{base}/join")
    qr = trainer.locator("figure.qr svg")
    expect(qr).to_be_visible()
    assert qr.evaluate("svg => svg.querySelectorAll('path').length") > 0
    assert "<image" not in qr.evaluate("svg => svg.outerHTML")  # vectors, no picture fetched
    trainer.get_by_role("link", name="Show the room view").click()
    expect(trainer.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(trainer.locator("#joined")).to_have_text("0")
    trainer.evaluate("window.__samePage = true")  # gone if the page were loaded again

    english = new_context().new_page()
    join(english, base, code, "en")
    answer_everything(english, "yes")
    arabic = new_context(locale="ar").new_page()
    join(arabic, base, code, "ar")
    expect(arabic.locator("html")).to_have_attribute("dir", "rtl")
    answer_everything(arabic, "no")
    expect(arabic).to_have_url(re.compile(rf"/w/{code}/done$"))
    expect(arabic.locator("html")).to_have_attribute("dir", "rtl")

    # Two answers: the room view counts the phones but shows nothing of any question.
    trainer.bring_to_front()
    expect(trainer.locator("#finished")).to_have_text("2", timeout=POLL_MS)
    split = trainer.locator("#rq-" + SPLIT.replace(".", "\\."))
    expect(split.locator(".waiting")).to_be_visible()
    expect(split.locator(".shown")).to_be_hidden()
    room = trainer.request.get(f"{base}/workshops/{workshop}/room.json").json()
    assert room["finished"] == 2
    assert all(question == {"id": question["id"], "shown": False}
               for question in room["questions"])
    assert room["discuss"] == [] and room["score"] is None

    # The third phone has no JavaScript: plain form posts, the follow-ups on a second load.
    plain = new_context(java_script_enabled=False).new_page()
    join(plain, base, code, "fr")
    steps = answer_everything(plain, "partly")
    procedures = [url for url in steps if "/steps/procedures" in url]
    assert len(procedures) == 2 and "new=QPR3.2" in procedures[1], steps
    expect(plain).to_have_url(re.compile(rf"/w/{code}/done$"))

    # The third answer reaches the minimum: the room view shows it without being reloaded.
    trainer.bring_to_front()
    expect(split.locator(".shown")).to_be_visible(timeout=POLL_MS)
    expect(split.locator(".waiting")).to_be_hidden()
    for answer in ("yes", "no", "partly"):
        expect(split.locator(f'[data-count="{answer}"]')).to_have_text("1")
    expect(split.locator('[data-count="unknown"]')).to_have_text("0")
    expect(trainer.locator("#finished")).to_have_text("3")
    expect(trainer.locator("#discuss li")).to_have_count(1)
    expect(trainer.locator("#discuss")).to_contain_text(SPLIT)
    followed = trainer.locator("#rq-QPR3\\.2")
    expect(followed.locator('[data-count="yes"]')).to_have_text("3")
    assert trainer.evaluate("window.__samePage") is True


def test_the_room_view_says_when_its_figures_stop_updating(
        live_server: str, new_context: Any) -> None:
    """On a patchy connection the projected figures must not look current when they are not."""
    base = live_server
    trainer = new_context(viewport=DESKTOP).new_page()
    register(trainer, base, "trainer@example.org", "Safe Futures")
    workshop, _code = create_workshop(trainer, base)
    trainer.goto(f"{base}/workshops/{workshop}/room")
    lost = trainer.locator("#room-lost")
    expect(lost).to_be_hidden()
    trainer.route("**/room.json*", lambda route: route.abort("internetdisconnected"))
    expect(lost).to_be_visible(timeout=POLL_MS)
    expect(lost).to_contain_text("figures may be out of date")
    trainer.unroute("**/room.json*")
    expect(lost).to_be_hidden(timeout=POLL_MS)
