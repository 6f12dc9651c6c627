"""Wizard steps: read posts strictly, merge them with colleagues' newer saves, and say where
the wizard goes next, over any answer sheet (an assessment, a workshop participant's)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from .questionnaire import Questionnaire, Standard
from .scoring import visible_questions

NOTE_MAX_LENGTH = 2000
ANSWER_FIELD = "answer-"
NOTE_FIELD = "note-"
BASE_FIELD = "base-"
# "<revision>.<answer shown>.<digest of the note shown>", e.g. "3.yes.4f1c0a9b2e77" or "0..".
BASE = re.compile(r"^(0|[1-9][0-9]{0,8})\.([a-z]*)\.([0-9a-f]{12})?$")


class InvalidSubmission(ValueError):
    """A post that the wizard's own form could not have produced.

    `reason` is one of REASONS; the web layer turns it into a translated message.
    """

    REASONS = ("unknown_question", "other_step", "sent_twice", "bad_answer", "note_too_long",
               "bad_base")

    def __init__(self, reason: str, question_id: str, value: str = ""):
        assert reason in self.REASONS
        self.reason = reason
        self.question_id = question_id
        self.value = value
        super().__init__(f"{reason}: {question_id} {value!r}")


def note_digest(note: str) -> str:
    """Return a short digest of a note as shown, "" for no note (the form carries it back)."""
    return hashlib.sha256(note.encode("utf-8")).hexdigest()[:12] if note else ""


@dataclass(frozen=True)
class Stored:
    """One question's answer and note as stored, with the revision counting its changes."""

    value: str | None
    note: str
    revision: int

    @property
    def base(self) -> Base:
        return Base(self.revision, self.value, note_digest(self.note))


NOTHING_STORED = Stored(None, "", 0)


@dataclass(frozen=True)
class Base:
    """What the page showed of one question when it was opened."""

    revision: int
    value: str | None
    note_digest: str

    def form_value(self) -> str:
        return f"{self.revision}.{self.value or ''}.{self.note_digest}"


@dataclass(frozen=True)
class StepInput:
    """What a step post asks to store: answers and notes by question id, and what it showed."""

    answers: dict[str, str]
    notes: dict[str, str]
    bases: dict[str, Base] = field(default_factory=dict)

    @property
    def question_ids(self) -> set[str]:
        return set(self.answers) | set(self.notes)


@dataclass(frozen=True)
class Change:
    question_id: str
    value: str | None
    note: str


@dataclass(frozen=True)
class Conflict:
    """A question a colleague changed after the page was opened, differently from this post."""

    question_id: str
    theirs: Stored
    yours_value: str | None
    yours_note: str


@dataclass(frozen=True)
class Merge:
    changes: tuple[Change, ...]
    conflicts: tuple[Conflict, ...]


def merge_step(step: StepInput, stored: Mapping[str, Stored]) -> Merge:
    """Work out what a step post changes, keeping what colleagues saved after it was opened.

    Only what the respondent changed on the page is written: an answer or note left as it
    was shown never overwrites a newer one. Where the respondent changed a question that a
    colleague also changed meanwhile, and to something else, nothing of that question is
    written and the conflict is reported, so neither change is lost silently. A post
    without a base (not from the wizard's form) is taken as based on what is stored now.
    """
    changes = []
    conflicts = []
    for question_id in sorted(step.question_ids):
        now = stored.get(question_id, NOTHING_STORED)
        base = step.bases.get(question_id, now.base)
        posted_value = step.answers.get(question_id)
        posted_note = step.notes.get(question_id)
        value_changed = posted_value is not None and posted_value != base.value
        note_changed = posted_note is not None and note_digest(posted_note) != base.note_digest
        if not (value_changed or note_changed):
            continue
        new_value = posted_value if value_changed else now.value
        new_note = posted_note if note_changed and posted_note is not None else now.note
        theirs_value = now.value != base.value
        theirs_note = note_digest(now.note) != base.note_digest
        if (value_changed and theirs_value and now.value != posted_value) or \
                (note_changed and theirs_note and now.note != posted_note):
            conflicts.append(Conflict(question_id, now, posted_value if value_changed else None,
                                      posted_note if note_changed and posted_note else ""))
            continue
        if (new_value, new_note) != (now.value, now.note):
            changes.append(Change(question_id, new_value, new_note))
    return Merge(tuple(changes), tuple(conflicts))


