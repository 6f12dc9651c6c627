"""What the eye and the keyboard meet: the chart, questions, focus, follow-ups, language links."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import IN_CI

try:
    from playwright.sync_api import Page, expect
except ImportError as exc:  # the browser fixture gives the same choice for a missing browser
    if IN_CI:
        raise
    pytest.skip(f"playwright is not installed: {exc}", allow_module_level=True)

from .pages import Site, answer_all, choose_language
from .test_journey import QUESTIONNAIRE, start_assessment

pytestmark = pytest.mark.e2e
WIDE = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 667}
NARROWEST = {"width": 320, "height": 568}


def open_page(site: Site, new_context: Any, path: str, language: str, viewport: dict,
              javascript: bool = True, visitor: bool = False) -> Page:
    """Open a page of the site in a language, as the member (or a visitor) sees it."""
    options = {} if visitor else {"storage_state": site.member}
    page = new_context(viewport=viewport, java_script_enabled=javascript, **options).new_page()
    page.goto(site.base + path)
    choose_language(page, language)
    return page


def box(page: Page, selector: str) -> list[dict[str, float]]:
    return page.eval_on_selector_all(selector, """elements => elements.map(e => {
        const r = e.getBoundingClientRect();
        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, height: r.height};
    })""")


# The chart ----------------------------------------------------------------------------------

@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["375", "1280"])
def test_arabic_chart_names_each_standard_and_keeps_figures_clear_of_bar_ends(
        site: Site, new_context: Any, viewport: dict) -> None:
    page = open_page(site, new_context, f"/assessments/{site.submitted}/results", "ar",
                     viewport)
    chart = page.locator(".chart")
    chart_box = chart.bounding_box()
    assert chart_box is not None
    names = [page.locator("#standards tbody th").nth(i).inner_text()
             for i in range(len(QUESTIONNAIRE.standards))]
    for name in names:  # shown in the chart, on the screen
        shown = chart.get_by_text(name)
        expect(shown).to_be_visible()
        name_box = shown.bounding_box()
        assert name_box is not None
        assert 0 <= name_box["x"] and name_box["x"] + name_box["width"] <= viewport["width"]
    # Every figure lies wholly inside its bar or wholly beside it, never across its end.
    rows = chart.locator("li")
    assert rows.count() == len(names)
    for i in range(rows.count()):
        [figure] = box(page, f".chart li:nth-child({i + 1}) text")
        bars = box(page, f".chart li:nth-child({i + 1}) .bar")
        for bar in bars:
            inside = bar["left"] <= figure["left"] and figure["right"] <= bar["right"]
            beside = figure["right"] <= bar["left"] or bar["right"] <= figure["left"]
            assert inside or beside, (names[i], figure, bar)


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_chart_text_keeps_the_page_text_size_on_a_phone(site: Site, new_context: Any,
                                                        language: str) -> None:
    page = open_page(site, new_context, f"/assessments/{site.submitted}/results", language,
                     NARROWEST)
    body_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    # A glyph box is about 1.2 times the font size: 7 px text would be under 9 px high.
    names_and_figures = box(page, ".chart .name, .chart li text")
    assert len(names_and_figures) == 2 * len(QUESTIONNAIRE.standards)
    assert min(text["height"] for text in names_and_figures) >= body_size
    marks = box(page, ".chart .marks text")  # the level marks' labels, a little smaller
    assert len(marks) == 3 and min(text["height"] for text in marks) >= 0.85 * body_size
    # Nothing runs off the chart.
    [chart] = box(page, ".chart")
    for text in names_and_figures + marks:
        assert chart["left"] <= text["left"] and text["right"] <= chart["right"], text
    # The level marks are named.
    for level in QUESTIONNAIRE.levels[1:]:
        expect(page.locator(".chart")).to_contain_text(f"{level.min:g}")
    if language == "en":
        expect(page.locator(".chart")).to_contain_text("90 Embedded")


# Questions and choices ----------------------------------------------------------------------

@pytest.mark.parametrize(("language", "viewport"), [
    ("en", NARROWEST), ("fr", NARROWEST), ("ar", NARROWEST), ("en", WIDE), ("ar", WIDE)],
    ids=["en-320", "fr-320", "ar-320", "en-1280", "ar-1280"])
def test_each_question_heading_sits_inside_its_box(site: Site, new_context: Any,
                                                   language: str, viewport: dict) -> None:
    page = open_page(site, new_context, f"/assessments/{site.draft}/steps/procedures",
                     language, viewport)
    groups = page.eval_on_selector_all("fieldset.q:not([hidden]), fieldset.criterion", """
        groups => groups.map(g => {
            const legend = g.querySelector(':scope > legend').getBoundingClientRect();
            const box = g.getBoundingClientRect();
            const border = parseFloat(getComputedStyle(g).borderTopWidth);
            return {id: g.id, below_border: legend.top - (box.top + border)};
        })""")
    assert len(groups) > 10
    crossing = [g for g in groups if g["below_border"] < 0]
    assert not crossing, f"headings drawn across the top border: {crossing}"


def font_weights(page: Page, selector: str) -> list[int]:
    return page.eval_on_selector_all(
        selector, "elements => elements.map(e => parseInt(getComputedStyle(e).fontWeight))")


def test_choices_and_descriptions_are_not_bold(site: Site, new_context: Any) -> None:
    register = open_page(site, new_context, "/register", "en", WIDE, visitor=True)
    assert font_weights(register, "#organisation_type .choice span") == [400, 400, 400]
    start = open_page(site, new_context, "/assessments/new", "en", WIDE)
    descriptions = font_weights(start, "#questionnaire .choice small")
    assert descriptions and set(descriptions) == {400}
    assert set(font_weights(start, "#questionnaire .choice strong")) == {700}  # the titles


# Focus --------------------------------------------------------------------------------------

@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_after_a_validation_error_focus_is_on_the_error_summary(
        site: Site, new_context: Any, javascript: bool) -> None:
    register = open_page(site, new_context, "/register", "en", PHONE, javascript, visitor=True)
    register.get_by_role("button", name="Create account").click()
    expect(register.locator(".errors")).to_be_focused()

    page = open_page(site, new_context, "/assessments/new", "en", PHONE, javascript)
    page.get_by_role("button", name="Start", exact=True).click()
    expect(page.locator(".errors")).to_be_focused()
    expect(page.locator(".errors")).to_contain_text("Give the assessment a name")

    # Submitting without confirming that the answers will be locked.
    page.goto(f"{site.base}/")
    assessment = start_assessment(page, site.base)
    answer_all(page, assessment)
    page.goto(f"{site.base}/assessments/{assessment}/check")
    page.get_by_role("button", name="Submit the assessment").click()
    expect(page.locator(".errors")).to_be_focused()
    expect(page.locator(".errors a")).to_have_attribute("href", "#confirm")
    page.get_by_label("I have checked the answers").check()
    page.get_by_role("button", name="Submit the assessment").click()
    expect(page).to_have_url(f"{site.base}/assessments/{assessment}/results")


@pytest.mark.parametrize(("language", "viewport"), [
    ("en", WIDE), ("fr", NARROWEST), ("ar", PHONE)], ids=["en-1280", "fr-320", "ar-375"])
def test_the_save_bar_never_hides_the_focused_control(site: Site, new_context: Any,
                                                      language: str, viewport: dict) -> None:
    page = open_page(site, new_context, f"/assessments/{site.draft}/steps/procedures",
                     language, viewport)
    hidden, stops = [], 0
    for _ in range(150):
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => {
            const el = document.activeElement, bar = document.querySelector('.actions');
            if (!el || el === document.body || bar.contains(el)) return null;
            const r = el.getBoundingClientRect(), b = bar.getBoundingClientRect();
            return {name: el.name || el.tagName, hidden: r.bottom > b.top && r.top < b.bottom};
        }""")
        if focused is None:
            if stops:
                break  # past the form, in the save bar
            continue
        stops += 1
        if focused["hidden"]:
            hidden.append(focused["name"])
    assert stops > 30
    assert not hidden, f"under the save bar when focused: {hidden}"


