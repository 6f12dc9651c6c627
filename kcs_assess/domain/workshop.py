"""A workshop room: what many anonymous participants answered, summed up, and where they differ.

The input is a count per question and answer (question id -> answer key -> number of
participants), which the database computes in one grouped query whatever the size of the
room. The rules, which the room view, the JSON endpoint, the exports and the draft all follow:

- **Minimum answers.** Nothing about a question (its distribution, its most common answer,
  its disagreement, even its number of answers) is given until at least `min_answers`
  participants have answered it: in a small group a distribution tells who said what.
  A standard's score counts only the questions that reached the minimum.
- **Disagreement** (`disagreement`): the mean difference between the values of two answers
  drawn at random from the room (yes 1, partly 0.5, no 0), divided by the largest it can be
  (0.5, a room split evenly between yes and no), so it runs from 0 (everyone gave the same
  answer) to 1 (half yes, half no). Half yes and half partly is 0.5; a third each of yes,
  partly and no is 0.89. "Don't know" and "not applicable" are left out of it: "don't know"
  is a sign that the room needs information, not an opinion, and is reported apart
  (`unknown_share`, the `find_out` list).
- **Room score** of a standard: the scoring rule of an assessment (DESIGN.md) applied to every
  answer given in the room, each counting once: 100 * sum(weight * value * n) /
  sum(weight * n) over the scored questions that reached the minimum, "don't know" counting
  0 and "not applicable" left out. Its level follows the questionnaire's thresholds, held at
  the second level when fewer than half of the answers to a shown critical question are
  "yes". The overall score is the mean of the standards' scores.
- **Most common answer** (`most_common`): the answer given most often; a tie goes to the less
  favourable answer (don't know, then no, partly, yes, not applicable), so that turning the
  room into a draft never hides a gap the room was split on.
- **Groups** (`group_counts`): each group follows the minimum on its own, and a group is also
  held back where showing it would let the room's counts, less the groups shown, give away
  the answers of a group below the minimum.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .questionnaire import ANSWER_VALUES, Level, Question, Questionnaire, Standard
from .scoring import level_for

MIN_ANSWERS_FLOOR = 3  # below this, a distribution would tell who answered what
DEFAULT_MIN_ANSWERS = 5
DISCUSS = 5  # questions on the "discuss these" list
FIND_OUT = 5  # questions on the "needs information" list
# A tie for the most common answer goes to the first of these.
TIE_ORDER = ("unknown", "no", "partly", "yes", "na")
OPINIONS = ("yes", "partly", "no")  # the answers that disagreement compares

Counts = Mapping[str, Mapping[str, int]]  # question id -> answer key -> participants


def disagreement(counts: Mapping[str, int]) -> float | None:
    """Return how far apart the room's yes/partly/no answers are, from 0 to 1.

    The mean absolute difference between the values of two answers drawn at random (with
    replacement) from the room, divided by 0.5, its largest possible value. None when nobody
    answered yes, partly or no.
    """
    values = [(ANSWER_VALUES[key], counts.get(key, 0)) for key in OPINIONS]
    total = sum(n for _, n in values)
    if total == 0:
        return None
    spread = sum(abs(a - b) * na * nb for a, na in values for b, nb in values)
    return min(1.0, spread / (total * total) / 0.5)


def most_common(question: Question, counts: Mapping[str, int]) -> str | None:
    """Return the answer given most often (ties to the less favourable one), or None."""
    offered = [key for key in TIE_ORDER if key in question.options and counts.get(key, 0) > 0]
    if not offered:
        return None
    return max(offered, key=lambda key: (counts[key], -TIE_ORDER.index(key)))


@dataclass(frozen=True)
class QuestionSummary:
    question: Question
    standard: Standard
    withheld: bool  # fewer than min_answers answers: nothing below is given
    total: int | None
    counts: tuple[tuple[str, int], ...]  # (answer key, participants) in the question's order
    most_common: str | None
    disagreement: float | None
    unknown_share: float | None  # share of the answers that are "don't know"

    def share(self, key: str) -> float:
        """Return the share of the answers that are `key` (0 when withheld)."""
        if not self.total:
            return 0.0
        return dict(self.counts).get(key, 0) / self.total


@dataclass(frozen=True)
class StandardSummary:
    standard: Standard
    score: float | None  # None: no scored question reached the minimum
    level: Level | None
    capped: bool  # a shown critical question has fewer than half "yes"
    shown: int  # questions that reached the minimum
    withheld: int  # questions answered by fewer than the minimum (or by nobody)


@dataclass(frozen=True)
class Summary:
    questionnaire: Questionnaire
    min_answers: int
    standards: tuple[StandardSummary, ...]
    questions: tuple[QuestionSummary, ...]
    discuss: tuple[QuestionSummary, ...]  # most disagreement first
    find_out: tuple[QuestionSummary, ...]  # most "don't know" first
    score: float | None
    level: Level | None

    @property
    def shown(self) -> tuple[QuestionSummary, ...]:
        return tuple(q for q in self.questions if not q.withheld)


def summarise(questionnaire: Questionnaire, counts: Counts, min_answers: int) -> Summary:
    """Sum up a room's answers by the rules of the module's docstring."""
    if min_answers < MIN_ANSWERS_FLOOR:
        raise ValueError(f"min_answers must be at least {MIN_ANSWERS_FLOOR}")
    questions = []
    standards = []
    for standard in questionnaire.standards:
        summaries = [_question(question, standard, counts.get(question.id, {}), min_answers)
                     for question in standard.questions]
        questions.extend(summaries)
        standards.append(_standard(questionnaire, standard, summaries))
    shown = [q for q in questions if not q.withheld]
    discuss = sorted((q for q in shown if q.disagreement),
                     key=lambda q: (-q.disagreement, q.question.position))[:DISCUSS]
    find_out = sorted((q for q in shown if q.unknown_share),
                      key=lambda q: (-q.unknown_share, q.question.position))[:FIND_OUT]
    assessed = [s for s in standards if s.score is not None]
    score = sum(s.score for s in assessed) / len(assessed) if assessed else None
    level = None if score is None else level_for(questionnaire.levels, score,
                                                 any(s.capped for s in assessed))
    return Summary(questionnaire, min_answers, tuple(standards), tuple(questions),
                   tuple(discuss), tuple(find_out), score, level)


def group_counts(counts: Mapping[str, Mapping[str, int]],
                 groups: Mapping[str, Mapping[str, Mapping[str, int]]],
                 min_answers: int) -> dict[str, dict[str, dict[str, int]]]:
    """Return the groups' counts that may be shown beside the room's, per question.

    A group below the minimum shows nothing of a question; but the room's distribution less
    those of the groups shown would still give away the answers of the groups withheld. So
    where the groups withheld hold between 1 and min_answers - 1 answers, the smallest group
    shown is withheld too (which brings the remainder to at least the minimum). A question
    withheld for a group is left out of its counts, so summarise() withholds it as well.
    """
    kept: dict[str, dict[str, dict[str, int]]] = {group: {} for group in groups}
    for question_id, by_answer in counts.items():
        totals = {group: sum(found.get(question_id, {}).values())
                  for group, found in groups.items()}
        shown = sorted((g for g, n in totals.items() if n >= min_answers),
                       key=lambda g: (totals[g], g))
        remainder = sum(by_answer.values()) - sum(totals[g] for g in shown)
        if shown and 0 < remainder < min_answers:
            shown = shown[1:]
        for group in shown:
            kept[group][question_id] = dict(groups[group][question_id])
    return kept


def agreed_answers(summary: Summary) -> dict[str, str]:
    """Return the most common answer of every question shown: the draft's preselection."""
    return {q.question.id: q.most_common for q in summary.shown if q.most_common}


