"""Score answers, find the gaps and order them into an improvement plan (DESIGN.md's rules)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from .questionnaire import (
    ANSWER_VALUES,
    SEVERITIES,
    Criterion,
    Level,
    Question,
    Questionnaire,
    Standard,
)

GAP_ANSWERS = ("partly", "no", "unknown")
# A board reads the few actions that matter most before the whole plan.
TOP_PRIORITIES = 5
TOP_SEVERITIES = ("critical", "high")
# Sums of float weights can land a hair below a whole number (69.99999999999999 for 70).
TOLERANCE = 1e-9


@dataclass(frozen=True)
class Gap:
    """An included question answered partly, no or don't know, with its improvement action."""

    question: Question
    standard: Standard
    answer: str
    severity: str
    timeframe_months: int


@dataclass(frozen=True)
class StandardResult:
    standard: Standard
    score: float | None  # None: not assessed (no included answered question)
    level: Level | None
    capped: bool  # a critical question not answered yes holds the level at the second
    held_back: bool  # the cap lowered the level: the score alone reaches a higher one
    framework: float | None
    practice: float | None
    status: str  # not_started | in_progress | done (over the visible questions)
    answered: int
    visible: int

    @property
    def assessed(self) -> bool:
        return self.score is not None


@dataclass(frozen=True)
class Result:
    questionnaire: Questionnaire
    standards: tuple[StandardResult, ...]
    score: float | None
    level: Level | None
    minimum_met: bool | None  # None: a draft whose critical questions are not all answered yet
    failing_critical: tuple[Question, ...]
    find_out: tuple[Question, ...]
    plan: tuple[Gap, ...]
    unanswered: tuple[Question, ...]
    shown: frozenset[str]  # ids of the questions whose show_if holds
    strengths: tuple[Strength, ...]  # in questionnaire order

    @property
    def complete(self) -> bool:
        """Return whether every included question is answered, so it can be submitted."""
        return not self.unanswered

    def for_standard(self, standard_id: str) -> StandardResult:
        return next(r for r in self.standards if r.standard.id == standard_id)

    @property
    def answered(self) -> int:
        """Return how many included questions are answered so far."""
        return sum(r.answered for r in self.standards)

    @property
    def plan_status(self) -> str:
        """Return what an empty plan means, so that it is never shown as good news by mistake.

        "gaps": the plan has actions; "nothing_answered": no question answered yet;
        "incomplete": no gap among the answers so far, but some questions are unanswered;
        "nothing_scored": every question answered, none of them scored (all not applicable);
        "no_gaps": every question answered and every scored one fully in place.
        """
        if self.plan:
            return "gaps"
        if not self.answered:
            return "nothing_answered"
        if self.unanswered:
            return "incomplete"
        if self.score is None:
            return "nothing_scored"
        return "no_gaps"

    @property
    def top_priorities(self) -> tuple[Gap, ...]:
        """Return the critical gaps, then the first high ones, at most TOP_PRIORITIES in all."""
        return tuple(g for g in self.plan if g.severity in TOP_SEVERITIES)[:TOP_PRIORITIES]


@dataclass(frozen=True)
class Strength:
    """A criterion fully in place: every included scored question answered yes."""

    criterion: Criterion
    standard: Standard
    questions: tuple[Question, ...]  # the questions that counted, all answered yes


def visible_questions(questionnaire: Questionnaire, answers: Mapping[str, str]) -> list[Question]:
    """Return the questions whose show_if holds, in questionnaire order.

    A show_if holds only when the question it names is itself shown and answered with one
    of the listed answers other than "na"; show_if always names an earlier question, so one
    pass suffices.
    """
    shown: set[str] = set()
    result = []
    for question in questionnaire.questions:
        condition = question.show_if
        if condition is None or (
            condition.question in shown and answers.get(condition.question) in condition.opening
        ):
            shown.add(question.id)
            result.append(question)
    return result


def level_for(levels: tuple[Level, ...], score: float, capped: bool) -> Level:
    """Return the highest level whose minimum the score reaches, held at the second if capped."""
    index = max(i for i, level in enumerate(levels) if score + TOLERANCE >= level.min)
    if capped:
        index = min(index, 1)
    return levels[index]


def level_ranges(levels: tuple[Level, ...]) -> tuple[tuple[Level, float, float], ...]:
    """Return each level with the lowest and highest score shown for it.

    Shown scores are whole and rounded down (shown_score), so a level followed by one that
    starts at 70 is shown for the scores up to 69.
    """
    tops = [following.min - 1 for following in levels[1:]] + [100.0]
    return tuple((level, level.min, max(level.min, top))
                 for level, top in zip(levels, tops, strict=True))


