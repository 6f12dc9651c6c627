"""The results and improvement plan PDF, read back: what a reader of the printout sees."""

from __future__ import annotations

import re

from pypdf import PdfReader

from kcs_assess.domain.scoring import score
from kcs_assess.reports.plan import build_plan_pdf

from .examples import (
    ANSWERS,
    GENERATED,
    LABEL,
    MARKUP,
    NOTES,
    ORGANISATION,
    PLAN_ROWS,
    QUICK,
    RLM,
    STANDARD_ROWS,
    plan_report,
)
from .pdfread import DrawnLine, all_lines, read, row_of

FOOTER_TOP = 80  # points from the bottom edge


def text_of(lines: list[DrawnLine]) -> str:
    """Return the lines joined as one string (wrapped sentences read whole again)."""
    return " ".join(line.text for line in lines)


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
    assert rows["Questionnaire"] == ["Safeguarding quick check, version 2026.1"]
    assert rows["Status"] == ["Submitted"]
    assert rows["Submitted on"] == ["March 14, 2026"]
    assert rows["Language"] == ["English"]
    assert rows["Generated on"] == ["March 20, 2026"]
    assert "Results and improvement plan" in [line.text for line in cover]


def test_overall_score_and_level_are_the_results_as_on_screen(
        english_lines: list[DrawnLine]) -> None:
    texts = [line.text for line in english_lines]
    at = texts.index("Overall score")
    # (91.67 + 57.14 + 83.33 + 100) / 4 = 83.04, held at Developing by QPR1.1
    assert texts[at + 1:at + 3] == ["83", "Developing"]
    summary = text_of(english_lines[at:at + 12])
    assert ("Minimum requirements not met: 1 is not fully in place. The overall level cannot "
            "rise above “Developing” until it is.") in summary
    assert ("• QPR1.1 Is there a written procedure for reporting and responding to concerns, "
            "saying who to tell and how fast? (Partly)") in summary


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
    assert rows[0][1].startswith("Write a one-page reporting procedure")
    assert "(Don't know)" in text_of(plan)


def test_things_to_find_out_are_the_dont_know_answers(english_lines: list[DrawnLine]) -> None:
    find_out = section(english_lines, "Things to find out", "Appendix: answers and notes")
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
    assert "Answer: No Note: Two files checked three missing" in appendix


def test_every_page_says_page_x_of_the_page_count(english_plan: PdfReader,
                                                  english_lines: list[DrawnLine]) -> None:
    pages = len(english_plan.pages)
    assert pages >= 4
    footers = [(line.page, line.text) for line in english_lines if line.text.startswith("Page ")]
    assert footers == [(n, f"Page {n} of {pages}") for n in range(1, pages + 1)]


def test_metadata_gives_title_author_subject_and_language(english_plan: PdfReader) -> None:
    metadata = english_plan.metadata
    assert metadata.title == f"Results and improvement plan: {LABEL}"
    assert metadata.author == ORGANISATION
    assert metadata.subject == "Safeguarding quick check, version 2026.1"
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
    answers = {key: value for key, value in ANSWERS.items() if key != "QAC1.1"}
    answers["QPR1.1"] = "yes"  # so no answered minimum requirement fails
    reader = read(build_plan_pdf(plan_report(
        result=score(QUICK, answers), answers=answers, submitted=False, date=GENERATED), "en"))
    lines = all_lines(reader)
    text = text_of(lines)
    assert ("Provisional: this assessment is still a draft. The scores count the answered "
            "questions only.") in text
    assert "Minimum requirements: not known yet, some are still unanswered." in text
    assert "Draft as of March 20, 2026" in text
    assert "QAC1.1 Are allegations investigated promptly by trained people who are " \
           "independent of those involved? Answer: Not answered" in text


def test_a_plan_without_gaps_says_so() -> None:
    answers = {q.id: "yes" for q in QUICK.questions}
    lines = all_lines(read(build_plan_pdf(plan_report(
        result=score(QUICK, answers), answers=answers, notes={}), "en")))
    text = text_of(lines)
    assert "No gaps found: every answered question is fully in place." in text
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
        "Summary", "Standards", "Improvement plan", "Things to find out",
        "Appendix: answers and notes"]
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
