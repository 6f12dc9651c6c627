"""The results and improvement plan PDF, read back: what a reader of the printout sees."""

from __future__ import annotations

import io
import re
import unicodedata

import pytest
from pypdf import PdfReader

from kcs_assess.domain.crosswalk import crosswalk, informative
from kcs_assess.domain.questionnaire import Questionnaire
from kcs_assess.domain.scoring import score
from kcs_assess.reports.plan import build_plan_pdf

from .examples import (
    ANSWERS,
    COUNTRY,
    FRAMEWORKS,
    GENERATED,
    LABEL,
    MARKUP,
    NOTES,
    ORGANISATION,
    PLAN_ROWS,
    QUICK,
    RLM,
    STANDARD_ROWS,
    SUBMITTED_BY,
    plan_report,
)
from .pdfread import DrawnLine, all_lines, drawn_lines, images, read, row_of

FOOTER_TOP = 80  # points from the bottom edge


def text_of(lines: list[DrawnLine]) -> str:
    """Return the lines joined as one string (wrapped sentences read whole again)."""
    return " ".join(line.text for line in lines)


def shown(text: str) -> str:
    """Return drawn text without its direction controls (isolates, overrides: no ink)."""
    return "".join(char for char in text if unicodedata.category(char) != "Cf")


def section(lines: list[DrawnLine], heading: str, next_heading: str | None) -> list[DrawnLine]:
    """Return the lines under a heading up to the next one, leaving out the page footers."""
    texts = [line.text for line in lines]
    start = texts.index(heading)
    end = texts.index(next_heading, start) if next_heading else len(lines)
    return [line for line in lines[start + 1:end] if line.y > FOOTER_TOP]


def test_cover_names_the_organisation_assessment_questionnaire_date_and_language(
        english_lines: list[DrawnLine]) -> None:
    cover = [line for line in english_lines if line.page == 1]
    rows = {row_of(cover, line)[0].text: [cell.text for cell in row_of(cover, line)[1:]]
            for line in cover}
    assert rows["Organisation"] == [ORGANISATION]
    assert rows["Assessment"] == [LABEL]
    assert rows["Questionnaire"] == ["Safeguarding quick check, version 2026.2"]
    assert rows["Status"] == ["Submitted"]
    assert rows["Submitted on"] == ["14 March 2026"]
    assert rows["Language"] == ["English"]
    assert rows["Generated on"] == ["20 March 2026"]
    assert "Results and improvement plan" in [line.text for line in cover]


def test_cover_gives_the_country_who_submitted_it_and_the_method(
        english_lines: list[DrawnLine]) -> None:
    cover = [line for line in english_lines if line.page == 1]
    rows = {row_of(cover, line)[0].text: [cell.text for cell in row_of(cover, line)[1:]]
            for line in cover}
    assert COUNTRY == "ML" and rows["Country"] == ["Mali"]
    assert rows["Submitted by"] == [SUBMITTED_BY]
    method = text_of(cover[[line.text for line in cover].index("Method"):])
    assert method.startswith("Method A self-assessment against the International Child "
                             "Safeguarding Standards: Yes counts 1, Partly 0.5")


def test_a_drafts_cover_names_no_submitter_and_the_country_is_in_the_reports_language() -> None:
    draft = all_lines(read(build_plan_pdf(plan_report(submitted=False), "fr")))
    cover = [line.text for line in draft if line.page == 1]
    assert SUBMITTED_BY not in cover
    assert "Mali" in cover
    german = all_lines(read(build_plan_pdf(plan_report(country="DE"), "fr")))
    assert "Allemagne" in [line.text for line in german if line.page == 1]


