"""Property tests for the scoring contract in DESIGN.md ("Scoring (pure functions ...)").

Hypothesis builds small random questionnaires (standards, criteria, weighted, critical,
tiered, not-applicable-allowing, unscored, show_if-linked and crosswalk-mapped questions) and
random answer maps, and checks the rules that must hold for every one of them.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from flask import Flask
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from kcs_assess import create_app
from kcs_assess.domain.loader import parse_frameworks, parse_questionnaire
from kcs_assess.domain.questionnaire import (
    ANSWER_VALUES,
    SCALES,
    SEVERITIES,
    Questionnaire,
)
from kcs_assess.domain.scoring import Result, score, visible_questions

PROPERTY_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# Two small frameworks for the generated questionnaires' maps_to.
FRAMEWORKS = parse_frameworks("""\
frameworks:
  - id: fa
    title: Framework A
    edition: "1"
    items: [{id: a1, title: A one}, {id: a2, title: A two}, {id: a3, title: A three}]
  - id: fb
    title: Framework B
    edition: "2"
    items: [{id: 1, title: B one}, {id: 2, title: B two}]
""")

IMPROVEMENTS = {
    "unknown": ("partly", "yes"),
    "no": ("partly", "yes"),
    "partly": ("yes",),
}


# -- strategies ---------------------------------------------------------------------------

weights = st.one_of(
    st.integers(min_value=1, max_value=5),
    st.floats(min_value=0.01, max_value=50, allow_nan=False, allow_infinity=False),
)


@st.composite
def level_dicts(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Two to four levels, the first at 0, minimums rising and at most 100."""
    rest = draw(st.lists(st.integers(min_value=1, max_value=100), min_size=1, max_size=3,
                         unique=True))
    mins = [0, *sorted(rest)]
    return [{"key": f"L{i}", "min": m, "title": f"Level {i}"} for i, m in enumerate(mins)]


def _options(question: dict[str, Any]) -> tuple[str, ...]:
    keys = SCALES[question["scale"]]
    return keys + ("na",) if question["allow_na"] else keys


@st.composite
def maps_to_dicts(draw: st.DrawFn) -> dict[str, list[str]]:
    """References to some items of FRAMEWORKS, as maps_to holds them."""
    result = {}
    for framework in FRAMEWORKS.frameworks:
        refs = draw(st.lists(st.sampled_from([item.id for item in framework.items]),
                             unique=True, max_size=2))
        if refs:
            result[framework.id] = refs
    return result


@st.composite
def questionnaire_dicts(draw: st.DrawFn, na_in_show_if: bool = False) -> dict[str, Any]:
    """A questionnaire in Questionnaire.to_dict() shape, valid for the loader too.

    na_in_show_if: let show_if lists hold "na", which the loader refuses but which a snapshot
    stored before that rule might hold.
    """
    earlier: list[dict[str, Any]] = []
    standards = []
    for s in range(draw(st.integers(min_value=1, max_value=4))):
        criteria = []
        for c in range(draw(st.integers(min_value=1, max_value=3))):
            questions = []
            for _ in range(draw(st.integers(min_value=1, max_value=5))):
                scored = draw(st.integers(0, 4)) > 0  # mostly scored; some context questions
                question: dict[str, Any] = {
                    "id": f"Q{len(earlier) + 1}",
                    "text": f"Question {len(earlier) + 1}?",
                    "help": "Some help.",
                    "tier": draw(st.sampled_from(("framework", "practice"))),
                    "scale": draw(st.sampled_from(tuple(SCALES))),
                    "action": f"Fix question {len(earlier) + 1}.",
                    "weight": draw(weights),
                    "critical": scored and draw(st.integers(0, 3)) == 0,
                    "allow_na": draw(st.booleans()),
                    "scored": scored,
                }
                if earlier and draw(st.integers(0, 2)) == 0:
                    target = draw(st.sampled_from(earlier))
                    listed = [a for a in _options(target) if na_in_show_if or a != "na"]
                    answers = draw(st.lists(st.sampled_from(listed), min_size=1, unique=True))
                    question["show_if"] = {"question": target["id"], "in": answers}
                if scored and draw(st.booleans()):
                    question["maps_to"] = draw(maps_to_dicts())
                    if not question["maps_to"]:
                        del question["maps_to"]
                questions.append(question)
                earlier.append(question)
            criteria.append({"id": f"S{s}.C{c}", "title": f"Criterion {s}.{c}",
                             "questions": questions})
        standards.append({"id": f"S{s}", "title": f"Standard {s}",
                          "description": "", "criteria": criteria})
    return {
        "id": "prop-test",
        "version": "1",
        "title": "Property test questionnaire",
        "description": "",
        "audience": [],
        "minutes": 10,
        "timeframes": {"critical": 1, "high": 3, "medium": 6, "low": 12},
        "levels": draw(level_dicts()),
        "standards": standards,
    }