def _question(question: Question, standard: Standard, counts: Mapping[str, int],
              min_answers: int) -> QuestionSummary:
    given = {key: counts.get(key, 0) for key in question.options}
    total = sum(given.values())
    if total < min_answers:
        return QuestionSummary(question, standard, True, None, (), None, None, None)
    return QuestionSummary(
        question, standard, False, total, tuple(given.items()),
        most_common(question, given), disagreement(given), given.get("unknown", 0) / total)


def _standard(questionnaire: Questionnaire, standard: Standard,
              summaries: list[QuestionSummary]) -> StandardSummary:
    weighted = 0.0
    weights = 0.0
    capped = False
    for summary in summaries:
        if summary.withheld or not summary.question.scored:
            continue
        counted = {key: n for key, n in summary.counts if ANSWER_VALUES[key] is not None}
        answers = sum(counted.values())
        weights += summary.question.weight * answers
        weighted += summary.question.weight * sum(ANSWER_VALUES[key] * n
                                                   for key, n in counted.items())
        if summary.question.critical and answers and counted.get("yes", 0) * 2 < answers:
            capped = True
    score = 100.0 * (weighted / weights) if weights else None
    shown = sum(not s.withheld for s in summaries)
    return StandardSummary(
        standard, score,
        None if score is None else level_for(questionnaire.levels, score, capped),
        capped and score is not None, shown, len(summaries) - shown)