def parse_step(questionnaire: Questionnaire, standard: Standard,
               fields: Iterable[tuple[str, str]]) -> StepInput:
    """Validate the (name, value) pairs of a step post; raise InvalidSubmission on tampering."""
    on_step = {q.id: q for q in standard.questions}
    answers: dict[str, str] = {}
    notes: dict[str, str] = {}
    bases: dict[str, str] = {}
    for name, value in fields:
        if name.startswith(ANSWER_FIELD):
            target, question_id = answers, name[len(ANSWER_FIELD):]
        elif name.startswith(NOTE_FIELD):
            target, question_id = notes, name[len(NOTE_FIELD):]
        elif name.startswith(BASE_FIELD):
            target, question_id = bases, name[len(BASE_FIELD):]
        else:
            continue
        question = on_step.get(question_id)
        if question is None:
            reason = ("other_step" if question_id in questionnaire.questions_by_id
                      else "unknown_question")
            raise InvalidSubmission(reason, question_id)
        if question_id in target:
            raise InvalidSubmission("sent_twice", question_id)
        if target is answers and value not in question.options:
            raise InvalidSubmission("bad_answer", question_id, value)
        if target is bases:
            match = BASE.match(value)
            if match is None or (match.group(2) and match.group(2) not in question.options):
                raise InvalidSubmission("bad_base", question_id, value)
        if target is notes:
            # Browsers send CRLF; counting it as LF keeps maxlength and this limit in step.
            value = value.replace("\r\n", "\n").strip()
            if len(value) > NOTE_MAX_LENGTH:
                raise InvalidSubmission("note_too_long", question_id)
        target[question_id] = value
    return StepInput(answers, notes, {
        question_id: Base(int(match[1]), match[2] or None, match[3] or "")
        for question_id, value in bases.items() if (match := BASE.match(value))
    })


class Sheet(Protocol):
    """An answer sheet that the wizard's steps fill in, one standard per step.

    An assessment's (shared by colleagues, so a save may report conflicts) and a workshop
    participant's (one person's, never in conflict) are two; the steps' validation
    (parse_step), show_if and the way from step to step (`save_and_route`) serve both.
    """

    def answers(self) -> Mapping[str, str]:
        """Return the answers recorded so far, by question id."""
        ...

    def save(self, standard: Standard, step: StepInput) -> tuple[Conflict, ...]:
        """Store what a step post changed; return the questions changed meanwhile by others."""
        ...


GO = ("next", "back", "later")  # the buttons of a step: save and continue, back, come back later


@dataclass(frozen=True)
class Next:
    """Where the wizard goes once a step is saved.

    `place` is "step" (`standard_id`), "start" (back from the first step), "end" (on from the
    last step) or "later" (save and come back later). Going on to the same step means that
    the answers brought up follow-up questions on it (`follow_ups`, not answered yet).
    """

    place: str
    standard_id: str | None = None
    follow_ups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Routed:
    conflicts: tuple[Conflict, ...]
    next: Next | None  # None when there are conflicts: the step is shown again


def next_place(questionnaire: Questionnaire, standard: Standard, go: str,
               before: Mapping[str, str], after: Mapping[str, str]) -> Next:
    """Return where a step saved with a button (`go`) leads, given the answers before and
    after the save.

    Answers on a step may bring up follow-up questions on the same step: without
    JavaScript, the step is shown again rather than leaving them behind unseen.
    """
    index = questionnaire.standards.index(standard)
    if go == "later":
        return Next("later")
    if go == "back":
        if index == 0:
            return Next("start")
        return Next("step", questionnaire.standards[index - 1].id)
    was_shown = {q.id for q in visible_questions(questionnaire, before)}
    appeared = tuple(q.id for q in visible_questions(questionnaire, after)
                     if q.standard_id == standard.id and q.id not in was_shown
                     and q.id not in after)
    if appeared:
        return Next("step", standard.id, appeared)
    if index + 1 < len(questionnaire.standards):
        return Next("step", questionnaire.standards[index + 1].id)
    return Next("end")


def save_and_route(sheet: Sheet, questionnaire: Questionnaire, standard: Standard,
                   step: StepInput, go: str) -> Routed:
    """Save a validated step post on a sheet and work out where the wizard goes next."""
    # Only "next" needs to know which follow-up questions the save revealed.
    before = sheet.answers() if go == "next" else {}
    conflicts = sheet.save(standard, step)
    if conflicts:
        return Routed(conflicts, None)
    after = sheet.answers() if go == "next" else {}
    return Routed((), next_place(questionnaire, standard, go, before, after))


def hidden_answers(questionnaire: Questionnaire, answers: Mapping[str, str]) -> set[str]:
    """Return the answered questions that the other answers no longer show (show_if)."""
    shown = {q.id for q in visible_questions(questionnaire, answers)}
    return {question_id for question_id in answers if question_id not in shown}