questionnaires = questionnaire_dicts().map(Questionnaire.from_dict)


@st.composite
def answer_maps(draw: st.DrawFn, questionnaire: Questionnaire) -> dict[str, str]:
    """Answers to a random subset of the questions, each from the question's options."""
    answers = {}
    for question in questionnaire.questions:
        answer = draw(st.one_of(st.none(), st.sampled_from(question.options)))
        if answer is not None:
            answers[question.id] = answer
    return answers


@st.composite
def scored_cases(draw: st.DrawFn) -> tuple[Questionnaire, dict[str, str]]:
    questionnaire = draw(questionnaires)
    return questionnaire, draw(answer_maps(questionnaire))


@st.composite
def complete_cases(draw: st.DrawFn) -> tuple[Questionnaire, dict[str, str]]:
    """A questionnaire with every visible question answered (some hidden ones too)."""
    questionnaire = draw(questionnaires)
    answers = {q.id: draw(st.sampled_from(q.options)) for q in questionnaire.questions}
    visible = {q.id for q in visible_questions(questionnaire, answers)}
    for question in questionnaire.questions:
        if question.id not in visible and draw(st.booleans()):
            del answers[question.id]
    return questionnaire, answers


# -- helpers ------------------------------------------------------------------------------

def referenced(questionnaire: Questionnaire) -> set[str]:
    """Ids of the questions some show_if names."""
    return {q.show_if.question for q in questionnaire.questions if q.show_if}


def level_rank(questionnaire: Questionnaire, level) -> int:
    return -1 if level is None else questionnaire.levels.index(level)


def all_scores(result: Result) -> list[float | None]:
    values = [result.score]
    for r in result.standards:
        values += [r.score, r.framework, r.practice]
    return values


def outcome(result: Result) -> dict[str, Any]:
    """What scoring decides, by ids, so results of different questionnaires compare."""
    q = result.questionnaire
    return {
        "score": result.score,
        "level": None if result.level is None else result.level.key,
        "minimum_met": result.minimum_met,
        "failing_critical": [x.id for x in result.failing_critical],
        "plan": [(g.question.id, g.standard.id, g.answer, g.severity, g.timeframe_months)
                 for g in result.plan],
        "standards": {
            r.standard.id: (r.score, None if r.level is None else r.level.key, r.capped,
                            r.framework, r.practice)
            for r in result.standards
        },
        "levels": [lv.key for lv in q.levels],
    }


def without_question(data: dict[str, Any], question_id: str) -> dict[str, Any]:
    data = copy.deepcopy(data)
    for s in data["standards"]:
        for c in s["criteria"]:
            c["questions"] = [x for x in c["questions"] if x["id"] != question_id]
    return data


def with_question_unscored(data: dict[str, Any], question_id: str) -> dict[str, Any]:
    data = copy.deepcopy(data)
    for s in data["standards"]:
        for c in s["criteria"]:
            for x in c["questions"]:
                if x["id"] == question_id:
                    x["scored"] = False
    return data


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    yield create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": "sqlite://"})


# -- the generator itself -----------------------------------------------------------------

