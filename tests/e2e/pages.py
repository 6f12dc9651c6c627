"""Every type of page the site serves, for the checks run over all of them (axe, overflow).

To add a page type, add a PageType to PAGE_TYPES: its path may name any field of Site in
braces. When it needs data that is not there yet (an adviser's grant, a workshop), make it in
build_site, through the same helpers a test would use, and keep it on a new field of Site.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from playwright.sync_api import Page, Response, expect

from .conftest import PHONE, TIMEOUT_MS
from .test_journey import QUESTIONNAIRE, register, start_assessment, wanted

LANGUAGES = ("en", "fr", "ar")
# Long words and a long web address must wrap rather than widen a page.
ORGANISATION = "Kinderschutzorganisationsnetzwerk International"
LONG_NOTE = ("Policy at https://example.org/safeguarding/policies/2026/"
             "child-safeguarding-policy-approved-by-the-board-final-version.pdf")
ARABIC_NOTE = "راجعنا السياسة مع الإدارة في 2026."
WORKSHOP = "Formation <b>Goma</b> & Bunia, Kinderschutzorganisationsnetzwerk"


@dataclass(frozen=True)
class Site:
    base: str
    member: dict[str, Any]  # the browser storage of a signed-in member of ORGANISATION
    draft: int  # a draft with notes, and follow-up questions shown on "procedures"
    submitted: int  # a submitted assessment with gaps, things to find out and a note
    organisation: int  # ORGANISATION's id; the member is its admin
    action: int  # an action of the submitted assessment's plan
    invitation: str  # the path of a pending invitation to ORGANISATION
    workshop: int  # a workshop the member runs, split into groups, min_answers 3
    code: str  # its join code
    # The browser storage of one participant per language who answered its first step, so
    # the room shows distributions; a participant's pages are in the language they chose.
    participants: dict[str, dict[str, Any]]


def send_empty(page: Page) -> None:
    """Send the page's main form as it is, to see it with its errors."""
    page.locator("main form").last.locator("button.primary").click()
    page.wait_for_load_state()


@dataclass(frozen=True)
class PageType:
    name: str
    path: str  # e.g. "/assessments/{draft}": braces name fields of Site
    visitor: bool = False  # seen signed out; else as the member
    participant: bool = False  # seen by the workshop's participant of the page's language
    status: int = 200
    then: Callable[[Page], None] | None = None  # what the user does before the checks


PAGE_TYPES = (
    PageType("sign in", "/sign-in", visitor=True),
    PageType("sign in, failed", "/sign-in", visitor=True, then=send_empty),
    PageType("register", "/register", visitor=True),
    PageType("register, with errors", "/register", visitor=True, then=send_empty),
    PageType("assessments", "/"),
    PageType("new assessment", "/assessments/new"),
    PageType("overview", "/assessments/{draft}"),
    PageType("step", "/assessments/{draft}/steps/procedures"),
    PageType("check", "/assessments/{draft}/check"),
    PageType("results", "/assessments/{submitted}/results"),
    PageType("provisional results", "/assessments/{draft}/results"),
    PageType("not found", "/assessments/{draft}/steps/nowhere", status=404),
    PageType("check your email", "/register/check-email", visitor=True),
    PageType("forgot password", "/password/forgot", visitor=True),
    PageType("forgot password, with errors", "/password/forgot", visitor=True,
             then=send_empty),
    PageType("invitation", "{invitation}", visitor=True),
    PageType("account", "/account"),
    PageType("organisation", "/organisations/{organisation}"),
    PageType("audit log", "/organisations/{organisation}/audit"),
    PageType("new organisation", "/organisations/new"),
    PageType("next round", "/assessments/{submitted}/next-round"),
    PageType("comparison", "/assessments/{submitted}/compare?with={draft}"),
    PageType("choose a comparison", "/assessments/{submitted}/compare"),
    PageType("trend", "/assessments/{submitted}/trend"),
    PageType("action plan", "/assessments/{submitted}/plan"),
    PageType("action", "/assessments/{submitted}/actions/{action}"),
    PageType("portfolio", "/portfolio"),
    PageType("reopen", "/assessments/{submitted}/reopen"),
    PageType("delete", "/assessments/{draft}/delete"),
    PageType("workshops", "/workshops"),
    PageType("new workshop", "/workshops/new"),
    PageType("new workshop, with errors", "/workshops/new", then=send_empty),
    PageType("workshop projector", "/workshops/{workshop}"),
    PageType("room view", "/workshops/{workshop}/room"),
    PageType("room view, one group", "/workshops/{workshop}/room?group=Manager"),
    PageType("draft from a workshop", "/workshops/{workshop}/draft"),
    PageType("join a workshop", "/join", visitor=True),
    PageType("join a workshop, unknown code", "/join/ZZZZZZ", visitor=True, status=404),
    PageType("participant start", "/w/{code}/start", visitor=True),
    PageType("participant step", "/w/{code}/steps/procedures", participant=True),
    PageType("participant done", "/w/{code}/done", participant=True),
)


