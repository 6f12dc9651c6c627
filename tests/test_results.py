"""Results: what a respondent reads after answering, worked out by hand."""

from __future__ import annotations

import re

from conftest import start_assessment, submit_assessment
from test_wizard import QUICK, answer_all, save

# Quick check 2026.2, weights (c: critical, x: context, never scored):
#   policy QPL1.1 2c, QPL1.2 1, QPL2.3 2c, QPL2.4 2c, QPL2.2 1 (8)
#   people QPE1.1 2c, QPE1.3 2c, QPE1.4 1, QPE2.1 2, QPE2.2 1 (8)
#   procedures QPR1.1 2, QPR1.2 2c, QPR1.3 2c, QPR2.1 1, QPR3.1 x, and as QPR3.1 is answered
#     yes (a contingent), QPR3.2 2, QPR3.3 2 (11)
#   accountability QAC1.1 2, QAC1.2 1, QAC2.1 1, QAC2.2 1 (5)
PATTERN = {"QPL1.2": "partly", "QPE2.1": "no", "QPE2.2": "unknown", "QPR1.2": "partly"}
# policy (2 + .5 + 2 + 2 + 1) / 8 = 93.75 -> Embedded
# people (2 + 2 + 1 + 0 + 0) / 8 = 62.5 -> Developing
# procedures (2 + 1 + 2 + 1 + 2 + 2) / 11 = 90.91 -> Embedded, held at Developing by QPR1.2
# accountability 5 / 5 = 100 -> Embedded
# overall (93.75 + 62.5 + 90.91 + 100) / 4 = 86.79 -> Established, held at Developing
EXPECTED_ROWS = [
    ("Policy", "93", "Embedded"),
    ("People", "62", "Developing"),
    ("Procedures", "90", "Developing"),
    ("Accountability", "100", "Embedded"),
]


def submitted_results(member, pattern: dict[str, str] = PATTERN) -> str:
    assessment = start_assessment(member, "quick-check")
    answer_all(member, assessment, QUICK, pattern)
    response = submit_assessment(member, assessment)
    assert response.status_code == 302
    return member.get(response.headers["Location"]).get_data(as_text=True)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def section(page: str, element_id: str) -> str:
    match = re.search(rf'<(\w+)[^>]*id="{element_id}"[^>]*>(.*?)</\1>', page, re.S)
    assert match, element_id
    return text_of(match.group(2))


def table(page: str, element_id: str) -> str:
    return re.search(rf'<table[^>]*id="{element_id}"[^>]*>(.*?)</table>', page, re.S).group(1)


def test_overall_score_and_level_worked_out_by_hand(member):
    page = submitted_results(member)
    assert text_of(re.search(r'id="overall-score">(.*?)<', page).group(1)) == "86"
    assert "Developing" in section(page, "overall-level")


def test_each_standard_with_its_score_level_and_tiers(member):
    page = submitted_results(member)
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th><td>(.*?)</td><td>(.*?)</td>",
                      table(page, "standards"))
    assert [(name, score, text_of(level).split(" held")[0]) for name, score, level in rows] \
        == EXPECTED_ROWS
    assert "held back by a minimum requirement" in page
    # People: framework QPE1.3, QPE1.4 yes -> 100; practice QPE1.1 yes, QPE2.1 no, QPE2.2
    # unknown -> (2 + 0 + 0) / 5 = 40
    people = re.search(r'<th scope="row">People</th>(.*?)</tr>', page).group(1)
    assert re.findall(r"<td>(\d+)</td>", people) == ["62", "100", "40"]


def test_minimum_requirements_name_the_ones_that_fail(member):
    minimum = section(submitted_results(member), "minimum")
    assert "Minimum requirements not met: 1 is not fully in place" in minimum
    assert "QPR1.2" in minimum and "(Partly)" in minimum


def test_dont_know_answers_are_listed_to_find_out(member):
    assert "QPE2.2" in section(submitted_results(member), "find-out")