def test_the_logo_is_drawn_on_the_cover_scaled_into_its_box() -> None:
    from PIL import Image

    def png(width: int, height: int) -> bytes:
        buffer = io.BytesIO()
        Image.new("RGB", (width, height), (29, 79, 145)).save(buffer, "PNG")
        return buffer.getvalue()

    wide = read(build_plan_pdf(plan_report(logo=png(1200, 300)), "en"))
    [(x, _, width, height)] = images(wide, 1)
    assert (x, width, height) == (51.0, 170.1, 42.5)  # 60 mm wide, a quarter as tall
    tall = read(build_plan_pdf(plan_report(logo=png(100, 400)), "ar"))
    [(x, _, width, height)] = images(tall, 1)
    assert (width, height) == (17.7, 70.9)  # 25 mm tall, a quarter as wide
    assert x + width == pytest.approx(595.3 - 51.0, abs=0.2)  # at the right, in Arabic
    assert images(read(build_plan_pdf(plan_report(), "en")), 1) == []
    assert all(not images(wide, page) for page in range(2, len(wide.pages) + 1))


def test_overall_score_and_level_are_the_results_as_on_screen(
        english_lines: list[DrawnLine]) -> None:
    texts = [line.text for line in english_lines]
    at = texts.index("Overall score")
    # (93.75 + 62.5 + 90.91 + 100) / 4 = 86.79, held at Developing by QPR1.2
    assert texts[at + 1:at + 3] == ["86", "Developing"]
    summary = text_of(english_lines[at:at + 12])
    assert ("Minimum requirements not met: 1 is not fully in place. The overall level cannot "
            "rise above “Developing” until it is.") in summary
    assert ("• QPR1.2 Do children and community members know a safe and confidential way to "
            "raise concerns about your people? (Partly)") in summary


def test_each_standard_shows_score_level_on_paper_and_in_practice(
        english_lines: list[DrawnLine]) -> None:
    table = section(english_lines, "Standards", "Improvement plan")
    rows = [[cell.text for cell in row_of(table, line)] for line in table
            if line.text in {row[0] for row in STANDARD_ROWS}]
    assert rows == STANDARD_ROWS
    procedures = next(line for line in table if line.text == "Procedures")
    below = [line for line in table if line.page == procedures.page
             and procedures.y - 30 < line.y < procedures.y]
    assert text_of(below) == "held back by a minimum requirement"


def test_held_back_only_where_the_minimum_requirement_lowered_the_level() -> None:
    # QPE1.1 (critical, weight 2) partly: People (1 + 2 + 1 + 0 + 0) / 8 = 50, Developing by
    # its score alone; Procedures 90 stays held at Developing by QPR1.2.
    answers = {**ANSWERS, "QPE1.1": "partly"}
    lines = all_lines(read(build_plan_pdf(plan_report(
        result=score(QUICK, answers), answers=answers), "en")))
    table = section(lines, "Standards", "Strengths")
    people = next(line for line in table if line.text == "People")
    assert [cell.text for cell in row_of(table, people)][:3] == ["People", "50", "Developing"]
    assert text_of(table).count("held back by a minimum requirement") == 1
    procedures = next(line for line in table if line.text == "Procedures")
    below = next(line for line in table if line.text.startswith("held back"))
    assert procedures.y - 30 < below.y < procedures.y


def test_summary_page_puts_the_top_priorities_above_the_chart(
        english_lines: list[DrawnLine]) -> None:
    top = section(english_lines, "Top priorities", "Scores by standard, out of 100")
    summary_page = next(line.page for line in english_lines if line.text == "Summary")
    assert {line.page for line in top} == {summary_page}
    rows = [[cell.text for cell in row_of(top, line)] for line in top
            if line.text in {"Critical", "High", "Medium", "Low"}]
    assert [row[0] for row in rows] == ["Critical", "High"]  # no medium or low gap
    assert rows[0][1].startswith("Set up or join a safe, confidential complaint")
    assert "QPR1.2 · 1 month" in text_of(top) and "QPE2.1 · 3 months" in text_of(top)


def test_strengths_are_the_criteria_fully_in_place(english_lines: list[DrawnLine]) -> None:
    strengths = section(english_lines, "Strengths", "Improvement plan")
    assert [line.text for line in strengths if line.text.startswith("•")] == [
        "• Code of conduct (Policy)", "• Vetting and focal points (People)",
        "• Safe activities (Procedures)", "• Military and police contingents (Procedures)",
        "• Investigation and records (Accountability)",
        "• Review and learning (Accountability)"]


