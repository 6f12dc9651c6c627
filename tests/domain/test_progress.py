"""Progress through an assessment: answered so far, the next step, minutes per step."""

from __future__ import annotations

from dataclasses import replace

from test_scoring import QUESTIONNAIRE

from kcs_assess.config import DEFAULT_FRAMEWORKS_FILE
from kcs_assess.config import DEFAULT_QUESTIONNAIRE_DIR as SHIPPED
from kcs_assess.domain.catalogue import load_catalogue
from kcs_assess.domain.progress import progress
from kcs_assess.domain.scoring import score

ICSS = load_catalogue([SHIPPED], DEFAULT_FRAMEWORKS_FILE).get("icss-core")


def test_nothing_answered_starts_at_the_first_step():
    state = progress(score(QUESTIONNAIRE, {}))
    assert (state.answered, state.next_standard.id) == (0, "policy")
    # P4 waits for C1's answer: it is not counted until it is asked.
    assert state.total == 6


def test_the_next_step_is_the_first_one_not_done():
    answers = {"P1": "yes", "P2": "no", "P3": "na", "C1": "no", "E1": "yes"}
    state = progress(score(QUESTIONNAIRE, answers))
    assert state.next_standard.id == "people"  # policy is done; people is half done
    assert (state.answered, state.total) == (5, 6)


def test_a_follow_up_brought_up_counts_and_keeps_its_step_open():
    answers = {"P1": "yes", "P2": "no", "P3": "na", "C1": "yes", "E1": "yes", "E2": "yes"}
    state = progress(score(QUESTIONNAIRE, answers))
    assert (state.answered, state.total) == (6, 7)
    assert state.next_standard.id == "policy"  # P4 is still to answer


def test_no_next_step_when_every_step_is_done():
    answers = {"P1": "yes", "P2": "yes", "P3": "yes", "C1": "no", "E1": "no", "E2": "unknown"}
    assert progress(score(QUESTIONNAIRE, answers)).next_standard is None


def test_a_step_not_done_takes_its_share_of_the_questionnaire_minutes():
    # icss-core 2026.2: 55 minutes for 71 questions, so about 0.77 minutes a question.
    # Policy and people ask 18 each (13.9 minutes); procedures asks 11 (8.5) until PR1.3,
    # PR3.2 and PR4.1 bring up their follow-ups; accountability 15 (11.6) until PR4.1 does.
    assert progress(score(ICSS, {})).minutes_left == {
        "policy": 14, "people": 14, "procedures": 9, "accountability": 12}
    answers = {q.id: "yes" for q in ICSS.standards[0].questions}
    answers.update({"PE1.1": "yes", "PE1.6": "no", "PR1.3": "yes", "PR4.1": "unknown"})
    # Policy is done; people has 16 to go (12.4); procedures asks 16 now, of which 14 are
    # open (10.8); "don't know" about partners brings up AC2.4 and AC2.5 too: 17 (13.2).
    assert progress(score(ICSS, answers)).minutes_left == {
        "people": 12, "procedures": 11, "accountability": 13}


def test_at_least_a_minute_a_step_and_none_where_the_file_gives_no_time():
    assert set(progress(score(replace(ICSS, minutes=1), {})).minutes_left.values()) == {1}
    assert progress(score(QUESTIONNAIRE, {})).minutes_left == {}