def test_plan_lists_actions_in_priority_order_with_time_frames(member):
    plan = re.search(r'<table class="list plan" id="plan">(.*?)</table>',
                     submitted_results(member), re.S).group(1)
    rows = [text_of(row) for row in re.findall(r"<tr>(.*?)</tr>", plan, re.S)[1:]]
    assert [row.split()[0] for row in rows] == ["Critical", "High", "Medium", "Low"]
    assert [re.search(r"Q[A-Z]{2}\d\.\d", row).group(0) for row in rows] == [
        "QPR1.2", "QPE2.1", "QPE2.2", "QPL1.2"]
    assert ["1 month" in rows[0], "3 months" in rows[1], "6 months" in rows[2],
            "12 months" in rows[3]] == [True] * 4
    action = QUICK.questions_by_id["QPR1.2"].action
    assert action in rows[0]


def test_chart_draws_a_bar_per_standard_and_names_the_level_marks(member):
    chart = re.search(r'<figure class="chart".*?</figure>', submitted_results(member),
                      re.S).group(0)
    names = re.findall(r'<span class="name">([^<]*)<span class="vh"> (\d+)</span>', chart)
    assert names == [(name, value) for name, value, _ in EXPECTED_ROWS]
    # Bars are proportional to the scores (93.75, 62.5, 90.91, 100), and start at the left.
    bars = re.findall(r'<rect x="([\d.]+)%" width="([\d.]+)%" height="100%" class="bar', chart)
    assert bars == [("0.00", "93.75"), ("0.00", "62.50"), ("0.00", "90.91"), ("0.00", "100.00")]
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
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th><td>(.*?)</td>", table(page, "standards"))
    assert rows == [("Policy", "66"), ("People", "Not assessed"),  # 2 of 3, rounded down
                    ("Procedures", "Not assessed"), ("Accountability", "Not assessed")]
    assert "not known yet" in section(page, "minimum")


def test_held_back_is_said_only_where_the_minimum_requirement_lowered_the_level(member):
    # QPE1.1 (critical, weight 2) partly: People (1 + 2 + 1 + 0 + 0) / 8 = 50, Developing by
    # its score alone, so nothing held it back; Procedures (90) is held at Developing by QPR1.2.
    page = submitted_results(member, {**PATTERN, "QPE1.1": "partly"})
    rows = dict(re.findall(r'<tr><th scope="row">(.*?)</th><td>\d+</td><td>(.*?)</td>', page))
    assert text_of(rows["People"]) == "Developing"
    assert text_of(rows["Procedures"]) == "Developing held back by a minimum requirement"
    assert page.count("held back by a minimum requirement") == 1


def test_an_unanswered_draft_offers_no_good_news(member):
    assessment = start_assessment(member, "quick-check")
    page = member.get(f"/assessments/{assessment}/results").get_data(as_text=True)
    assert section(page, "plan-status") == (
        "Nothing has been answered yet, so there is no improvement plan yet. Answer the "
        "questions to see the gaps and what to do about them.")
    assert "No gaps" not in page
    assert 'id="top-priorities"' not in page and 'id="strengths"' not in page


def test_a_partly_answered_draft_without_gaps_says_its_plan_is_not_complete(member):
    assessment = start_assessment(member, "quick-check")
    save(member, assessment, "policy", {q.id: "yes" for q in QUICK.standards[0].questions})
    page = member.get(f"/assessments/{assessment}/results").get_data(as_text=True)
    assert section(page, "plan-status") == (
        "No gaps among the answers so far, but some questions are still unanswered: the plan "
        "is complete only when every question is answered.")
    assert "No gaps found" not in page
    # The policy criteria answered yes throughout are strengths already.
    assert section(page, "strengths") == "Policy and scope Policy Code of conduct Policy"


def test_top_priorities_come_before_the_plan_critical_then_high(member):
    page = submitted_results(member)
    top = re.search(r'<ol class="priorities" id="top-priorities">(.*?)</ol>', page, re.S)
    items = [text_of(item) for item in re.findall(r"<li>(.*?)</li>", top.group(1), re.S)]
    assert [item.split()[0] for item in items] == ["Critical", "High"]
    assert "QPR1.2" in items[0] and "1 month" in items[0]
    assert "QPE2.1" in items[1] and "3 months" in items[1]
    assert page.index('id="top-priorities"') < page.index('id="plan"')


def test_strengths_are_the_criteria_fully_in_place(member):
    assert section(submitted_results(member), "strengths") == (
        "Code of conduct Policy Vetting and focal points People Safe activities Procedures "
        "Military and police contingents Procedures Investigation and records Accountability "
        "Review and learning Accountability")