def test_each_plan_item_carries_the_respondents_note(english_lines: list[DrawnLine]) -> None:
    plan = section(english_lines, "Improvement plan", "Things to find out")
    high = next(line for line in plan if line.text == "High")
    row = [line for line in plan if line.page == high.page and line.x > 350
           and high.y - 120 < line.y <= high.y]
    assert "(No) Note: Two sessions held three missed" in shown(text_of(row))


def test_chart_has_a_bar_per_standard_with_its_shown_score(
        english_lines: list[DrawnLine]) -> None:
    chart = section(english_lines, "Scores by standard, out of 100", "Standards")
    labels = [[cell.text for cell in row_of(chart, line)] for line in chart
              if line.text in {row[0] for row in STANDARD_ROWS}]
    assert labels == [row[:2] for row in STANDARD_ROWS]
    marks = chart[-3:]  # where the levels begin, named, each on a line of its own
    assert [line.text for line in marks] == ["40 Developing", "70 Established", "90 Embedded"]
    assert marks[0].y > marks[1].y > marks[2].y
    assert marks[0].x < marks[1].x < marks[2].x  # along the track, left to right


def test_improvement_plan_lists_one_action_per_gap_in_plan_order(
        english_lines: list[DrawnLine]) -> None:
    plan = section(english_lines, "Improvement plan", "Things to find out")
    header = next(line for line in plan if line.text == "Priority")
    assert [cell.text for cell in row_of(plan, header)] == [
        "Priority", "Action", "Time frame", "Question"]
    severities = [line for line in plan if line.text in {row[0] for row in PLAN_ROWS}]
    rows = [[cell.text for cell in row_of(plan, line)] for line in severities]
    assert [(row[0], row[3].split()[0], row[2]) for row in rows] == PLAN_ROWS
    assert rows[0][1].startswith("Set up or join a safe, confidential complaint")
    assert "(Don't know)" in text_of(plan)


def test_things_to_find_out_are_the_dont_know_answers(english_lines: list[DrawnLine]) -> None:
    find_out = section(english_lines, "Things to find out", "What this means for other standards")
    assert text_of(find_out) == (
        "You answered “Don't know” to these. Finding out is the first step. "
        "• QPE2.2 If asked, could your people name their focal point and say how to report "
        "a concern?")


def test_appendix_gives_every_question_with_its_answer_and_note(
        english_lines: list[DrawnLine]) -> None:
    appendix = text_of(section(english_lines, "Appendix: answers and notes", None))
    ids = re.findall(r"\b(Q[A-Z]{2}\d\.\d) ", appendix)
    assert ids == [q.id for q in QUICK.questions]
    assert ("QPL1.2 Does the policy cover everyone who works for you or represents you, "
            "including volunteers, contractors and partners? Answer: Partly Note: "
            f"{NOTES['QPL1.2']}") in appendix
    # A note's own line breaks are kept.
    assert "Answer: No Note: Two sessions held three missed" in appendix


def test_every_page_says_page_x_of_the_page_count(english_plan: PdfReader,
                                                  english_lines: list[DrawnLine]) -> None:
    pages = len(english_plan.pages)
    assert pages >= 4
    footers = [(line.page, line.text) for line in english_lines if line.text.startswith("Page ")]
    assert footers == [(n, f"Page {n} of {pages}") for n in range(1, pages + 1)]


def test_metadata_gives_title_author_subject_and_language(english_plan: PdfReader) -> None:
    metadata = english_plan.metadata
    # The label is isolated: whatever direction controls it holds stay inside it.
    assert metadata.title == f"Results and improvement plan: \u2068{LABEL}\u2069"
    assert metadata.author == ORGANISATION
    assert metadata.subject == "Safeguarding quick check, version 2026.2"
    assert english_plan.trailer["/Root"]["/Lang"] == "en"


def test_user_text_prints_exactly_as_typed(english_lines: list[DrawnLine]) -> None:
    texts = [line.text for line in english_lines]
    assert ORGANISATION in texts  # markup characters and the right-to-left mark, as typed
    assert LABEL in texts
    assert NOTES["QPL1.2"] in texts
    assert all(RLM + MARKUP not in text for text in texts)  # nothing reordered around the mark
    assert all("\x00" not in text for text in texts)  # no glyph missing from the fonts


