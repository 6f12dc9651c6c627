"""What an assessment's answers indicate for other frameworks, through the questions' maps_to.

The rule (questionnaires/README.md, "The crosswalk"), per item of a framework the questionnaire
maps to: the questions behind it are the included scored questions whose maps_to names it,
leaving out those answered "na".
- not assessed: none of them is answered;
- met: every one of them is answered "yes";
- not met: one of them that is critical is answered other than "yes", or their score (as a
  standard's, over the answered ones) is below the questionnaire's second level;
- partly met: otherwise.
"Don't know" counts as not "yes", as it does in scoring. It is an indication for preparing an
assessment against the framework, never a rating of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .frameworks import Framework, FrameworkItem, Frameworks
from .questionnaire import Question
from .scoring import TOLERANCE, Result, weighted_score

STATUSES = ("met", "partly", "not_met", "not_assessed")


@dataclass(frozen=True)
class ItemReadiness:
    item: FrameworkItem
    status: str  # one of STATUSES
    questions: tuple[Question, ...]  # the questions behind it, in questionnaire order
    score: float | None  # over the answered ones; None when none is answered


@dataclass(frozen=True)
class FrameworkReadiness:
    framework: Framework
    items: tuple[ItemReadiness, ...]  # every item of the framework, in its own order


def crosswalk(result: Result, answers: Mapping[str, str],
              frameworks: Frameworks) -> tuple[FrameworkReadiness, ...]:
    """Return, per framework the questionnaire maps to, each item's status and questions.

    Frameworks come in the frameworks file's order; one the questionnaire never maps to is
    left out, and a reference the frameworks file does not know (in a snapshot stored
    before the item was removed) is ignored.
    """
    questionnaire = result.questionnaire
    behind: dict[tuple[str, str], list[Question]] = {}
    for question in questionnaire.questions:
        if question.id not in result.shown or not question.scored \
                or answers.get(question.id) == "na":
            continue
        for framework_id, refs in question.maps_to:
            for ref in refs:
                behind.setdefault((framework_id, ref), []).append(question)
    mapped = {framework_id for q in questionnaire.questions for framework_id, _ in q.maps_to}
    threshold = questionnaire.levels[1].min
    return tuple(
        FrameworkReadiness(framework, tuple(
            _readiness(item, tuple(behind.get((framework.id, item.id), ())), answers, threshold)
            for item in framework.items
        ))
        for framework in frameworks.frameworks if framework.id in mapped
    )


def _readiness(item: FrameworkItem, questions: tuple[Question, ...], answers: Mapping[str, str],
               threshold: float) -> ItemReadiness:
    answered = [q for q in questions if q.id in answers]
    value = weighted_score(answered, answers)
    if value is None:
        status = "not_assessed"
    elif len(answered) == len(questions) and all(answers[q.id] == "yes" for q in answered):
        status = "met"
    elif any(q.critical and answers[q.id] != "yes" for q in answered) \
            or value + TOLERANCE < threshold:
        status = "not_met"
    else:
        status = "partly"
    return ItemReadiness(item, status, questions, value)


def informative(readiness: tuple[FrameworkReadiness, ...]) -> tuple[FrameworkReadiness, ...]:
    """Return the readiness if any item is assessed, else nothing: a list of "Not assessed"
    (a draft with nothing answered yet) tells the reader nothing."""
    if any(row.status != "not_assessed" for framework in readiness for row in framework.items):
        return readiness
    return ()