@PROPERTY_SETTINGS
@given(questionnaire_dicts())
def test_generated_questionnaires_are_valid_questionnaire_files(data: dict[str, Any]) -> None:
    """The generated questionnaires pass the loader, so the properties test real inputs."""
    parsed = parse_questionnaire(yaml.safe_dump(data, sort_keys=False), frameworks=FRAMEWORKS)
    assert parsed.to_dict() == Questionnaire.from_dict(data).to_dict()


# -- 1. bounds ----------------------------------------------------------------------------

@PROPERTY_SETTINGS
@given(scored_cases())
def test_every_score_stays_between_0_and_100(case) -> None:
    questionnaire, answers = case
    result = score(questionnaire, answers)
    for value in all_scores(result):
        assert value is None or 0.0 <= value <= 100.0, value


# -- 2. monotonicity ----------------------------------------------------------------------

@PROPERTY_SETTINGS
@given(scored_cases(), st.data())
def test_improving_an_answer_never_lowers_a_score_or_level(case, data) -> None:
    questionnaire, answers = case
    free = referenced(questionnaire)
    candidates = [q for q in questionnaire.questions
                  if q.id not in free and answers.get(q.id) in IMPROVEMENTS
                  and any(a in q.options for a in IMPROVEMENTS[answers[q.id]])]
    assume(candidates)
    question = data.draw(st.sampled_from(candidates), label="question")
    better = data.draw(st.sampled_from(
        [a for a in IMPROVEMENTS[answers[question.id]] if a in question.options]),
        label="better answer")
    before = score(questionnaire, answers)
    after = score(questionnaire, {**answers, question.id: better})

    for old, new in zip(all_scores(before), all_scores(after), strict=True):
        assert (old is None) == (new is None)
        assert old is None or new >= old, (question.id, answers[question.id], better, old, new)
    assert level_rank(questionnaire, after.level) >= level_rank(questionnaire, before.level)
    for old, new in zip(before.standards, after.standards, strict=True):
        assert level_rank(questionnaire, new.level) >= level_rank(questionnaire, old.level), (
            new.standard.id, old.level, new.level)


# -- 3. not applicable --------------------------------------------------------------------

@PROPERTY_SETTINGS
@given(questionnaire_dicts(), st.data())
def test_not_applicable_answer_scores_as_if_the_question_were_not_there(qdata, data) -> None:
    questionnaire = Questionnaire.from_dict(qdata)
    free = referenced(questionnaire)
    candidates = [q for q in questionnaire.questions if q.allow_na and q.id not in free]
    assume(candidates)
    question = data.draw(st.sampled_from(candidates), label="question")
    answers = data.draw(answer_maps(questionnaire), label="answers")
    answers[question.id] = "na"

    removed_data = without_question(qdata, question.id)
    removed = Questionnaire.from_dict(removed_data)
    others = {k: v for k, v in answers.items() if k != question.id}
    assert outcome(score(questionnaire, answers)) == outcome(score(removed, others))


@PROPERTY_SETTINGS
@given(questionnaire_dicts(), st.data())
def test_not_applicable_answer_scores_as_if_the_question_were_unscored(qdata, data) -> None:
    questionnaire = Questionnaire.from_dict(qdata)
    candidates = [q for q in questionnaire.questions if q.allow_na]
    assume(candidates)
    question = data.draw(st.sampled_from(candidates), label="question")
    answers = data.draw(answer_maps(questionnaire), label="answers")
    answers[question.id] = "na"

    unscored = Questionnaire.from_dict(with_question_unscored(qdata, question.id))
    assert outcome(score(questionnaire, answers)) == outcome(score(unscored, answers))


# -- 4. hidden questions ------------------------------------------------------------------