def test_each_plan_item_shows_the_respondents_note(member):
    assessment = start_assessment(member, "quick-check")
    answer_all(member, assessment, QUICK, PATTERN)
    people = {q.id: PATTERN.get(q.id, "yes") for q in QUICK.standards[1].questions}
    save(member, assessment, "people", people, {"QPE2.1": "Two sessions <held>."})
    page = member.get(f"/assessments/{assessment}/results").get_data(as_text=True)
    plan = re.search(r'<table class="list plan" id="plan">(.*?)</table>', page, re.S).group(1)
    row = next(row for row in re.findall(r"<tr>(.*?)</tr>", plan, re.S) if "QPE2.1" in row)
    assert 'Note: <span class="note-text" dir="auto">Two sessions &lt;held&gt;.</span>' in row
    assert text_of(plan).count("Note:") == 1


def test_the_levels_are_explained_with_the_scores_they_cover(member):
    page = submitted_results(member)
    rows = [text_of(row) for row in re.findall(r"<tr>(.*?)</tr>", table(page, "levels"), re.S)]
    # The quick check 2026.2 says what each level means.
    assert rows == ["Level Score What it means"] + [
        f"{title} {scores} {level.description}" for (title, scores), level in zip(
            [("Not in place", "0 to 39"), ("Developing", "40 to 69"),
             ("Established", "70 to 89"), ("Embedded", "90 to 100")], QUICK.levels, strict=True)]
    assert all(level.description for level in QUICK.levels)
    assert ("A standard with a minimum requirement that is not fully in place stays at "
            "“Developing” at most") in text_of(page)


def test_what_this_means_for_other_standards_worked_out_by_hand(member):
    page = submitted_results(member)
    assert "What this means for other standards" in page
    assert "not a substitute for it" in text_of(page)

    def rows(framework: str) -> list[str]:
        return [text_of(row) for row in
                re.findall(r"<tr>(.*?)</tr>", table(page, f"crosswalk-{framework}"), re.S)[1:]]

    un = rows("un-ip-psea")
    assert un[0].startswith("1 A written organisational policy") and un[0].endswith(
        "Met QPL1.1 , QPL2.3 , QPL2.4")
    # cs2 QPL1.2 partly (50, above Developing); cs4 QPE2.1 no (0); cs5 QPR1.2 is critical
    # and partly, so not met although QPR1.1 and QPR1.2 score 75; nothing maps to cs8.
    statuses = [re.search(r"(Partly met|Not met|Met|Not assessed)", row).group(1)
                for row in un]
    assert statuses == ["Met", "Partly met", "Met", "Not met", "Not met", "Met", "Met",
                        "Not assessed"]
    assert un[4].endswith("Not met QPR1.1 , QPR1.2") and un[7].endswith("Not assessed –")
    iasc = rows("iasc-mos")
    # 2: QPL1.2 partly, 50 -> partly met; 7: QPE2.1 no (2) and QPE2.2 don't know (1): 0 of 3.
    assert iasc[1].endswith("Partly met QPL1.2")
    assert iasc[6].endswith("Not met QPE2.1 , QPE2.2")
    chs = rows("chs")
    assert len(chs) == 9 and chs[4].endswith("Not met QPR1.2")
    assert chs[2].endswith("Met QPR2.1") and chs[0].endswith("Not assessed –")
    assert '<small>Edition: 2014</small>' in page


