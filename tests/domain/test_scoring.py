"""Scoring, gaps and plan: one test per rule of DESIGN.md."""

from __future__ import annotations

import pytest

from kcs_assess.domain.loader import parse_questionnaire
from kcs_assess.domain.questionnaire import Questionnaire
from kcs_assess.domain.scoring import level_for, level_ranges, score, shown_score

# Two standards. "policy": P1 critical framework (w1), P2 practice (w2), P3 practice (w1,
# allows na), C1 an unscored context question, P4 shown only when C1 is yes (practice, w1).
# "people": E1 framework (w1), E2 practice (w3).
QUESTIONNAIRE = parse_questionnaire("""\
id: rules
version: "1"
title: Rules
levels:
  - {min: 0, key: l0, title: Not in place}
  - {min: 40, key: l1, title: Developing}
  - {min: 70, key: l2, title: Established}
  - {min: 90, key: l3, title: Embedded}
timeframes: {low: 9}
standards:
  - id: policy
    title: Policy
    criteria:
      - id: policy.a
        title: A
        questions:
          - {id: P1, text: t, help: h, tier: framework, critical: true, action: a1}
          - {id: P2, text: t, help: h, tier: practice, weight: 2, action: a2}
          - {id: P3, text: t, help: h, tier: practice, allow_na: true, action: a3}
          - {id: C1, text: t, help: h, tier: framework, scored: false, scale: yes_no}
          - {id: P4, text: t, help: h, tier: practice, action: a4,
             show_if: {question: C1, in: ["yes"]}}
  - id: people
    title: People
    criteria:
      - id: people.a
        title: A
        questions:
          - {id: E1, text: t, help: h, tier: framework, action: e1}
          - {id: E2, text: t, help: h, tier: practice, weight: 3, action: e2}
""")

ALL_YES = {"P1": "yes", "P2": "yes", "P3": "yes", "C1": "yes", "P4": "yes", "E1": "yes",
           "E2": "yes"}


def result(**answers: str):
    return score(QUESTIONNAIRE, {**ALL_YES, **answers})


def standard(res, standard_id):
    return res.for_standard(standard_id)


def test_answer_values_yes_partly_no_unknown():
    # policy: P1 1 + P2 2*0.5 + P3 0 + P4 0(unknown) over weights 1+2+1+1
    res = result(P2="partly", P3="no", P4="unknown")
    assert standard(res, "policy").score == pytest.approx(100 * (1 + 1 + 0 + 0) / 5)


def test_not_applicable_is_left_out_and_the_rest_reweighted():
    res = result(P3="na", P2="partly")
    assert standard(res, "policy").score == pytest.approx(100 * (1 + 1 + 1) / 4)


def test_hidden_question_is_left_out_whatever_its_stored_answer():
    res = result(C1="no", P4="no")
    assert standard(res, "policy").score == 100
    assert "P4" not in res.shown
    assert all(g.question.id != "P4" for g in res.plan)


def test_show_if_holds_only_when_the_named_question_is_answered_with_a_listed_answer():
    answers = {k: v for k, v in ALL_YES.items() if k != "C1"}
    assert "P4" not in score(QUESTIONNAIRE, answers).shown
    assert "P4" in score(QUESTIONNAIRE, {**answers, "C1": "yes"}).shown


def test_a_not_applicable_answer_never_opens_a_follow_up():
    # The loader refuses "na" in a show_if list; a snapshot stored before that rule may hold it.
    data = QUESTIONNAIRE.to_dict()
    policy = data["standards"][0]["criteria"][0]["questions"]
    policy[4]["show_if"] = {"question": "P3", "in": ["no", "na"]}  # P4 follows P3
    snapshot = Questionnaire.from_dict(data)
    res = score(snapshot, {**ALL_YES, "P3": "na", "P4": "no"})
    assert "P4" not in res.shown
    assert standard(res, "policy").score == 100
    assert "P4" in score(snapshot, {**ALL_YES, "P3": "no", "P4": "no"}).shown


