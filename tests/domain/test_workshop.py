"""The room of a workshop: the minimum-answers rule, disagreement and the room's scores."""

from __future__ import annotations

import pytest

from kcs_assess.domain.loader import parse_questionnaire
from kcs_assess.domain.workshop import agreed_answers, disagreement, most_common, summarise

# "policy": P1 critical (w1), P2 (w2, allows na), C1 unscored context; "people": E1 (w1).
QUESTIONNAIRE = parse_questionnaire("""\
id: room
version: "1"
title: Room
levels:
  - {min: 0, key: l0, title: Not in place}
  - {min: 40, key: l1, title: Developing}
  - {min: 70, key: l2, title: Established}
  - {min: 90, key: l3, title: Embedded}
standards:
  - id: policy
    title: Policy
    criteria:
      - id: policy.a
        title: A
        questions:
          - {id: P1, text: t, help: h, tier: framework, critical: true, action: a1}
          - {id: P2, text: t, help: h, tier: practice, weight: 2, allow_na: true, action: a2}
          - {id: C1, text: t, help: h, tier: framework, scored: false, scale: yes_no}
  - id: people
    title: People
    criteria:
      - id: people.a
        title: A
        questions:
          - {id: E1, text: t, help: h, tier: framework, action: e1}
""")
Q = QUESTIONNAIRE.questions_by_id


@pytest.mark.parametrize(("counts", "expected"), [
    ({"yes": 7}, 0.0),  # everyone agrees
    ({"yes": 5, "no": 5}, 1.0),  # an even split between the ends is the most there can be
    ({"yes": 4, "partly": 4}, 0.5),
    ({"yes": 3, "partly": 3, "no": 3}, 8 / 9),
    ({"yes": 9, "no": 1}, 0.36),  # 2 * (2 * 9 * 1 / 100) / 1
    ({"yes": 3, "unknown": 30, "na": 4}, 0.0),  # don't know and n/a are not opinions
])
def test_disagreement_by_its_definition(counts, expected):
    assert disagreement(counts) == pytest.approx(expected)


def test_disagreement_needs_an_opinion():
    assert disagreement({"unknown": 6}) is None
    assert disagreement({}) is None


def test_disagreement_does_not_depend_on_the_size_of_the_room():
    assert disagreement({"yes": 2, "no": 1}) == pytest.approx(disagreement({"yes": 20, "no": 10}))


def test_most_common_answer_and_ties_go_to_the_less_favourable_answer():
    assert most_common(Q["P1"], {"yes": 3, "no": 1}) == "yes"
    assert most_common(Q["P1"], {"yes": 3, "no": 3}) == "no"
    assert most_common(Q["P1"], {"yes": 2, "partly": 2}) == "partly"
    assert most_common(Q["P2"], {"no": 2, "na": 2}) == "no"
    assert most_common(Q["P1"], {}) is None
    # An answer the question does not offer (a tampered row) is never chosen.
    assert most_common(Q["P1"], {"na": 9, "yes": 1}) == "yes"


def test_nothing_about_a_question_below_the_minimum():
    room = summarise(QUESTIONNAIRE, {"P1": {"yes": 2, "no": 2}, "E1": {"yes": 5}}, 5)
    p1 = next(q for q in room.questions if q.question.id == "P1")
    assert p1.withheld
    assert (p1.total, p1.counts, p1.most_common, p1.disagreement, p1.unknown_share) == (
        None, (), None, None, None)
    assert p1.share("yes") == 0
    assert [q.question.id for q in room.shown] == ["E1"]
    assert "P1" not in agreed_answers(room)
    # The withheld question counts in no score: policy has nothing shown.
    policy = room.standards[0]
    assert (policy.score, policy.level, policy.shown, policy.withheld) == (None, None, 0, 3)


def test_a_question_appears_once_it_reaches_the_minimum():
    room = summarise(QUESTIONNAIRE, {"P1": {"yes": 3, "no": 2}}, 5)
    p1 = room.questions[0]
    assert not p1.withheld
    assert p1.total == 5
    assert p1.counts == (("yes", 3), ("partly", 0), ("no", 2), ("unknown", 0))
    assert p1.share("no") == pytest.approx(0.4)


def test_the_minimum_is_never_below_three():
    with pytest.raises(ValueError):
        summarise(QUESTIONNAIRE, {}, 2)


def test_room_score_counts_every_answer_once():
    # P1 (w1): 3 yes, 1 partly, 1 unknown -> 3.5 of 5; P2 (w2): 4 no, 1 yes, 2 n/a -> 1 of 5.
    # policy = 100 * (3.5 + 2 * 1) / (5 + 2 * 5) = 36.67; C1 is unscored.
    room = summarise(QUESTIONNAIRE, {
        "P1": {"yes": 3, "partly": 1, "unknown": 1},
        "P2": {"no": 4, "yes": 1, "na": 2},
        "C1": {"yes": 5},
        "E1": {"yes": 5},
    }, 5)
    policy, people = room.standards
    assert policy.score == pytest.approx(100 * 5.5 / 15)
    assert policy.level.key == "l0"
    assert people.score == pytest.approx(100.0)
    assert people.level.key == "l3"
    assert room.score == pytest.approx((100 * 5.5 / 15 + 100) / 2)


def test_a_critical_question_with_fewer_than_half_yes_holds_the_level():
    half = summarise(QUESTIONNAIRE, {"P1": {"yes": 3, "partly": 3}}, 5).standards[0]
    assert half.score == pytest.approx(75.0)
    assert (half.capped, half.level.key) == (False, "l2")  # half "yes" is enough
    fewer = summarise(QUESTIONNAIRE, {"P1": {"yes": 5, "no": 6}}, 5).standards[0]
    assert fewer.capped
    assert fewer.level.key == "l1"  # 5 of 11: 45.5, Developing, which the cap allows
    held = summarise(QUESTIONNAIRE, {"P1": {"yes": 4, "partly": 6}, "P2": {"yes": 9}}, 5)
    # 100 * (4 + 3 + 2 * 9) / (10 + 18) = 89.3 -> l2 by score; capped at the second level.
    assert held.standards[0].capped
    assert held.standards[0].level.key == "l1"
    assert held.level.key == "l1"


def test_discuss_the_most_divided_questions_first_and_find_out_apart():
    room = summarise(QUESTIONNAIRE, {
        "P1": {"yes": 4, "partly": 4},  # 0.5
        "P2": {"yes": 5, "no": 5},  # 1.0
        "C1": {"yes": 5, "unknown": 5},  # no disagreement among opinions, half don't know
        "E1": {"yes": 8, "unknown": 2},
    }, 5)
    assert [q.question.id for q in room.discuss] == ["P2", "P1"]
    assert [q.question.id for q in room.find_out] == ["C1", "E1"]
    assert room.find_out[0].unknown_share == pytest.approx(0.5)


def test_agreed_answers_preselect_the_most_common_answer():
    room = summarise(QUESTIONNAIRE, {"P1": {"yes": 5, "no": 5}, "E1": {"partly": 4, "yes": 1},
                                     "P2": {"yes": 1}}, 5)
    assert agreed_answers(room) == {"P1": "no", "E1": "partly"}