def test_a_newer_version_is_offered_and_its_level_descriptions_shown(database_url, tmp_path):
    """A questionnaire's 2026.2 beside its 2026.1: new assessments get 2026.2."""
    from conftest import make_app, register

    from kcs_assess.config import DEFAULT_QUESTIONNAIRE_DIR
    from kcs_assess.extensions import db

    folder = tmp_path / "questionnaires"
    folder.mkdir()
    old = (DEFAULT_QUESTIONNAIRE_DIR / "quick-check-2026.1.yaml").read_text()
    (folder / "quick-check-2026.1.yaml").write_text(old)
    newer = old.replace('version: "2026.1"', 'format: 2\nversion: "2026.2"').replace(
        "key: embedded, title: Embedded}",
        "key: embedded, title: Embedded, description: Safeguarding is part of how the "
        "organisation works and is checked.}")
    (folder / "quick-check-2026.2.yaml").write_text(newer)
    app = make_app(database_url, QUESTIONNAIRE_DIR=str(folder))
    client = app.test_client()
    register(client)
    assessment = start_assessment(client, "quick-check")
    assert "2026.2" in client.get(f"/assessments/{assessment}").get_data(as_text=True)
    page = client.get(f"/assessments/{assessment}/results").get_data(as_text=True)
    rows = [text_of(row) for row in re.findall(r"<tr>(.*?)</tr>", table(page, "levels"), re.S)]
    assert rows[0] == "Level Score What it means"
    assert rows[4] == ("Embedded 90 to 100 Safeguarding is part of how the organisation works "
                       "and is checked.")
    assert rows[1] == "Not in place 0 to 39"
    with app.app_context():
        db.engine.dispose()


def test_the_plan_names_the_un_limits_in_2026_3_and_a_2026_2_assessment_keeps_its_text(
        database_url, tmp_path):
    """Contingent 2026.3 states the UN time limits in CPR3.2 and CAC1.4; an assessment
    answered on 2026.2 before 2026.3 shipped still shows 2026.2's actions."""
    from html import unescape

    from conftest import make_app, register

    from kcs_assess.config import DEFAULT_FRAMEWORKS_FILE, DEFAULT_QUESTIONNAIRE_DIR
    from kcs_assess.domain.catalogue import load_catalogue
    from kcs_assess.extensions import db

    shipped = load_catalogue([DEFAULT_QUESTIONNAIRE_DIR], DEFAULT_FRAMEWORKS_FILE)
    old, new = shipped.get("contingent", "2026.2"), shipped.get("contingent", "2026.3")
    gaps = {"CPR3.2": "no", "CAC1.4": "no"}

    def plan_rows(client, assessment: int) -> dict[str, str]:
        page = client.get(f"/assessments/{assessment}/results").get_data(as_text=True)
        plan = re.search(r'<table class="list plan" id="plan">(.*?)</table>', page, re.S)
        rows = [unescape(text_of(row)) for row in re.findall(r"<tr>(.*?)</tr>",
                                                              plan.group(1), re.S)[1:]]
        return {re.search(r"C[A-Z]{2}\d\.\d+", row).group(0): row for row in rows}

    folder = tmp_path / "questionnaires"
    folder.mkdir()
    (folder / "contingent-2026.2.yaml").write_text(
        (DEFAULT_QUESTIONNAIRE_DIR / "contingent-2026.2.yaml").read_text())
    apps = [make_app(database_url, QUESTIONNAIRE_DIR=str(folder))]
    try:
        before = apps[0].test_client()
        register(before, organisation_type="contingent")
        answered_on_2026_2 = start_assessment(before, "contingent")
        answer_all(before, answered_on_2026_2, old, gaps)
        assert submit_assessment(before, answered_on_2026_2).status_code == 302

        apps.append(make_app(database_url))  # every shipped version: 2026.3 is the newest
        after = apps[1].test_client()
        after.set_cookie("session", before.get_cookie("session").value)
        answered_on_2026_3 = start_assessment(after, "contingent", label="Next rotation")
        assert "2026.3" in after.get(f"/assessments/{answered_on_2026_3}").get_data(
            as_text=True)
        answer_all(after, answered_on_2026_3, new, gaps)
        assert submit_assessment(after, answered_on_2026_3).status_code == 302

        rows = plan_rows(after, answered_on_2026_3)
        assert rows["CPR3.2"].startswith("Critical") and "1 month" in rows["CPR3.2"]
        assert rows["CAC1.4"].startswith("High") and "3 months" in rows["CAC1.4"]
        for question_id in gaps:
            assert new.questions_by_id[question_id].action in rows[question_id]
            assert "10 days" in rows[question_id] and "six months" in rows[question_id]

        rows = plan_rows(after, answered_on_2026_2)
        for question_id in gaps:
            assert old.questions_by_id[question_id].action in rows[question_id]
            assert "10 days" not in rows[question_id]
    finally:
        for app in apps:
            with app.app_context():
                db.engine.dispose()