def shown_score(value: float) -> int:
    """Return the whole number to show for a score.

    Rounded down, so a shown score never reaches a level threshold that the score itself
    did not (89.5 is shown as 89 beside "Established", never as 90).
    """
    return math.floor(value + TOLERANCE)


def weighted_score(questions: list[Question], answers: Mapping[str, str]) -> float | None:
    """Return 100 * sum(weight * value) / sum(weight), or None when nothing counts."""
    total_weight = 0.0
    total = 0.0
    for question in questions:
        value = ANSWER_VALUES.get(answers.get(question.id, "na"))
        if value is None:
            continue
        total_weight += question.weight
        total += question.weight * value
    if total_weight == 0:
        return None
    # Divide first: total <= total_weight, so all-yes is exactly 1.0 and scores exactly 100.
    return 100.0 * (total / total_weight)


def gap_severity(question: Question, answer: str) -> str:
    """Return the severity of a gap: critical > high > medium > low."""
    if question.critical:
        return "critical"
    heavy = question.weight >= 2
    if answer in ("no", "unknown"):
        return "high" if heavy else "medium"
    return "medium" if heavy else "low"


def score(questionnaire: Questionnaire, answers: Mapping[str, str]) -> Result:
    """Score an assessment's answers (question id -> answer key) against its questionnaire.

    Unanswered questions are left out, so a draft's scores are provisional and count the
    answered questions only.
    """
    visible = visible_questions(questionnaire, answers)
    visible_ids = {q.id for q in visible}
    standard_order = {s.id: i for i, s in enumerate(questionnaire.standards)}

    standard_results = []
    gaps: list[Gap] = []
    failing_critical: list[Question] = []
    unanswered_critical = False
    for standard in questionnaire.standards:
        shown = [q for q in standard.questions if q.id in visible_ids]
        answered = [q for q in shown if q.id in answers]
        counted = [q for q in answered if q.scored and answers[q.id] != "na"]
        capped = False
        for question in counted:
            answer = answers[question.id]
            if question.critical and answer != "yes":
                capped = True
                failing_critical.append(question)
            if answer in GAP_ANSWERS:
                severity = gap_severity(question, answer)
                gaps.append(Gap(question, standard, answer, severity,
                                questionnaire.timeframes[severity]))
        unanswered_critical |= any(q.critical and q.id not in answers for q in shown)
        value = weighted_score(counted, answers)
        level = None if value is None else level_for(questionnaire.levels, value, capped)
        standard_results.append(StandardResult(
            standard=standard,
            score=value,
            level=level,
            capped=capped,
            held_back=level is not None
            and level != level_for(questionnaire.levels, value, capped=False),
            framework=weighted_score([q for q in counted if q.tier == "framework"], answers),
            practice=weighted_score([q for q in counted if q.tier == "practice"], answers),
            status=_status(len(answered), len(shown)),
            answered=len(answered),
            visible=len(shown),
        ))

    assessed = [r.score for r in standard_results if r.score is not None]
    overall = sum(assessed) / len(assessed) if assessed else None
    if failing_critical:
        minimum_met: bool | None = False
    elif unanswered_critical:
        minimum_met = None
    else:
        minimum_met = True
    gaps.sort(key=lambda g: (SEVERITIES.index(g.severity), standard_order[g.standard.id],
                             g.question.position))
    return Result(
        questionnaire=questionnaire,
        standards=tuple(standard_results),
        score=overall,
        level=None if overall is None
        else level_for(questionnaire.levels, overall, capped=minimum_met is False),
        minimum_met=minimum_met,
        failing_critical=tuple(failing_critical),
        find_out=tuple(q for q in visible if answers.get(q.id) == "unknown"),
        plan=tuple(gaps),
        unanswered=tuple(q for q in visible if q.id not in answers),
        shown=frozenset(visible_ids),
        strengths=tuple(_strengths(questionnaire, visible_ids, answers)),
    )


def _strengths(questionnaire: Questionnaire, visible_ids: set[str],
               answers: Mapping[str, str]) -> list[Strength]:
    """Return the criteria whose included questions are all answered and whose scored ones
    (at least one, not applicable left out) are all yes."""
    strengths = []
    for standard in questionnaire.standards:
        for criterion in standard.criteria:
            shown = [q for q in criterion.questions if q.id in visible_ids]
            if not shown or any(q.id not in answers for q in shown):
                continue
            counted = [q for q in shown if q.scored and answers[q.id] != "na"]
            if counted and all(answers[q.id] == "yes" for q in counted):
                strengths.append(Strength(criterion, standard, tuple(counted)))
    return strengths


def _status(answered: int, shown: int) -> str:
    if answered == 0:
        return "not_started" if shown else "done"
    return "done" if answered == shown else "in_progress"
