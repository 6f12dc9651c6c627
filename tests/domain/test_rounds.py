"""Rounds over time: corresponding questions, carrying answers over, comparing two rounds."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from kcs_assess.domain.loader import parse_questionnaire
from kcs_assess.domain.rounds import (
    CHANGE_KINDS,
    Carried,
    carry_over,
    compare,
    links,
    successors,
)
from kcs_assess.domain.scoring import score

HEAD = """\
format: 2
id: demo
version: "{version}"
title: Demo
levels: [{{min: 0, key: l0, title: L0}}, {{min: 40, key: l1, title: L1}},
         {{min: 70, key: l2, title: L2}}]
standards:
"""
OLD = parse_questionnaire(HEAD.format(version="1") + """\
  - id: policy
    title: Policy
    criteria:
      - id: policy.a
        title: A
        questions:
          - {id: P1, text: t, help: h, tier: framework, critical: true, action: a}
          - {id: P2, text: t, help: h, tier: framework, action: a}
          - {id: P3, text: t, help: h, tier: practice, action: a}
  - id: people
    title: People
    criteria:
      - id: people.a
        title: A
        questions:
          - {id: E1, text: t, help: h, tier: framework, weight: 2, action: a}
          - {id: E2, text: t, help: h, tier: practice, allow_na: true, action: a}
          - {id: E3, text: t, help: h, tier: practice, action: a}
""")
# 2: P2 split into P2a and P2b; E2 and E3 merged into E4; P3 dropped; P4 new.
NEW = parse_questionnaire(HEAD.format(version="2") + """\
  - id: policy
    title: Policy
    criteria:
      - id: policy.a
        title: A
        questions:
          - {id: P1, text: t, help: h, tier: framework, critical: true, action: a}
          - {id: P2a, text: t, help: h, tier: framework, action: a, replaces: [P2]}
          - {id: P2b, text: t, help: h, tier: practice, action: a, replaces: [P2]}
          - {id: P4, text: t, help: h, tier: practice, action: a}
  - id: people
    title: People
    criteria:
      - id: people.a
        title: A
        questions:
          - {id: E1, text: t, help: h, tier: framework, weight: 2, action: a}
          - {id: E4, text: t, help: h, tier: practice, action: a, replaces: [E2, E3]}