def test_headings_are_set_in_the_bold_face(english_lines: list[DrawnLine]) -> None:
    heading = next(line for line in english_lines if line.text == "Improvement plan")
    body = next(line for line in english_lines if line.text.startswith("You answered"))
    assert [name.split("+")[1] for name in heading.fonts] == ["NotoSans-Bold"]
    assert [name.split("+")[1] for name in body.fonts] == ["NotoSans-Regular"]


def test_a_draft_is_provisional_and_its_minimum_requirements_not_known_yet() -> None:
    answers = {key: value for key, value in ANSWERS.items() if key != "QPR1.3"}
    answers["QPR1.2"] = "yes"  # so no answered minimum requirement fails
    reader = read(build_plan_pdf(plan_report(
        result=score(QUICK, answers), answers=answers, submitted=False, date=GENERATED), "en"))
    lines = all_lines(reader)
    text = text_of(lines)
    assert ("Provisional: this assessment is still a draft. The scores count the answered "
            "questions only.") in text
    assert "Minimum requirements: not known yet, some are still unanswered." in text
    assert "Draft as of 20 March 2026" in text
    assert "QPR1.3 Are people who have been harmed referred to medical, psychosocial and " \
           "legal help without waiting for an investigation? Answer: Not answered" in text


def test_a_draft_with_nothing_answered_offers_no_good_news() -> None:
    nothing = score(QUICK, {})
    lines = all_lines(read(build_plan_pdf(plan_report(
        result=nothing, answers={}, notes={}, submitted=False, date=GENERATED,
        readiness=informative(crosswalk(nothing, {}, FRAMEWORKS))), "en")))
    plan = text_of(section(lines, "Improvement plan", "Appendix: answers and notes"))
    assert plan == ("Nothing has been answered yet, so there is no improvement plan yet. "
                    "Answer the questions to see the gaps and what to do about them.")
    text = text_of(lines)
    assert "No gaps" not in text and "Top priorities" not in text and "Strengths" not in text


def test_a_partly_answered_draft_without_gaps_says_the_plan_is_not_complete() -> None:
    answers = {q.id: "yes" for q in QUICK.standards[0].questions}
    result = score(QUICK, answers)
    lines = all_lines(read(build_plan_pdf(plan_report(
        result=result, answers=answers, notes={}, submitted=False, date=GENERATED,
        readiness=crosswalk(result, answers, FRAMEWORKS)), "en")))
    plan = text_of(section(lines, "Improvement plan", "What this means for other standards"))
    assert plan == ("No gaps among the answers so far, but some questions are still "
                    "unanswered: the plan is complete only when every question is answered.")


def test_a_plan_without_gaps_says_so() -> None:
    answers = {q.id: "yes" for q in QUICK.questions}
    lines = all_lines(read(build_plan_pdf(plan_report(
        result=score(QUICK, answers), answers=answers, notes={}), "en")))
    text = text_of(lines)
    assert "No gaps found: everything asked about is fully in place." in text
    assert "Minimum requirements met: every minimum requirement is in place." in text
    assert "Things to find out" not in text


def test_dates_follow_the_language(english_plan: PdfReader) -> None:
    reader = read(build_plan_pdf(plan_report(), "fr"))
    assert "14 mars 2026" in text_of(all_lines(reader))
    assert reader.trailer["/Root"]["/Lang"] == "fr"


def test_outline_links_each_section_to_the_page_it_starts_on(
        english_plan: PdfReader, english_lines: list[DrawnLine]) -> None:
    sections = [(entry.title, english_plan.get_destination_page_number(entry) + 1)
                for entry in english_plan.outline if not isinstance(entry, list)]
    assert [title for title, _ in sections] == [
        "Summary", "Standards", "Strengths", "Improvement plan", "Things to find out",
        "What this means for other standards", "Appendix: answers and notes"]
    for title, page in sections:
        assert next(line.page for line in english_lines if line.text == title) == page
    assert sections[-1][1] > sections[0][1]


