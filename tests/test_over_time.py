"""Rounds over time: the next round with answers carried over, comparisons and the trend."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import make_app, register, start_assessment, submit_assessment
from sqlalchemy import select
from test_wizard import QUICK, answer_all, save

from kcs_assess.extensions import db
from kcs_assess.models import Answer, Assessment

QUESTIONS = [q for q in QUICK.questions if q.show_if is None]
FIRST, SECOND, THIRD = QUESTIONS[0], QUESTIONS[1], QUESTIONS[2]


def submitted_round(member, label: str, overrides: dict[str, str],
                    notes: dict[str, str] | None = None) -> int:
    assessment = start_assessment(member, "quick-check", label=label)
    answer_all(member, assessment, QUICK, overrides)
    for standard in QUICK.standards:
        on_step = {q: n for q, n in (notes or {}).items()
                   if QUICK.questions_by_id[q].standard_id == standard.id}
        if on_step:
            answers = {q.id: overrides.get(q.id, "yes") for q in standard.questions}
            save(member, assessment, standard.id, answers, on_step)
    assert submit_assessment(member, assessment).status_code == 302
    return assessment


def next_round(member, previous: int, label: str = "Round two") -> int:
    from conftest import post

    response = post(member, f"/assessments/{previous}/next-round", {"label": label})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def stored(app, assessment: int) -> dict[str, tuple[str | None, str, bool]]:
    with app.app_context():
        rows = db.session.execute(select(Answer).where(Answer.assessment_id == assessment))
        return {a.question_id: (a.value, a.note, a.carried_over) for a in rows.scalars()}


def test_the_next_round_starts_with_every_answer_and_note_carried_over(app, member):
    first = submitted_round(member, "Round one", {FIRST.id: "partly"},
                            {FIRST.id: "Board approval due in March"})
    results = member.get(f"/assessments/{first}/results").get_data(as_text=True)
    assert "Start the next round" in results
    page = member.get(f"/assessments/{first}/next-round").get_data(as_text=True)
    assert 'value="Next round after “Round one”"' in page
    second = next_round(member, first)
    carried = stored(app, second)
    assert carried[FIRST.id] == ("partly", "Board approval due in March", True)
    assert all(flag for _value, _note, flag in carried.values())
    with app.app_context():
        draft = db.session.get(Assessment, second)
        assert (draft.status, draft.previous_id, draft.label) == ("draft", first, "Round two")
    assert stored(app, first)[FIRST.id][2] is False  # the earlier round is untouched


def test_carried_answers_are_marked_on_each_step_until_it_is_saved(app, member):
    second = next_round(member, submitted_round(member, "Round one", {}))
    policy, people = QUICK.standards[0], QUICK.standards[1]
    page = member.get(f"/assessments/{second}/steps/{policy.id}").get_data(as_text=True)
    assert 'id="carried"' in page
    assert page.count("Carried over</strong>") == len(
        [q for q in policy.questions if q.id in stored(app, second)])
    save(member, second, policy.id, {q.id: "yes" for q in policy.questions})
    page = member.get(f"/assessments/{second}/steps/{policy.id}").get_data(as_text=True)
    assert "Carried over</strong>" not in page
    assert "Carried over</strong>" in member.get(
        f"/assessments/{second}/steps/{people.id}").get_data(as_text=True)


DEMO = """\
format: 2
id: demo
version: "{version}"
title: Demo
minutes: 5
levels: [{{min: 0, key: l0, title: L0}}, {{min: 50, key: l1, title: L1}}]
standards:
  - id: policy
    title: Policy
    criteria:
      - id: policy.a
        title: A
        questions:
{questions}
"""
OLD_QUESTIONS = """\
          - {id: D1, text: One, help: h, tier: framework, action: a}
          - {id: D2, text: Two, help: h, tier: framework, action: a}
"""
NEW_QUESTIONS = """\
          - {id: D1, text: One, help: h, tier: framework, action: a}
          - {id: D2a, text: Two a, help: h, tier: framework, action: a, replaces: [D2]}
          - {id: D2b, text: Two b, help: h, tier: practice, action: a, replaces: [D2]}
          - {id: D3, text: Three, help: h, tier: practice, action: a}
