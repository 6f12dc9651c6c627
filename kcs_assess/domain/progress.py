"""Where a respondent stands: questions answered so far, the step to do next, time per step."""

from __future__ import annotations

from dataclasses import dataclass

from .questionnaire import Standard
from .scoring import Result


@dataclass(frozen=True)
class Progress:
    answered: int
    total: int  # the questions asked so far: a follow-up counts once an answer brings it up
    next_standard: Standard | None  # the first step not done yet; None when all are done
    minutes_left: dict[str, int]  # by standard id, for the steps not done yet


def progress(result: Result) -> Progress:
    """Return how far an assessment has come, from its (provisional) result."""
    undone = [r.standard for r in result.standards if r.status != "done"]
    return Progress(
        answered=sum(r.answered for r in result.standards),
        total=sum(r.visible for r in result.standards),
        next_standard=undone[0] if undone else None,
        minutes_left=minutes_left(result),
    )


def minutes_left(result: Result) -> dict[str, int]:
    """Return about how many minutes each step not done yet still takes, by standard id.

    The questionnaire's `minutes` is its authors' estimate for all of its questions, so a
    question takes about `minutes` divided by their number. A step takes that for each of
    its questions that is asked and not answered yet (a follow-up counts once an answer
    brings it up), rounded to the nearest minute and at least one. Empty where the file
    gives no time.
    """
    questionnaire = result.questionnaire
    if not questionnaire.minutes:
        return {}
    per_question = questionnaire.minutes / len(questionnaire.questions)
    return {r.standard.id: max(1, round(per_question * (r.visible - r.answered)))
            for r in result.standards if r.status != "done"}
