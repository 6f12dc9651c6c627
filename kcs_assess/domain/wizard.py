"""Read the answers posted on one wizard step, refusing anything a real form cannot send."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .questionnaire import Questionnaire, Standard

NOTE_MAX_LENGTH = 2000
ANSWER_FIELD = "answer-"
NOTE_FIELD = "note-"


class InvalidSubmission(ValueError):
    """A post that the wizard's own form could not have produced.

    `reason` is one of REASONS; the web layer turns it into a translated message.
    """

    REASONS = ("unknown_question", "other_step", "sent_twice", "bad_answer", "note_too_long")

    def __init__(self, reason: str, question_id: str, value: str = ""):
        assert reason in self.REASONS
        self.reason = reason
        self.question_id = question_id
        self.value = value
        super().__init__(f"{reason}: {question_id} {value!r}")


@dataclass(frozen=True)
class StepInput:
    """What a step post asks to store: answers and notes by question id."""

    answers: dict[str, str]
    notes: dict[str, str]

    @property
    def question_ids(self) -> set[str]:
        return set(self.answers) | set(self.notes)


def parse_step(questionnaire: Questionnaire, standard: Standard,
               fields: Iterable[tuple[str, str]]) -> StepInput:
    """Validate the (name, value) pairs of a step post; raise InvalidSubmission on tampering."""
    on_step = {q.id: q for q in standard.questions}
    answers: dict[str, str] = {}
    notes: dict[str, str] = {}
    for name, value in fields:
        if name.startswith(ANSWER_FIELD):
            target, question_id = answers, name[len(ANSWER_FIELD):]
        elif name.startswith(NOTE_FIELD):
            target, question_id = notes, name[len(NOTE_FIELD):]
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
        if target is notes:
            # Browsers send CRLF; counting it as LF keeps maxlength and this limit in step.
            value = value.replace("\r\n", "\n").strip()
            if len(value) > NOTE_MAX_LENGTH:
                raise InvalidSubmission("note_too_long", question_id)
        target[question_id] = value
    return StepInput(answers, notes)