@PROPERTY_SETTINGS
@given(scored_cases(), st.data())
def test_hidden_questions_never_change_scores(case, data) -> None:
    questionnaire, answers = case
    shown = {q.id for q in visible_questions(questionnaire, answers)}
    hidden = [q for q in questionnaire.questions if q.id not in shown]
    assume(hidden)
    question = data.draw(st.sampled_from(hidden), label="hidden question")
    new_answer = data.draw(st.one_of(st.none(), st.sampled_from(question.options)),
                           label="new answer")
    changed = dict(answers)
    if new_answer is None:
        changed.pop(question.id, None)
    else:
        changed[question.id] = new_answer

    before, after = score(questionnaire, answers), score(questionnaire, changed)
    assert outcome(after) == outcome(before)
    assert after.shown == before.shown
    assert [q.id for q in after.unanswered] == [q.id for q in before.unanswered]
    assert after.complete == before.complete


@PROPERTY_SETTINGS
@given(questionnaire_dicts(na_in_show_if=True).map(Questionnaire.from_dict), st.data())
def test_a_not_applicable_answer_never_opens_a_question(questionnaire, data) -> None:
    """Even a snapshot whose show_if lists "na": a question opened by it would be scored."""
    answers = data.draw(answer_maps(questionnaire), label="answers")
    result = score(questionnaire, answers)
    for question in questionnaire.questions:
        if question.show_if and answers.get(question.show_if.question) == "na":
            assert question.id not in result.shown
            assert all(g.question.id != question.id for g in result.plan)


# -- 5. not assessed is never 0 -----------------------------------------------------------

@PROPERTY_SETTINGS
@given(case=scored_cases())
def test_not_assessed_is_never_shown_as_0(app: Flask, case) -> None:
    from kcs_assess.web.helpers import score_text

    questionnaire, answers = case
    result = score(questionnaire, answers)
    shown = result.shown
    for r in result.standards:
        counted = [q for q in r.standard.questions
                   if q.id in shown and q.scored and answers.get(q.id, "na") != "na"]
        if not counted:
            assert r.score is None and r.level is None, r
            assert not r.assessed
        else:
            assert r.score is not None and r.level is not None
        for tier in ("framework", "practice"):
            if not any(q.tier == tier for q in counted):
                assert getattr(r, tier) is None
    if not any(r.assessed for r in result.standards):
        assert result.score is None and result.level is None
    with app.test_request_context():
        for value in all_scores(result):
            if value is None:
                text = score_text(value)
                assert text.strip() and text.strip() != "0"
                assert not any(ch.isdigit() for ch in text), text


def test_score_text_of_not_assessed_is_not_0(app: Flask) -> None:
    from kcs_assess.web.helpers import score_text

    with app.test_request_context():
        assert score_text(None) != "0"
        assert not any(ch.isdigit() for ch in score_text(None))
        assert score_text(0.0) == "0"


# -- 6. plan ------------------------------------------------------------------------------

@PROPERTY_SETTINGS
@given(scored_cases())
def test_plan_has_one_action_per_gap_ordered_by_severity_standard_and_question(case) -> None:
    questionnaire, answers = case
    result = score(questionnaire, answers)
    shown = result.shown
    expected = {q.id for q in questionnaire.questions
                if q.id in shown and q.scored and answers.get(q.id) in ("partly", "no", "unknown")}
    plan_ids = [g.question.id for g in result.plan]
    assert len(plan_ids) == len(set(plan_ids))
    assert set(plan_ids) == expected

    standard_order = {s.id: i for i, s in enumerate(questionnaire.standards)}
    keys = [(SEVERITIES.index(g.severity), standard_order[g.standard.id],
             questionnaire.questions.index(g.question)) for g in result.plan]
    assert keys == sorted(keys)

    for gap in result.plan:
        q, answer = gap.question, gap.answer
        assert answer == answers[q.id]
        assert gap.standard.id == q.standard_id
        if q.critical:
            severity = "critical"
        elif q.weight >= 2 and answer in ("no", "unknown"):
            severity = "high"
        elif answer in ("no", "unknown") or q.weight >= 2:
            severity = "medium"
        else:
            severity = "low"
        assert gap.severity == severity
        assert gap.timeframe_months == questionnaire.timeframes[severity]


# -- 7. complete --------------------------------------------------------------------------

