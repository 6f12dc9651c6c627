"""Page breaks: a heading never ends a page, and a long table starts under its heading."""

from __future__ import annotations

import pytest
from reportlab.platypus import KeepTogether, Spacer

from kcs_assess.config import DEFAULT_FRAMEWORKS_FILE
from kcs_assess.domain.catalogue import load_catalogue
from kcs_assess.i18n import LANGUAGES
from kcs_assess.reports.blank import build_blank_pdf
from kcs_assess.reports.document import CELL, Report
from kcs_assess.reports.plan import build_plan_pdf

from .examples import QUESTIONNAIRES, plan_report
from .pdfread import all_lines, headings_left_alone, read

FOOTER_TOP = 80
SHIPPED = load_catalogue([QUESTIONNAIRES], DEFAULT_FRAMEWORKS_FILE)


@pytest.mark.parametrize("locale", list(LANGUAGES))
@pytest.mark.parametrize("questionnaire_id", ["icss-core", "contingent", "quick-check"])
def test_no_heading_ends_a_page_of_a_blank_questionnaire(questionnaire_id: str,
                                                         locale: str) -> None:
    pdf = read(build_blank_pdf(SHIPPED.get(questionnaire_id), locale))
    assert headings_left_alone(pdf, FOOTER_TOP) == []


@pytest.mark.parametrize("locale", list(LANGUAGES))
def test_no_heading_ends_a_page_of_the_results(locale: str) -> None:
    from kcs_assess.domain.scoring import score

    icss = SHIPPED.get("icss-core")
    answers = {q.id: "no" for q in icss.questions}  # every branch, the longest plan
    for report in (plan_report(), plan_report(questionnaire=icss, result=score(icss, answers),
                                              answers=answers, notes={})):
        assert headings_left_alone(read(build_plan_pdf(report, locale)), FOOTER_TOP) == []


def filler(report: Report, lines: int) -> list:
    return [report.text(f"Filler line {n}") for n in range(lines)]


def test_a_heading_moves_on_with_a_kept_together_group_that_does_not_fit() -> None:
    report = Report.for_locale("en")
    group = KeepTogether([report.text(f"Group line {n}") for n in range(8)])
    story = [*filler(report, 36), report.heading("The heading"), group]  # 60 pt left
    lines = all_lines(read(report.build(story, title="t", author="a", subject="s",
                                        footer="")))
    heading = next(line for line in lines if line.text == "The heading")
    first = next(line for line in lines if line.text == "Group line 0")
    assert heading.page == first.page == 2


def test_a_long_table_starts_under_its_heading_instead_of_leaving_a_page_empty() -> None:
    report = Report.for_locale("en")
    rows = [[report.text(f"Row {n}", CELL), report.text("value", CELL)] for n in range(60)]
    table = report.table([[report.text("Name", CELL), report.text("Value", CELL)], *rows],
                         [200, 200])
    story = [*filler(report, 10), Spacer(1, 200), report.heading("The table"), table]
    lines = all_lines(read(report.build(story, title="t", author="a", subject="s",
                                        footer="")))
    heading = next(line for line in lines if line.text == "The table")
    assert heading.page == next(line.page for line in lines if line.text == "Row 0") == 1
