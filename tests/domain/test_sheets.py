"""The wizard's way from step to step over any answer sheet (domain.wizard.Sheet)."""

from __future__ import annotations

from kcs_assess.config import DEFAULT_FRAMEWORKS_FILE, DEFAULT_QUESTIONNAIRE_DIR
from kcs_assess.domain.catalogue import load_catalogue
from kcs_assess.domain.wizard import (
    Conflict,
    Next,
    Stored,
    hidden_answers,
    next_place,
    parse_step,
    save_and_route,
)

QUICK = load_catalogue([DEFAULT_QUESTIONNAIRE_DIR], DEFAULT_FRAMEWORKS_FILE).get("quick-check")
POLICY, PEOPLE, PROCEDURES, ACCOUNTABILITY = QUICK.standards


class Paper:
    """A sheet kept in a dict; `busy` holds questions a colleague changed meanwhile."""

    def __init__(self, answers=None, busy=()):
        self.stored = dict(answers or {})
        self.busy = set(busy)

    def answers(self):
        return dict(self.stored)

    def save(self, standard, step):
        conflicts = tuple(Conflict(q, Stored("no", "", 2), a, "")
                          for q, a in step.answers.items() if q in self.busy)
        self.stored.update({q: a for q, a in step.answers.items() if q not in self.busy})
        return conflicts


def test_back_and_next_follow_the_order_of_the_standards():
    assert next_place(QUICK, POLICY, "back", {}, {}) == Next("start")
    assert next_place(QUICK, PEOPLE, "back", {}, {}) == Next("step", "policy")
    assert next_place(QUICK, POLICY, "next", {}, {}) == Next("step", "people")
    assert next_place(QUICK, ACCOUNTABILITY, "next", {}, {}) == Next("end")
    assert next_place(QUICK, PEOPLE, "later", {}, {}) == Next("later")


def test_follow_up_questions_brought_up_on_the_step_keep_it_open_until_answered():
    opened = next_place(QUICK, PROCEDURES, "next", {}, {"QPR3.1": "yes"})
    assert opened == Next("step", "procedures", ("QPR3.2", "QPR3.3"))
    answered = {"QPR3.1": "yes", "QPR3.2": "no", "QPR3.3": "no"}
    assert next_place(QUICK, PROCEDURES, "next", answered, answered) == \
        Next("step", "accountability")
    assert next_place(QUICK, PROCEDURES, "next", {}, {"QPR3.1": "no"}) == \
        Next("step", "accountability")


def test_a_sheet_is_saved_then_routed_and_conflicts_keep_the_step():
    paper = Paper()
    step = parse_step(QUICK, PROCEDURES, [("answer-QPR3.1", "unknown")])
    routed = save_and_route(paper, QUICK, PROCEDURES, step, "next")
    assert paper.stored == {"QPR3.1": "unknown"}
    assert routed.next == Next("step", "procedures", ("QPR3.2", "QPR3.3"))
    busy = Paper(busy={"QPR3.1"})
    routed = save_and_route(busy, QUICK, PROCEDURES, step, "next")
    assert routed.next is None and [c.question_id for c in routed.conflicts] == ["QPR3.1"]


def test_answers_hidden_by_other_answers_are_found():
    answers = {"QPR3.1": "no", "QPR3.2": "yes", "QPR3.3": "partly", "QPL1.1": "yes"}
    assert hidden_answers(QUICK, answers) == {"QPR3.2", "QPR3.3"}
    assert hidden_answers(QUICK, {**answers, "QPR3.1": "yes"}) == set()
    assert hidden_answers(QUICK, {"XX9.9": "yes"}) == {"XX9.9"}