""")


def test_questions_correspond_by_id_and_by_replaces_whichever_comes_first():
    expected = {("P1", "P1"), ("P2", "P2a"), ("P2", "P2b"), ("E1", "E1"), ("E2", "E4"),
                ("E3", "E4")}
    assert links(OLD, NEW) == expected
    assert links(NEW, OLD) == {(b, a) for a, b in expected}
    assert successors(OLD, NEW) == {"P1": ("P1",), "P2": ("P2a", "P2b"), "E1": ("E1",),
                                    "E2": ("E4",), "E3": ("E4",)}


def test_carrying_over_keeps_answers_and_notes_of_questions_that_still_exist():
    carried = carry_over(OLD, NEW, {"P1": "yes", "P2": "partly", "P3": "no", "E1": "no",
                                    "E2": "yes", "E3": "no"},
                         {"P2": "Drafted in May", "E2": "HR file", "E3": "Not yet"})
    assert carried == {
        "P1": Carried("yes", ""),
        "P2a": Carried("partly", "Drafted in May"),  # a split: each part starts from it
        "P2b": Carried("partly", "Drafted in May"),
        "E1": Carried("no", ""),
        # merged questions answered differently: no answer, both notes
        "E4": Carried(None, "HR file\n\nNot yet"),
    }
    assert "P4" not in carried  # new in this version: unanswered


def test_an_answer_the_new_question_does_not_offer_is_not_carried():
    carried = carry_over(OLD, NEW, {"E2": "na", "E3": "na"}, {})
    assert carried == {}  # E4 does not allow "not applicable"


def test_comparing_two_rounds_lists_worsened_first():
    before_answers = {"P1": "no", "P2": "partly", "P3": "yes", "E1": "yes", "E2": "yes",
                      "E3": "no"}
    after_answers = {"P1": "yes", "P2a": "no", "P2b": "yes", "P4": "yes", "E1": "yes",
                     "E4": "partly"}
    comparison = compare(score(OLD, before_answers), before_answers,
                         score(NEW, after_answers), after_answers)
    kinds = [(c.kind, c.before.id if c.before else None, c.after.id if c.after else None)
             for c in comparison.questions]
    assert kinds == [
        ("worsened", "P2", "P2a"), ("worsened", "E2", "E4"),
        ("improved", "P1", "P1"), ("improved", "P2", "P2b"), ("improved", "E3", "E4"),
        ("new", None, "P4"), ("removed", "P3", None), ("unchanged", "E1", "E1"),
    ]
    # Policy before: P1 no (0) + P2 partly (0.5) + P3 yes (1) = 1.5 of 3 = 50, capped at L1.
    # After: P1 1 + P2a 0 + P2b 1 + P4 1 = 3 of 4 = 75, L2.
    policy = comparison.standards[0]
    assert (policy.before, policy.after, policy.change) == (50.0, 75.0, 25.0)
    assert (policy.before_level.key, policy.after_level.key) == ("l1", "l2")
    assert comparison.before.minimum_met is False and comparison.after.minimum_met is True


def test_not_applicable_and_hidden_questions_do_not_count():
    answers = {"E2": "na"}
    comparison = compare(score(OLD, answers), answers, score(OLD, {}), {})
    assert comparison.questions == ()


ANSWER = st.sampled_from(["yes", "partly", "no", "unknown", "na", None])


def answers_for(questionnaire, draw_values):
    return {q.id: value for q, value in zip(questionnaire.questions, draw_values, strict=False)
            if value is not None and value in q.options}


@given(st.lists(ANSWER, min_size=6, max_size=6), st.lists(ANSWER, min_size=6, max_size=6))
@example(["yes"] * 6, ["no"] * 6)
def test_comparing_a_round_with_itself_changes_nothing(first, second):
    for questionnaire, values in ((OLD, first), (NEW, second)):
        answers = answers_for(questionnaire, values)
        result = score(questionnaire, answers)
        comparison = compare(result, answers, result, answers)
        assert {c.kind for c in comparison.questions} <= {"unchanged"}
        assert comparison.overall.change in (0, None)
        assert all(s.change in (0, None) for s in comparison.standards)


REVERSED = {"worsened": "improved", "improved": "worsened", "new": "removed",
            "removed": "new", "unchanged": "unchanged"}


@given(st.lists(ANSWER, min_size=6, max_size=6), st.lists(ANSWER, min_size=6, max_size=6),
       st.booleans())
@example(["yes", "partly", "yes", "no", "na", "yes"], ["no", "no", "yes", None, "yes", "yes"],
         True)
def test_swapping_the_two_rounds_reverses_every_change(first, second, across_versions):
    later = NEW if across_versions else OLD
    a_answers, b_answers = answers_for(OLD, first), answers_for(later, second)
    a, b = score(OLD, a_answers), score(later, b_answers)
    forward = compare(a, a_answers, b, b_answers)
    backward = compare(b, b_answers, a, a_answers)

    def rows(comparison, swap: bool) -> list[tuple[str, str, str]]:
        """Each change as (kind, earlier id, later id), read the other way round if swap."""
        found = []
        for change in comparison.questions:
            earlier, later_question = change.before, change.after
            if swap:
                earlier, later_question = later_question, earlier
            found.append((REVERSED[change.kind] if swap else change.kind,
                          earlier.id if earlier else "",
                          later_question.id if later_question else ""))
        return sorted(found)

    assert rows(forward, swap=False) == rows(backward, swap=True)
    assert forward.overall.change == (None if backward.overall.change is None
                                      else -backward.overall.change)
    for ahead, behind in zip(sorted(forward.standards, key=lambda s: s.standard_id),
                             sorted(backward.standards, key=lambda s: s.standard_id),
                             strict=True):
        assert ahead.change == (None if behind.change is None else -behind.change)
    assert set(CHANGE_KINDS) >= {c.kind for c in forward.questions}