def test_unscored_context_question_never_scores_or_becomes_a_gap():
    res = result(C1="unknown")
    assert standard(res, "policy").score == 100
    assert res.plan == ()
    assert [q.id for q in res.find_out] == ["C1"]


def test_standard_score_is_the_weighted_mean():
    res = result(E1="no")
    assert standard(res, "people").score == pytest.approx(100 * 3 / 4)


def test_overall_score_is_the_mean_of_assessed_standards():
    res = result(E1="no")
    assert res.score == pytest.approx((100 + 75) / 2)


def test_standard_with_nothing_included_is_not_assessed_not_zero():
    answers = {"P1": "no", "P2": "no"}  # a draft: people not started
    res = score(QUESTIONNAIRE, answers)
    people = standard(res, "people")
    assert people.score is None and people.level is None and not people.assessed
    assert res.score == standard(res, "policy").score == 0


def test_a_standard_not_assessed_does_not_count_in_the_overall():
    # policy all yes (100), people not started: the overall is 100, not (100 + 0) / 2 = 50.
    res = score(QUESTIONNAIRE, {"P1": "yes", "P2": "yes", "P3": "yes", "C1": "no"})
    assert not standard(res, "people").assessed
    assert res.score == 100
    assert res.level.key == "l3"


def test_nothing_answered_gives_no_overall_score():
    res = score(QUESTIONNAIRE, {})
    assert res.score is None and res.level is None


def test_draft_scores_count_answered_questions_only():
    res = score(QUESTIONNAIRE, {"E2": "yes"})
    assert standard(res, "people").score == 100
    assert not res.complete
    assert {q.id for q in res.unanswered} == {"P1", "P2", "P3", "C1", "E1"}


def test_level_is_the_highest_whose_minimum_the_score_reaches():
    assert standard(result(E2="no"), "people").level.key == "l0"  # 25
    assert standard(result(E1="no"), "people").level.key == "l2"  # 75
    assert standard(result(E1="partly"), "people").level.key == "l2"  # 87.5
    assert standard(result(), "people").level.key == "l3"  # 100


def test_level_boundary_counts_as_reached():
    # P1 yes (1) + P2 no (0) + P3 partly (.5) + P4 partly (.5) = 2 of 5 -> exactly 40
    res = result(P2="no", P3="partly", P4="partly")
    assert standard(res, "policy").score == pytest.approx(40)
    assert standard(res, "policy").level.key == "l1"


def test_critical_question_not_yes_caps_its_standard_at_the_second_level():
    res = result(P1="partly")  # policy 0.5/5 off -> 90
    policy = standard(res, "policy")
    assert policy.score == pytest.approx(90)
    assert policy.level.key == "l1" and policy.capped


def test_cap_never_raises_a_lower_level():
    res = result(P1="no", P2="no", P3="no", P4="no")
    assert standard(res, "policy").level.key == "l0"


def test_held_back_only_where_the_cap_lowered_the_level():
    held = standard(result(P1="partly"), "policy")  # 90: Embedded by score, held at l1
    assert held.capped and held.held_back
    # 0.5 + 0 + 1 + 1 of 5 = 50: Developing by the score alone, the cap changes nothing.
    not_lowered = standard(result(P1="partly", P2="no"), "policy")
    assert not_lowered.score == pytest.approx(50) and not_lowered.level.key == "l1"
    assert not_lowered.capped and not not_lowered.held_back
    below = standard(result(P1="no", P2="no", P3="no", P4="no"), "policy")
    assert below.capped and not below.held_back
    assert not standard(result(), "policy").held_back


def test_minimum_requirements_met_only_when_every_included_critical_is_yes():
    assert result().minimum_met is True
    failing = result(P1="unknown")
    assert failing.minimum_met is False
    assert [q.id for q in failing.failing_critical] == ["P1"]


