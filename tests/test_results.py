"""Results: what a respondent reads after answering, worked out by hand."""

from __future__ import annotations

import re

from conftest import start_assessment, submit_assessment
from test_wizard import QUICK, answer_all, save

# Quick check, weights: policy QPL1.1 2c, QPL1.2 1, QPL2.1 2c, QPL2.2 1 (6)
#   people QPE1.1 2, QPE1.2 2, QPE2.1 2c, QPE2.2 1 (7)
#   procedures QPR1.1 2c, QPR1.2 2, QPR1.3 1, QPR2.1 1 (6)
#   accountability QAC1.1 2c, QAC1.2 1, QAC2.1 1, QAC2.2 1 (5)
PATTERN = {"QPL1.2": "partly", "QPE1.1": "no", "QPE2.2": "unknown", "QPR1.1": "partly"}
# policy (2 + .5 + 2 + 1) / 6 = 91.67 -> Embedded
# people (0 + 2 + 2 + 0) / 7 = 57.14 -> Developing
# procedures (1 + 2 + 1 + 1) / 6 = 83.33 -> Established, held at Developing by QPR1.1
# accountability 5 / 5 = 100 -> Embedded
# overall (91.67 + 57.14 + 83.33 + 100) / 4 = 83.04 -> Established, held at Developing
EXPECTED_ROWS = [
    ("Policy", "91", "Embedded"),
    ("People", "57", "Developing"),
    ("Procedures", "83", "Developing"),
    ("Accountability", "100", "Embedded"),
]


def submitted_results(member) -> str:
    assessment = start_assessment(member, "quick-check")
    answer_all(member, assessment, QUICK, PATTERN)
    response = submit_assessment(member, assessment)
    assert response.status_code == 302
    return member.get(response.headers["Location"]).get_data(as_text=True)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def section(page: str, element_id: str) -> str:
    match = re.search(rf'<(\w+)[^>]*id="{element_id}"[^>]*>(.*?)</\1>', page, re.S)
    assert match, element_id
    return text_of(match.group(2))


def test_overall_score_and_level_worked_out_by_hand(member):
    page = submitted_results(member)
    assert text_of(re.search(r'id="overall-score">(.*?)<', page).group(1)) == "83"
    assert "Developing" in section(page, "overall-level")


def test_each_standard_with_its_score_level_and_tiers(member):
    page = submitted_results(member)
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th><td>(.*?)</td><td>(.*?)</td>", page)
    assert [(name, score, text_of(level).split(" held")[0]) for name, score, level in rows] \
        == EXPECTED_ROWS
    assert "held back by a minimum requirement" in page
    # People: framework QPE1.2 yes -> 100; practice QPE1.1 no, QPE2.1 yes, QPE2.2 unknown
    # -> (0 + 2 + 0) / 5 = 40
    people = re.search(r'<th scope="row">People</th>(.*?)</tr>', page).group(1)
    assert re.findall(r"<td>(\d+)</td>", people) == ["57", "100", "40"]


def test_minimum_requirements_name_the_ones_that_fail(member):
    minimum = section(submitted_results(member), "minimum")
    assert "Minimum requirements not met: 1 is not fully in place" in minimum
    assert "QPR1.1" in minimum and "(Partly)" in minimum


def test_dont_know_answers_are_listed_to_find_out(member):
    assert "QPE2.2" in section(submitted_results(member), "find-out")


def test_plan_lists_actions_in_priority_order_with_time_frames(member):
    plan = re.search(r'<table class="list plan" id="plan">(.*?)</table>',
                     submitted_results(member), re.S).group(1)
    rows = [text_of(row) for row in re.findall(r"<tr>(.*?)</tr>", plan, re.S)[1:]]
    assert [row.split()[0] for row in rows] == ["Critical", "High", "Medium", "Low"]
    assert [re.search(r"Q[A-Z]{2}\d\.\d", row).group(0) for row in rows] == [
        "QPR1.1", "QPE1.1", "QPE2.2", "QPL1.2"]
    assert ["1 month" in rows[0], "3 months" in rows[1], "6 months" in rows[2],
            "12 months" in rows[3]] == [True] * 4
    action = QUICK.questions_by_id["QPR1.1"].action
    assert action in rows[0]


def test_chart_draws_a_bar_per_standard_and_names_the_level_marks(member):
    chart = re.search(r'<figure class="chart".*?</figure>', submitted_results(member),
                      re.S).group(0)
    names = re.findall(r'<span class="name">([^<]*)<span class="vh"> (\d+)</span>', chart)
    assert names == [(name, value) for name, value, _ in EXPECTED_ROWS]
    # Bars are proportional to the scores (91.67, 57.14, 83.33, 100), and start at the left.
    bars = re.findall(r'<rect x="([\d.]+)%" width="([\d.]+)%" height="100%" class="bar', chart)
    assert bars == [("0.00", "91.67"), ("0.00", "57.14"), ("0.00", "83.33"), ("0.00", "100.00")]
    marks = re.search(r'<div class="marks">.*?</div>', chart, re.S).group(0)
    assert [text_of(mark) for mark in re.findall(r"<text[^>]*>(.*?)</text>", marks)] == [
        "40 Developing", "70 Established", "90 Embedded"]
    # No viewBox: nothing in the chart is scaled down with the screen, its text included.
    assert "viewBox" not in chart


def test_a_draft_shows_provisional_results_with_not_assessed_standards(member):
    assessment = start_assessment(member, "quick-check")
    save(member, assessment, "policy", {"QPL1.1": "yes", "QPL1.2": "no"})
    page = member.get(f"/assessments/{assessment}/results").get_data(as_text=True)
    assert "Provisional" in page
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th><td>(.*?)</td>", page)
    assert rows == [("Policy", "66"), ("People", "Not assessed"),  # 2 of 3, rounded down
                    ("Procedures", "Not assessed"), ("Accountability", "Not assessed")]
    assert "not known yet" in section(page, "minimum")