# Follow-up questions without JavaScript -----------------------------------------------------

def test_without_javascript_the_follow_up_message_is_where_the_page_lands(
        site: Site, new_context: Any) -> None:
    page = open_page(site, new_context, "/", "en", PHONE, javascript=False)
    assessment = start_assessment(page, site.base)
    page.goto(f"{site.base}/assessments/{assessment}/steps/procedures")
    page.locator('input[name="answer-PR4.1"][value="yes"]').check()
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_load_state()

    message = page.locator("#follow-ups")
    expect(message).to_contain_text("follow-up questions")
    expect(message).to_be_in_viewport()
    expect(page.locator("#q-PR4\\.2 legend")).to_be_in_viewport()
    marked = page.locator("fieldset.q").filter(has=page.locator(".tag.new"))
    expect(marked).to_have_count(2)
    assert [group.get_attribute("id") for group in marked.all()] == ["q-PR4.2", "q-PR4.3"]
    expect(marked.first.locator(".tag.new")).to_have_text("Follow-up question")


# Language links -----------------------------------------------------------------------------

def reading_order(page: Page, selector: str, rtl: bool) -> list[str]:
    """Return the links' texts in the order a reader meets them: line by line, then along."""
    links = page.eval_on_selector_all(selector, """links => links.map(a => {
        const r = a.getBoundingClientRect();
        return {text: a.textContent, top: Math.round(r.top), left: r.left, right: r.right};
    })""")
    links.sort(key=lambda link: (link["top"], -link["right"] if rtl else link["left"]))
    return [link["text"] for link in links]


def test_arabic_language_links_read_right_to_left_in_order(site: Site,
                                                           new_context: Any) -> None:
    page = open_page(site, new_context, f"/assessments/{site.submitted}/results", "ar",
                     PHONE)
    names = ["English", "Français", "Español", "العربية"]
    assert reading_order(page, "#downloads a", rtl=True) == names
    page.goto(f"{site.base}/assessments/new")
    questionnaires = page.locator("#blank-questionnaires li").count()
    assert questionnaires == 3
    for n in range(1, questionnaires + 1):
        assert reading_order(page, f"#blank-questionnaires li:nth-child({n}) a",
                             rtl=True) == names