def test_overall_level_is_capped_while_minimum_requirements_are_not_met():
    res = result(P1="partly")
    assert res.score == pytest.approx(95)
    assert res.level.key == "l1"
    assert result().level.key == "l3"


def test_minimum_requirements_unknown_while_a_draft_leaves_a_critical_unanswered():
    assert score(QUESTIONNAIRE, {"E1": "yes"}).minimum_met is None


@pytest.mark.parametrize(("question", "answer", "severity"), [
    ("P1", "partly", "critical"),
    ("P1", "no", "critical"),
    ("E2", "no", "high"),
    ("E2", "unknown", "high"),
    ("E1", "no", "medium"),
    ("E1", "unknown", "medium"),
    ("E2", "partly", "medium"),
    ("E1", "partly", "low"),
])
def test_gap_severity(question: str, answer: str, severity: str):
    [gap] = result(**{question: answer}).plan
    assert (gap.question.id, gap.severity) == (question, severity)


def test_yes_and_na_are_never_gaps():
    assert result(P3="na").plan == ()


def test_plan_orders_by_severity_then_standard_then_question():
    res = result(E1="partly", P3="partly", E2="no", P2="no", P1="no", P4="no")
    assert [(g.severity, g.question.id) for g in res.plan] == [
        ("critical", "P1"), ("high", "P2"), ("high", "E2"), ("medium", "P4"),
        ("low", "P3"), ("low", "E1"),
    ]


def test_plan_time_frames_default_and_override():
    res = result(P1="no", E2="no", E1="no", P3="partly")
    months = {g.question.id: g.timeframe_months for g in res.plan}
    assert months == {"P1": 1, "E2": 3, "E1": 6, "P3": 9}


def test_plan_carries_the_questions_action():
    [gap] = result(E2="partly").plan
    assert gap.question.action == "e2"


def test_dont_know_answers_are_listed_to_find_out():
    res = result(P2="unknown", E1="unknown")
    assert [q.id for q in res.find_out] == ["P2", "E1"]


def test_framework_and_practice_scores_are_reported_apart():
    res = result(P2="no", P4="no", P3="no")
    policy = standard(res, "policy")
    assert policy.framework == 100
    assert policy.practice == 0


def test_tier_with_no_included_question_is_not_assessed():
    res = score(QUESTIONNAIRE, {"E1": "yes"})
    assert standard(res, "people").practice is None


def test_scores_are_kept_unrounded():
    res = result(P3="na", P4="partly", P2="partly")  # (1 + 1 + .5) / 4 = 62.5
    assert standard(res, "policy").score == 62.5
    assert res.score == pytest.approx((62.5 + 100) / 2)


def test_complete_when_every_included_question_is_answered():
    assert result().complete
    hidden_unanswered = {k: v for k, v in ALL_YES.items() if k != "P4"}
    assert score(QUESTIONNAIRE, {**hidden_unanswered, "C1": "no"}).complete


def test_step_status_follows_the_visible_questions():
    res = score(QUESTIONNAIRE, {"P1": "yes", "C1": "no", "P2": "yes", "P3": "na"})
    assert standard(res, "policy").status == "done"
    assert standard(res, "people").status == "not_started"
    assert standard(score(QUESTIONNAIRE, {"E1": "no"}), "people").status == "in_progress"


def test_a_shown_score_never_reaches_a_threshold_the_score_did_not():
    from kcs_assess.domain.scoring import shown_score

    assert shown_score(89.5) == 89
    assert shown_score(100.0) == 100
    assert shown_score(69.99999999999999) == 70  # float noise around a whole number


def test_float_noise_does_not_drop_a_level():
    from kcs_assess.domain.scoring import level_for

    assert level_for(QUESTIONNAIRE.levels, 69.99999999999999, capped=False).key == "l2"


