"""Contingent 2026.3: the UN time limits that CPR3.2 and CAC1.4 rely on, stated as
questionnaire data (a new limit is a new version); everything else is 2026.2's."""

from __future__ import annotations

import re

import pytest
from test_questionnaires import CATALOGUE, all_yes

from kcs_assess.domain.scoring import score

NEW = CATALOGUE.get("contingent", "2026.3")
PREVIOUS = CATALOGUE.get("contingent", "2026.2")
STATED = ("CPR3.2", "CAC1.4")


def without_the_stated_limits(questionnaire) -> dict:
    data = questionnaire.to_dict()
    data.pop("version")
    for standard in data["standards"]:
        for criterion in standard["criteria"]:
            for question in criterion["questions"]:
                if question["id"] in STATED:
                    question.pop("help")
                    question.pop("action")
    return data


def test_new_contingent_assessments_get_2026_3_and_2026_2_stays_shipped():
    assert CATALOGUE.get("contingent") is NEW
    assert PREVIOUS is not None and PREVIOUS.version == "2026.2"


def test_only_the_help_and_action_of_the_two_questions_changed():
    assert without_the_stated_limits(NEW) == without_the_stated_limits(PREVIOUS)
    for question_id in STATED:
        new, old = NEW.questions_by_id[question_id], PREVIOUS.questions_by_id[question_id]
        assert new.help != old.help and new.action != old.action
        # The same practice is asked: same text, flags and weight, so no `replaces`.
        assert (new.text, new.critical, new.weight, new.tier, new.replaces) == (
            old.text, old.critical, old.weight, old.tier, old.replaces)


@pytest.mark.parametrize("question_id", STATED)
def test_help_and_action_name_the_un_limits_and_the_memorandum(question_id):
    question = NEW.questions_by_id[question_id]
    for text in (question.help, question.action):
        assert "10 days" in text and "six months" in text, text
        assert "memorandum of understanding" in text, text
    assert "three if urgent" in question.action


def test_the_figures_are_dated_and_a_memorandum_that_differs_prevails():
    help_text = NEW.questions_by_id["CPR3.2"].help
    assert help_text.startswith("UN limits in 2026: ")
    assert "A memorandum of understanding that differs prevails." in help_text


@pytest.mark.parametrize("question_id", STATED)
def test_the_stated_limits_keep_the_authors_guide_rules(question_id):
    question = NEW.questions_by_id[question_id]
    assert re.search(r"Yes: .+ Partly: .+ Evidence: ", question.help)
    assert len(question.help) <= 260 and len(question.action) <= 220
    # The UN's days and months are the contingent's limits, not the time to act on the gap:
    # the plan's time frame stays the severity's.
    assert not re.search(r"within (?:one|two|three|six|twelve|\d+) (?:month|year)s?",
                         question.action, re.I)


def test_the_plan_gives_the_stated_limits_with_the_severitys_time_frame():
    plan = score(NEW, all_yes(NEW, **{"CPR3.2": "no", "CAC1.4": "no"})).plan
    gaps = {gap.question.id: gap for gap in plan}
    # A minimum requirement: one month; weight 2 answered No: three months.
    assert (gaps["CPR3.2"].severity, gaps["CPR3.2"].timeframe_months) == ("critical", 1)
    assert (gaps["CAC1.4"].severity, gaps["CAC1.4"].timeframe_months) == ("high", 3)
    assert "within 10 days" in gaps["CPR3.2"].question.action