def test_any_user_text_prints_however_long_or_odd() -> None:
    organisation = "Very long name " * 400  # more than a page on the cover
    note = ("A note that goes on and on. " * 300) + "THE END"
    odd = "bad \ud800 surrogate, bell \x07, tab\tand emoji 🙂 " + "x" * 400  # one huge word
    reader = read(build_plan_pdf(plan_report(organisation_name=organisation,
                                             assessment_label=odd, notes={"QPL1.2": note}),
                                 "en"))
    text = text_of(all_lines(reader))
    assert text.count("Very long name") >= 400
    assert "THE END" in text
    assert "bad \ufffd surrogate, bell , tab and emoji" in text
    assert reader.metadata.author == organisation


def test_a_direction_override_in_the_name_stays_out_of_the_footer_label() -> None:
    # U+202E turns everything after it right to left, up to the end of its paragraph.
    reader = read(build_plan_pdf(plan_report(organisation_name="Acme \u202eTrust",
                                             assessment_label="Baseline 2026"), "en"))
    footer = next(line for line in drawn_lines(reader, 2) if line.y < FOOTER_TOP
                  and "Acme" in line.text)
    # The override reverses its own word, and nothing after it.
    assert shown(footer.text) == "Acme tsurT · Baseline 2026"


def test_the_levels_are_explained_under_the_standards(english_lines: list[DrawnLine]) -> None:
    levels = section(english_lines, "What the levels mean", "Improvement plan")
    rows = [[cell.text for cell in row_of(levels, line)] for line in levels
            if line.text in {"Level", "Not in place", "Developing", "Established", "Embedded"}]
    assert rows[0] == ["Level", "Score", "What it means"]
    assert [row[:2] for row in rows[1:]] == [
        ["Not in place", "0 to 39"], ["Developing", "40 to 69"], ["Established", "70 to 89"],
        ["Embedded", "90 to 100"]]
    # The quick check 2026.2 says what each level means; the descriptions wrap in their cells.
    assert all(level.description and level.description in text_of(levels)
               for level in QUICK.levels)
    assert ("A standard with a minimum requirement that is not fully in place stays at "
            "“Developing” at most, whatever its score") in text_of(levels)


def test_level_descriptions_are_printed_where_the_questionnaire_gives_them() -> None:
    snapshot = QUICK.to_dict()
    snapshot["levels"][1]["description"] = "The basics are written down but not yet applied."
    questionnaire = Questionnaire.from_dict(snapshot)
    lines = all_lines(read(build_plan_pdf(plan_report(
        questionnaire=questionnaire, result=score(questionnaire, ANSWERS), readiness=()), "en")))
    levels = section(lines, "What the levels mean", "Improvement plan")
    header = next(line for line in levels if line.text == "Level")
    assert [cell.text for cell in row_of(levels, header)] == ["Level", "Score", "What it means"]
    developing = next(line for line in levels if line.text == "Developing")
    assert [cell.text for cell in row_of(levels, developing)] == [
        "Developing", "40 to 69", "The basics are written down but not yet applied."]
    assert "What this means for other standards" not in [line.text for line in lines]


def test_what_this_means_for_other_standards_as_on_screen(
        english_lines: list[DrawnLine]) -> None:
    crosswalk = section(english_lines, "What this means for other standards",
                        "Appendix: answers and notes")
    assert ("an indication to help you prepare for their official assessment, not a "
            "substitute for it.") in text_of(crosswalk)
    texts = [line.text for line in crosswalk]
    assert [t for t in texts if t.startswith("Edition:")] == [
        "Edition: 2020", "Edition: 2012", "Edition: 2014"]
    start = texts.index("UN implementing partner PSEA capacity assessment")
    un = crosswalk[start:texts.index("Edition: 2012")]
    rows = [[cell.text for cell in row_of(un, line)] for line in un
            if re.match(r"\d ", line.text)]
    assert [(row[0].split()[0], row[1], row[2]) for row in rows] == [
        ("1", "Met", "QPL1.1, QPL2.3, QPL2.4"), ("2", "Partly met", "QPL1.2"),
        ("3", "Met", "QPE1.1"), ("4", "Not met", "QPE2.1"),
        ("5", "Not met", "QPR1.1, QPR1.2"), ("6", "Met", "QPR1.3"), ("7", "Met", "QAC1.1"),
        ("8", "Not assessed", "–")]
