"""Merging a step post with what colleagues saved since the page was opened (no app needed)."""

from __future__ import annotations

from kcs_assess.domain.wizard import (
    Base,
    Change,
    StepInput,
    Stored,
    merge_step,
    note_digest,
)


def shown(stored: Stored | None) -> Base:
    return (stored or Stored(None, "", 0)).base


def post(answers=None, notes=None, bases=None) -> StepInput:
    return StepInput(answers or {}, notes or {}, bases or {})


def test_a_change_on_an_unchanged_question_is_written():
    now = {"Q1": Stored("no", "draft", 2)}
    merge = merge_step(post({"Q1": "yes"}, {"Q1": "draft"}, {"Q1": shown(now["Q1"])}), now)
    assert merge.changes == (Change("Q1", "yes", "draft"),) and merge.conflicts == ()


def test_what_was_left_as_shown_is_not_written():
    now = {"Q1": Stored("no", "draft", 2)}
    merge = merge_step(post({"Q1": "no"}, {"Q1": "draft"}, {"Q1": shown(now["Q1"])}), now)
    assert merge.changes == () and merge.conflicts == ()


def test_a_stale_page_left_as_shown_keeps_the_colleagues_newer_answer_and_note():
    before = Stored(None, "", 0)
    now = {"Q1": Stored("yes", "Board minute 14", 1)}
    merge = merge_step(post({}, {"Q1": ""}, {"Q1": shown(before)}), now)
    assert merge.changes == () and merge.conflicts == ()


def test_changing_what_a_colleague_changed_meanwhile_is_a_conflict_and_writes_nothing():
    before = Stored(None, "", 0)
    now = {"Q1": Stored("yes", "Board minute 14", 1)}
    merge = merge_step(post({"Q1": "no"}, {"Q1": "Not approved"}, {"Q1": shown(before)}), now)
    assert merge.changes == ()
    [conflict] = merge.conflicts
    assert (conflict.question_id, conflict.theirs, conflict.yours_value, conflict.yours_note) \
        == ("Q1", now["Q1"], "no", "Not approved")


def test_an_answer_and_a_note_changed_by_different_people_both_stay():
    before = Stored("no", "", 1)
    now = {"Q1": Stored("no", "Evidence in the HR file", 2)}  # a colleague added a note
    merge = merge_step(post({"Q1": "partly"}, {"Q1": ""}, {"Q1": shown(before)}), now)
    assert merge.changes == (Change("Q1", "partly", "Evidence in the HR file"),)


def test_the_same_change_by_two_people_is_not_a_conflict():
    before = Stored(None, "", 0)
    now = {"Q1": Stored("yes", "", 1)}
    merge = merge_step(post({"Q1": "yes"}, {}, {"Q1": shown(before)}), now)
    assert merge.changes == () and merge.conflicts == ()


def test_a_post_without_bases_is_taken_as_based_on_what_is_stored():
    now = {"Q1": Stored("no", "kept", 3)}
    merge = merge_step(post({"Q1": "yes", "Q2": "partly"}), now)
    assert merge.changes == (Change("Q1", "yes", "kept"), Change("Q2", "partly", ""))


def test_clearing_a_note_on_purpose_is_written():
    now = {"Q1": Stored("yes", "old note", 1)}
    merge = merge_step(post({}, {"Q1": ""}, {"Q1": shown(now["Q1"])}), now)
    assert merge.changes == (Change("Q1", "yes", ""),)


def test_note_digest_is_empty_only_for_an_empty_note():
    assert note_digest("") == ""
    assert len(note_digest("x")) == 12 and note_digest("x") != note_digest("y")
