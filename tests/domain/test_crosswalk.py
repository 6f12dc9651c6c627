"""The crosswalk: what the answers indicate for each item of the frameworks maps_to names."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from test_scoring_properties import (
    FRAMEWORKS,
    IMPROVEMENTS,
    PROPERTY_SETTINGS,
    referenced,
    scored_cases,
)

from kcs_assess.config import DEFAULT_FRAMEWORKS_FILE, DEFAULT_QUESTIONNAIRE_DIR
from kcs_assess.domain.catalogue import load_catalogue
from kcs_assess.domain.crosswalk import crosswalk, informative
from kcs_assess.domain.loader import parse_frameworks, parse_questionnaire
from kcs_assess.domain.scoring import score

DEMO_FRAMEWORKS = parse_frameworks("""\
frameworks:
  - id: fa
    title: Framework A
    edition: "2020"
    items:
      - {id: a1, number: "1", title: Policy}
      - {id: a2, number: "2", title: Vetting}
      - {id: a3, number: "3", title: Partners}
      - {id: a4, number: "4", title: Never asked about}
  - id: unmapped
    title: A framework no question maps to
    edition: "1"
    items: [{id: x, title: Anything}]
  - id: fb
    title: Framework B
    edition: "2014"
    items: [{id: 1, title: Complaints}, {id: 2, title: Learning}]
""")

DEMO = parse_questionnaire("""\
id: demo
version: "1"
format: 2
title: Demo
levels:
  - {min: 0, key: not_in_place, title: Not in place}
  - {min: 40, key: developing, title: Developing}
  - {min: 70, key: established, title: Established}
standards:
  - id: policy
    title: Policy
    criteria:
      - id: policy.main
        title: Main
        questions:
          - {id: Q1, text: Policy, help: H, tier: framework, weight: 2, critical: true,
             action: A, maps_to: {fa: [a1]}}
          - {id: Q2, text: Vetting, help: H, tier: practice, action: A,
             maps_to: {fa: [a1, a2]}}
          - {id: Q3, text: Partners, help: H, tier: framework, scored: false, scale: yes_no}
          - {id: Q4, text: Partner rules, help: H, tier: practice, allow_na: true, action: A,
             show_if: {question: Q3, in: ["yes", "unknown"]}, maps_to: {fa: [a3]}}
          - {id: Q5, text: Complaints, help: H, tier: practice, action: A,
             maps_to: {fb: [1]}}