"""


@pytest.fixture
def demo_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    (folder / "demo-1.yaml").write_text(DEMO.format(version="1", questions=OLD_QUESTIONS))
    return folder


def test_a_new_version_takes_answers_over_through_replaces(database_url, demo_folder):
    apps = []
    try:
        apps.append(make_app(database_url, QUESTIONNAIRE_DIR=str(demo_folder)))
        client = apps[0].test_client()
        register(client)
        first = start_assessment(client, "demo")
        save(client, first, "policy", {"D1": "yes", "D2": "partly"}, {"D2": "Half done"})
        assert submit_assessment(client, first).status_code == 302
        (demo_folder / "demo-2.yaml").write_text(
            DEMO.format(version="2", questions=NEW_QUESTIONS))
        apps.append(make_app(database_url, QUESTIONNAIRE_DIR=str(demo_folder)))
        later = apps[1].test_client()
        later.set_cookie("session", client.get_cookie("session").value)
        second = next_round(later, first)
        assert stored(apps[1], second) == {
            "D1": ("yes", "", True), "D2a": ("partly", "Half done", True),
            "D2b": ("partly", "Half done", True)}  # D3 is new: unanswered
        overview = later.get(f"/assessments/{second}").get_data(as_text=True)
        assert "version 2" in overview and "3 of 4 answered" in overview
    finally:
        for app in apps:
            with app.app_context():
                db.engine.dispose()


def test_two_rounds_compared_worsened_first(app, member):
    first = submitted_round(member, "Round one", {FIRST.id: "yes", SECOND.id: "no",
                                                  THIRD.id: "yes"})
    second = next_round(member, first)
    answer_all(member, second, QUICK, {FIRST.id: "no", SECOND.id: "yes", THIRD.id: "yes"})
    assert submit_assessment(member, second).status_code == 302
    choose = member.get(f"/assessments/{second}/compare").get_data(as_text=True)
    assert f"/assessments/{second}/compare?with={first}" in choose
    page = member.get(f"/assessments/{second}/compare?with={first}").get_data(as_text=True)
    table = re.search(r'<table class="list stack" id="questions">(.*?)</table>', page, re.S)
    rows = re.findall(r'<tr><td><strong class="tag change-(\w+)">.*?<span class="qid">(.*?)</span>',
                      table.group(1), re.S)
    assert rows[0] == ("worsened", FIRST.id) and ("improved", SECOND.id) in rows
    assert "Worsened: 1" in page and "Improved: 1" in page
    # Either way round, the earlier round is on the left.
    again = member.get(f"/assessments/{first}/compare?with={second}").get_data(as_text=True)
    assert re.findall(r"change-(\w+)", again) == re.findall(r"change-(\w+)", page)


def test_the_comparison_is_a_pdf_in_any_language(member):
    import io

    from pypdf import PdfReader

    first = submitted_round(member, "Round one", {FIRST.id: "no"})
    second = next_round(member, first)
    answer_all(member, second, QUICK, {})
    submit_assessment(member, second)
    english = member.get(f"/assessments/{second}/compare.pdf?with={first}&lang=en")
    french = member.get(f"/assessments/{second}/compare.pdf?with={first}&lang=fr")
    assert english.mimetype == "application/pdf" and french.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(english.data)).pages)
    assert "Comparison of two rounds" in text and "Round one" in text
    assert "Improved: 1" in text and FIRST.id in text
    french_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(french.data)).pages)
    assert french_text != text


def test_another_organisations_round_is_never_compared(app, member):
    first = submitted_round(member, "Round one", {})
    other = app.test_client()
    register(other, email="other@example.org", organisation_name="Other Hands")
    theirs = start_assessment(other, "quick-check")
    assert member.get(f"/assessments/{first}/compare?with={theirs}").status_code == 404
    assert member.get(f"/assessments/{first}/compare?with={2**63}").status_code == 404


def test_the_trend_draws_every_round_with_its_figures(member):
    first = submitted_round(member, "Round one", {FIRST.id: "no", SECOND.id: "no"})
    single = member.get(f"/assessments/{first}/trend").get_data(as_text=True)
    assert "Only one round" in single
    second = next_round(member, first)
    answer_all(member, second, QUICK, {FIRST.id: "no"})
    submit_assessment(member, second)
    third = next_round(member, second, "Round three")
    answer_all(member, third, QUICK, {})
    submit_assessment(member, third)
    page = member.get(f"/assessments/{third}/trend").get_data(as_text=True)
    svg = re.search(r'<svg class="plot" aria-hidden="true">(.*?)</svg>', page, re.S).group(1)
    # The overall line and one per standard, each joining three rounds (two segments).
    assert svg.count('class="line s0"') == 2
    assert svg.count("class=\"line s") == 2 * (1 + len(QUICK.standards))
    assert svg.count('class="level-mark"') == len(QUICK.levels) - 1
    rows = re.findall(r"<tr><th scope=\"row\">", page)
    assert len(rows) == 3
    assert "100" in re.search(r'<table class="list" id="trend-table">(.*?)</table>', page,
                              re.S).group(1)