def test_plan_status_never_calls_an_unanswered_assessment_free_of_gaps():
    assert score(QUESTIONNAIRE, {}).plan_status == "nothing_answered"
    assert score(QUESTIONNAIRE, {}).answered == 0
    draft = score(QUESTIONNAIRE, {"E1": "yes", "E2": "yes"})
    assert draft.plan == () and draft.plan_status == "incomplete"
    assert draft.answered == 2
    assert result().plan_status == "no_gaps"
    assert result(E1="no").plan_status == "gaps"
    assert score(QUESTIONNAIRE, {"E1": "no"}).plan_status == "gaps"  # a draft with a gap


def test_plan_status_when_nothing_that_applied_is_scored():
    only_na = parse_questionnaire("""\
id: na
version: "1"
title: NA
levels: [{min: 0, key: l0, title: L0}, {min: 50, key: l1, title: L1}]
standards:
  - id: s
    title: S
    criteria:
      - id: s.a
        title: A
        questions:
          - {id: Q1, text: t, help: h, tier: framework, allow_na: true, action: a}
""")
    res = score(only_na, {"Q1": "na"})
    assert res.complete and res.plan == () and res.score is None
    assert res.plan_status == "nothing_scored"


PRIORITIES = parse_questionnaire("""\
id: priorities
version: "1"
title: Priorities
levels: [{min: 0, key: l0, title: L0}, {min: 50, key: l1, title: L1}]
standards:
  - id: s
    title: S
    criteria:
      - id: s.a
        title: A
        questions:
          - {id: M1, text: t, help: h, tier: framework, action: m}
          - {id: H1, text: t, help: h, tier: framework, weight: 2, action: h}
          - {id: H2, text: t, help: h, tier: framework, weight: 2, action: h}
          - {id: H3, text: t, help: h, tier: framework, weight: 2, action: h}
          - {id: C1, text: t, help: h, tier: framework, critical: true, action: c}
          - {id: C2, text: t, help: h, tier: framework, critical: true, action: c}
          - {id: C3, text: t, help: h, tier: framework, critical: true, action: c}
""")


def test_top_priorities_are_the_critical_gaps_then_the_first_high_ones_at_most_five():
    answers = {q.id: "no" for q in PRIORITIES.questions}
    top = score(PRIORITIES, answers).top_priorities
    assert [g.question.id for g in top] == ["C1", "C2", "C3", "H1", "H2"]
    only_medium = score(PRIORITIES, {**{q.id: "yes" for q in PRIORITIES.questions},
                                     "M1": "no", "H1": "partly"})
    assert len(only_medium.plan) == 2 and only_medium.top_priorities == ()
    one_high = score(PRIORITIES, {**{q.id: "yes" for q in PRIORITIES.questions}, "H3": "no"})
    assert [g.question.id for g in one_high.top_priorities] == ["H3"]


def test_strengths_are_the_criteria_fully_in_place():
    assert [(s.standard.id, s.criterion.id) for s in result().strengths] == [
        ("policy", "policy.a"), ("people", "people.a")]
    assert [s.criterion.id for s in result(E1="partly").strengths] == ["policy.a"]
    # Not applicable and unscored questions are left out; the yes answers still count.
    na = result(P3="na", C1="no")
    assert [s.criterion.id for s in na.strengths] == ["policy.a", "people.a"]
    assert [q.id for q in na.strengths[0].questions] == ["P1", "P2"]
    # A criterion with a question still unanswered is not known to be fully in place.
    assert [s.criterion.id for s in score(QUESTIONNAIRE, {"E1": "yes"}).strengths] == []
    assert score(QUESTIONNAIRE, {}).strengths == ()


def test_each_level_covers_the_shown_scores_up_to_the_next_levels_minimum():
    ranges = [(level.key, low, high) for level, low, high in level_ranges(QUESTIONNAIRE.levels)]
    assert ranges == [("l0", 0, 39), ("l1", 40, 69), ("l2", 70, 89), ("l3", 90, 100)]
    # A shown score is rounded down: 69.9 is shown as 69, at l1, as the range says.
    assert level_for(QUESTIONNAIRE.levels, 69.9, capped=False).key == "l1"
    assert shown_score(69.9) == 69