""", "demo.yaml", DEMO_FRAMEWORKS)

ALL_YES = {"Q1": "yes", "Q2": "yes", "Q3": "yes", "Q4": "yes", "Q5": "yes"}


def statuses(answers: dict[str, str]) -> dict[str, tuple[str, list[str]]]:
    """Return {"framework/item": (status, [question ids behind it])}."""
    return {
        f"{f.framework.id}/{i.item.id}": (i.status, [q.id for q in i.questions])
        for f in crosswalk(score(DEMO, answers), answers, DEMO_FRAMEWORKS) for i in f.items
    }


def test_every_yes_meets_each_item_asked_about_and_leaves_the_others_not_assessed():
    readiness = crosswalk(score(DEMO, ALL_YES), ALL_YES, DEMO_FRAMEWORKS)
    assert [f.framework.id for f in readiness] == ["fa", "fb"]  # unmapped is left out
    assert statuses(ALL_YES) == {
        "fa/a1": ("met", ["Q1", "Q2"]),
        "fa/a2": ("met", ["Q2"]),
        "fa/a3": ("met", ["Q4"]),
        "fa/a4": ("not_assessed", []),
        "fb/1": ("met", ["Q5"]),
        "fb/2": ("not_assessed", []),
    }


def test_a_critical_question_not_yes_means_not_met_whatever_the_score():
    result = statuses({**ALL_YES, "Q1": "partly"})
    assert result["fa/a1"] == ("not_met", ["Q1", "Q2"])  # scores 2 / 3: above Developing
    assert result["fa/a2"] == ("met", ["Q2"])


def test_partly_in_place_above_the_second_level_is_partly_met():
    result = statuses({**ALL_YES, "Q2": "partly"})
    assert result["fa/a1"][0] == "partly"  # 2.5 / 3
    assert result["fa/a2"][0] == "partly"  # 50, above Developing's 40


def test_a_score_below_the_second_level_is_not_met():
    result = statuses({**ALL_YES, "Q2": "no"})
    assert result["fa/a2"][0] == "not_met"  # 0, below Developing's 40
    assert result["fa/a1"][0] == "partly"  # 2 / 3


def test_dont_know_counts_as_not_yes():
    assert statuses({**ALL_YES, "Q2": "unknown"}) == statuses({**ALL_YES, "Q2": "no"})


def test_a_not_applicable_answer_is_left_out():
    assert statuses({**ALL_YES, "Q4": "na"})["fa/a3"] == ("not_assessed", [])


def test_a_hidden_follow_up_does_not_count_even_with_an_answer_kept_from_before():
    assert statuses({**ALL_YES, "Q3": "no", "Q4": "no"})["fa/a3"] == ("not_assessed", [])
    # "Don't know" whether partners are involved still asks about them (format 2).
    assert statuses({**ALL_YES, "Q3": "unknown", "Q4": "no"})["fa/a3"] == ("not_met", ["Q4"])


def test_a_draft_is_met_only_once_every_question_behind_it_is_answered_yes():
    result = statuses({"Q1": "yes"})
    assert result["fa/a1"] == ("partly", ["Q1", "Q2"])
    assert result["fa/a2"] == ("not_assessed", ["Q2"])
    assert all(status == "not_assessed" for status, _ in statuses({}).values())


def test_the_shipped_questionnaires_map_only_to_items_the_frameworks_describe():
    catalogue = load_catalogue([DEFAULT_QUESTIONNAIRE_DIR], DEFAULT_FRAMEWORKS_FILE)
    assert [f.id for f in catalogue.frameworks.frameworks] == ["un-ip-psea", "iasc-mos", "chs"]
    assert [i.number for i in catalogue.frameworks.get("un-ip-psea").items] == [
        str(n) for n in range(1, 9)]
    assert len(catalogue.frameworks.get("iasc-mos").items) == 8
    assert len(catalogue.frameworks.get("chs").items) == 9
    assert catalogue.frameworks.get("chs").edition == "2014"
    quick = catalogue.get("quick-check", "2026.1")
    answers = {q.id: "yes" for q in quick.questions}
    readiness = crosswalk(score(quick, answers), answers, catalogue.frameworks)
    un = next(f for f in readiness if f.framework.id == "un-ip-psea")
    assert un.items[0].status == "met"
    assert {q.id for q in un.items[0].questions} == {
        q.id for q in quick.questions if "cs1" in dict(q.maps_to).get("un-ip-psea", ())}


# -- properties over generated questionnaires (tests/domain/test_scoring_properties.py) ----

RANK = {"not_met": 0, "partly": 1, "met": 2}


def outcome(questionnaire, answers):
    return {(f.framework.id, i.item.id): (i.status, tuple(q.id for q in i.questions))
            for f in crosswalk(score(questionnaire, answers), answers, FRAMEWORKS)
            for i in f.items}


@PROPERTY_SETTINGS
@given(scored_cases())
def test_each_item_follows_the_rule(case) -> None:
    questionnaire, answers = case
    result = score(questionnaire, answers)
    readiness = crosswalk(result, answers, FRAMEWORKS)
    mapped = {name for q in questionnaire.questions for name, _ in q.maps_to}
    assert [f.framework.id for f in readiness] == [
        f.id for f in FRAMEWORKS.frameworks if f.id in mapped]
    for framework in readiness:
        assert [i.item for i in framework.items] == list(framework.framework.items)
        for item in framework.items:
            expected = [q for q in questionnaire.questions
                        if q.id in result.shown and q.scored and answers.get(q.id) != "na"
                        and item.item.id in dict(q.maps_to).get(framework.framework.id, ())]
            assert list(item.questions) == expected
            given_answers = [answers[q.id] for q in expected if q.id in answers]
            if not given_answers:
                assert item.status == "not_assessed" and item.score is None
            elif len(given_answers) == len(expected) and set(given_answers) == {"yes"}:
                assert item.status == "met" and item.score == pytest.approx(100)
            elif any(q.critical and answers.get(q.id, "yes") != "yes" for q in expected):
                assert item.status == "not_met"
            else:
                assert item.status in ("partly", "not_met")
                assert (item.status == "not_met") == (
                    item.score + 1e-9 < questionnaire.levels[1].min)


@PROPERTY_SETTINGS
@given(scored_cases(), st.data())
def test_improving_an_answer_never_lowers_an_items_status(case, data) -> None:
    questionnaire, answers = case
    free = referenced(questionnaire)
    candidates = [q for q in questionnaire.questions
                  if q.id not in free and answers.get(q.id) in IMPROVEMENTS
                  and any(a in q.options for a in IMPROVEMENTS[answers[q.id]])]
    assume(candidates)
    question = data.draw(st.sampled_from(candidates), label="question")
    better = data.draw(st.sampled_from(
        [a for a in IMPROVEMENTS[answers[question.id]] if a in question.options]))
    before = outcome(questionnaire, answers)
    after = outcome(questionnaire, {**answers, question.id: better})
    for key, (status, questions) in before.items():
        assert after[key][1] == questions
        if status == "not_assessed":
            assert after[key][0] == "not_assessed"
        else:
            assert RANK[after[key][0]] >= RANK[status], (key, status, after[key])


@PROPERTY_SETTINGS
@given(scored_cases())
def test_dont_know_and_no_read_alike(case) -> None:
    questionnaire, answers = case
    free = referenced(questionnaire)  # a show_if may list one and not the other
    as_no = {k: "no" if v == "unknown" and k not in free else v for k, v in answers.items()}
    assert outcome(questionnaire, answers) == outcome(questionnaire, as_no)


def test_a_crosswalk_with_nothing_assessed_is_not_worth_showing():
    catalogue = load_catalogue([DEFAULT_QUESTIONNAIRE_DIR], DEFAULT_FRAMEWORKS_FILE)
    quick = catalogue.get("quick-check")
    nothing = crosswalk(score(quick, {}), {}, catalogue.frameworks)
    assert nothing and informative(nothing) == ()
    first = quick.questions[0]
    some = crosswalk(score(quick, {first.id: "yes"}), {first.id: "yes"}, catalogue.frameworks)
    assert informative(some) == some