@PROPERTY_SETTINGS
@given(complete_cases(), st.data())
def test_answering_every_visible_question_completes_and_removing_one_does_not(case,
                                                                              data) -> None:
    questionnaire, answers = case
    result = score(questionnaire, answers)
    assert result.complete
    assert result.minimum_met is not None  # every included critical question is answered
    visible = [q for q in questionnaire.questions if q.id in result.shown]
    question = data.draw(st.sampled_from(visible), label="removed answer")
    partial = {k: v for k, v in answers.items() if k != question.id}
    partial_result = score(questionnaire, partial)
    assert not partial_result.complete
    assert question in partial_result.unanswered


# -- the answer values ----------------------------------------------------------------------

@PROPERTY_SETTINGS
@given(questionnaires, st.data())
def test_single_answer_standard_scores_its_answer_value(questionnaire, data) -> None:
    """With one counted question a standard's score is 100 times the answer's value."""
    standard = data.draw(st.sampled_from(questionnaire.standards), label="standard")
    shown = {q.id for q in visible_questions(questionnaire, {})}
    candidates = [q for q in standard.questions if q.id in shown and q.scored]
    assume(candidates)
    question = data.draw(st.sampled_from(candidates), label="question")
    answer = data.draw(st.sampled_from([a for a in question.options if a != "na"]),
                       label="answer")
    result = score(questionnaire, {question.id: answer}).for_standard(standard.id)
    assert result.score == pytest.approx(100 * ANSWER_VALUES[answer])


# A standard whose only question is unscored is never assessed, so it must not count in
# the overall score; random questionnaires hold one only now and then.
WITH_A_STANDARD_NOT_ASSESSED = Questionnaire.from_dict({
    "id": "not-assessed", "version": "1", "title": "Not assessed",
    "levels": [{"key": "low", "min": 0, "title": "Low"},
               {"key": "top", "min": 90, "title": "Top"}],
    "standards": [
        {"id": "S0", "title": "S0", "criteria": [{"id": "C0", "title": "C0", "questions": [
            {"id": "Q1", "text": "?", "help": "", "tier": "framework", "scale": "standard"}]}]},
        {"id": "S1", "title": "S1", "criteria": [{"id": "C1", "title": "C1", "questions": [
            {"id": "Q2", "text": "?", "help": "", "tier": "framework", "scale": "standard",
             "scored": False}]}]},
    ],
})


@PROPERTY_SETTINGS
@given(questionnaires)
@example(WITH_A_STANDARD_NOT_ASSESSED)
def test_answering_yes_everywhere_scores_exactly_100_at_the_top_level(questionnaire) -> None:
    """All "yes": every assessed standard and the overall score are 100, the highest level."""
    answers = {q.id: "yes" for q in questionnaire.questions}
    result = score(questionnaire, answers)
    top = questionnaire.levels[-1]
    assert result.minimum_met is True
    assert result.plan == ()
    for r in result.standards:
        if r.assessed:
            assert r.score == 100.0, (r.standard.id, r.score)
            assert r.level == top, (r.standard.id, r.score, r.level)
    if result.score is not None:
        assert result.score == 100.0
        assert result.level == top


@pytest.mark.parametrize("weights", [(0.17,), (0.1, 1.3), (0.1, 0.7)])
def test_all_yes_with_decimal_weights_scores_exactly_100(weights: tuple[float, ...]) -> None:
    """Counter-examples found by the properties above, kept as plain regression tests."""
    questionnaire = Questionnaire.from_dict({
        "id": "weights", "version": "1", "title": "Weights",
        "levels": [{"key": "low", "min": 0, "title": "Low"},
                   {"key": "full", "min": 100, "title": "Full"}],
        "standards": [{"id": "S", "title": "S", "criteria": [{"id": "C", "title": "C",
                                                             "questions": [
            {"id": f"Q{i}", "text": "?", "help": "", "tier": "framework", "scale": "standard",
             "weight": w}
            for i, w in enumerate(weights)
        ]}]}],
    })
    result = score(questionnaire, {f"Q{i}": "yes" for i in range(len(weights))})
    assert result.for_standard("S").score == 100.0
    assert result.for_standard("S").level.key == "full"