class Tabs:
    """A browser tab for the member, one for a visitor and one per workshop participant, each
    reused from page to page."""

    def __init__(self, browser: Any, site: Site) -> None:
        self.site = site
        self.contexts = {visitor: browser.new_context(
            viewport=PHONE, **({} if visitor else {"storage_state": site.member}))
            for visitor in (True, False)}
        self.contexts.update({language: browser.new_context(viewport=PHONE, storage_state=state)
                              for language, state in site.participants.items()})
        self.pages = {}
        for who, context in self.contexts.items():
            context.set_default_timeout(TIMEOUT_MS)
            self.pages[who] = context.new_page()

    def open(self, page_type: PageType, language: str, viewport: dict | None = None) -> Page:
        """Show a page type in a language, as its user sees it."""
        page = self.pages[language if page_type.participant else page_type.visitor]
        page.set_viewport_size(viewport or PHONE)
        url = self.site.base + page_type.path.format(**asdict(self.site))
        response = page.goto(url)
        if page_type.participant:  # in the language the participant chose on joining
            expect(page.locator("html")).to_have_attribute("lang", language)
        elif page.locator("html").get_attribute("lang") != language:
            if page.locator("#lang").count():
                response = choose_language(page, language)  # and back to the same page
            else:  # a participant's page has no switcher: the visitor's choice holds there
                page.goto(self.site.base + "/sign-in")
                choose_language(page, language)
                response = page.goto(url)
        if page_type.then:
            page_type.then(page)
        else:
            assert response is not None and response.status == page_type.status, (
                page_type.name, response and response.status)
        return page

    def close(self) -> None:
        for context in self.contexts.values():
            context.close()


def choose_language(page: Page, code: str) -> Response | None:
    """Switch the interface language with the form in the page header; it shows the page
    again, whose response is returned."""
    page.locator("#lang").select_option(code)
    with page.expect_navigation() as navigation:
        page.locator("form.lang button").click()
    expect(page.locator("html")).to_have_attribute("lang", code)
    return navigation.value


def post_form(page: Page, path: str, fields: dict[str, str]) -> None:
    """Post a form as the page's user would, with the CSRF token of the page now open."""
    token = page.locator('input[name="csrf_token"]').first.get_attribute("value")
    origin = "/".join(page.url.split("/", 3)[:3])
    response = page.request.post(origin + path, form={"csrf_token": token or "", **fields})
    assert response.ok, (path, response.status)


def save_answers(page: Page, assessment: int, standard_id: str, answers: dict[str, str],
                 notes: dict[str, str] | None = None) -> None:
    fields = {f"answer-{q}": a for q, a in answers.items()}
    fields.update({f"note-{q}": n for q, n in (notes or {}).items()})
    post_form(page, f"/assessments/{assessment}/steps/{standard_id}", {**fields, "go": "later"})


def answer_all(page: Page, assessment: int) -> None:
    """Answer every question of an icss-core assessment as tests/e2e/test_journey.py does."""
    for standard in QUESTIONNAIRE.standards:
        save_answers(page, assessment, standard.id,
                     {q.id: wanted(q.id) for q in standard.questions})


def build_site(base: str, page: Page) -> Site:
    register(page, base, "site.member@example.org", ORGANISATION)
    draft = start_assessment(page, base)
    save_answers(page, draft, "policy", {"PL1.1": "yes", "PL1.10": "partly"},
                 {"PL1.1": LONG_NOTE, "PL1.10": ARABIC_NOTE})
    save_answers(page, draft, "procedures", {"PR1.3": "yes", "PR4.1": "yes"})

    page.goto(base + "/")
    submitted = start_assessment(page, base)
    answer_all(page, submitted)
    save_answers(page, submitted, "policy", {}, {"PL1.1": LONG_NOTE})
    post_form(page, f"/assessments/{submitted}/check", {"confirm": "y"})
    expect(page.locator("main")).to_be_visible()

    page.goto(f"{base}/assessments/{submitted}/plan")
    action = page.locator("#actions a").first.get_attribute("href")
    page.goto(base + "/")
    page.locator("a.org-link").click()
    organisation = int(page.url.rsplit("/", 1)[1])
    page.get_by_label("Email address", exact=True).fill("invited.colleague@example.org")
    page.get_by_role("button", name="Create the invitation").click()
    invitation = page.locator("#invitation-link").input_value()
    workshop, code = make_workshop(page, base)
    return Site(base, page.context.storage_state(), draft, submitted, organisation,
                int(action.rsplit("/", 1)[1]), invitation.removeprefix(base), workshop, code,
                {language: join_workshop(page.context.browser, base, code, language)
                 for language in LANGUAGES})


def make_workshop(page: Page, base: str) -> tuple[int, str]:
    """Run a workshop on the quick check split into two groups; return its id and code."""
    page.goto(f"{base}/workshops/new")
    page.get_by_label("Title of the workshop").fill(WORKSHOP)
    page.get_by_label("Answers needed before anything about a question is shown").fill("3")
    page.get_by_label("A question that splits the room into groups (optional)").fill(
        "Your role")
    page.locator("#group_options").fill("Manager\nStaff")
    page.get_by_role("button", name="Create the workshop").click()
    expect(page.locator("#join-code")).to_be_visible()
    return (int(page.url.rsplit("/", 1)[1]),
            page.locator("#join-code span[aria-hidden]").inner_text())


def join_workshop(browser: Any, base: str, code: str, language: str) -> dict[str, Any]:
    """Join as a participant in a language and answer the first step (each language its own
    answer, so the room is divided); return the phone's browser storage."""
    context = browser.new_context(viewport=PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        phone = context.new_page()
        phone.goto(f"{base}/w/{code}/start")
        phone.locator(f'input[name="language"][value="{language}"]').check()
        phone.locator('input[name="group"]').first.check()
        with phone.expect_navigation():
            phone.locator("main form button.primary").click()
        answer = {"en": "yes", "fr": "no", "ar": "partly"}.get(language, "unknown")
        for group in phone.locator("fieldset.q:visible").all():
            group.locator(f'input[value="{answer}"]').check()
        with phone.expect_navigation():
            phone.locator('button[name="go"][value="next"]').click()
        expect(phone).to_have_url(re.compile(rf"/w/{code}/steps/people"))
        return context.storage_state()
    finally:
        context.close()
