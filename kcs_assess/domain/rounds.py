"""Rounds over time: which questions of two assessments correspond, carrying answers over to
the next round, and comparing two rounds (pure functions, no Flask, no SQLAlchemy).

Two questions correspond when they have the same id, or when the newer questionnaire's
question names the older one in `replaces` (a split question corresponds to each of its
parts, merged questions to their merger). Which questionnaire is newer is decided by the
versions, never by the order of the arguments, so comparing A with B and B with A pair
the same questions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .catalogue import version_key
from .questionnaire import ANSWER_VALUES, Level, Question, Questionnaire
from .scoring import Result

CHANGE_KINDS = ("worsened", "improved", "new", "removed", "unchanged")  # as listed


def links(first: Questionnaire, second: Questionnaire) -> set[tuple[str, str]]:
    """Return the (first's question id, second's question id) pairs that correspond."""
    pairs = {(q.id, q.id) for q in first.questions if q.id in second.questions_by_id}
    if first.id != second.id or first.version == second.version:
        return pairs
    newer_is_second = version_key(second.version) > version_key(first.version)
    newer, older = (second, first) if newer_is_second else (first, second)
    for question in newer.questions:
        for old_id in question.replaces:
            if old_id in older.questions_by_id:
                pairs.add((old_id, question.id) if newer_is_second else (question.id, old_id))
    return pairs


@dataclass(frozen=True)
class Carried:
    """What a new round starts with for one question: an answer (or none) and a note."""

    value: str | None
    note: str


def carry_over(old: Questionnaire, new: Questionnaire, answers: Mapping[str, str],
               notes: Mapping[str, str]) -> dict[str, Carried]:
    """Return, per question of the new round, the answer and note carried from the old one.

    An answer is carried when every corresponding old question that was answered gave the
    same answer and the new question offers it; notes are kept (joined when several).
    Questions that are new in this version start unanswered.
    """
    before: dict[str, list[str]] = {}
    for old_id, new_id in sorted(links(old, new)):
        before.setdefault(new_id, []).append(old_id)
    carried = {}
    for question in new.questions:
        old_ids = before.get(question.id, [])
        values = {answers[i] for i in old_ids if i in answers}
        value = values.pop() if len(values) == 1 else None
        if value not in question.options:
            value = None
        texts = list(dict.fromkeys(notes[i] for i in old_ids if notes.get(i)))
        if value is not None or texts:
            carried[question.id] = Carried(value, "\n\n".join(texts))
    return carried


def successors(old: Questionnaire, new: Questionnaire) -> dict[str, tuple[str, ...]]:
    """Return, per old question id, the ids of the new questions that take it over."""
    found: dict[str, list[str]] = {}
    for old_id, new_id in sorted(links(old, new)):
        found.setdefault(old_id, []).append(new_id)
    return {old_id: tuple(new_ids) for old_id, new_ids in found.items()}


@dataclass(frozen=True)
class ScoreChange:
    before: float | None
    after: float | None
    before_level: Level | None
    after_level: Level | None

    @property
    def change(self) -> float | None:
        """Return after minus before, or None when either is not assessed."""
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class StandardChange(ScoreChange):
    standard_id: str
    title: str
    questionnaire_id: str  # whose catalog entries translate the title


@dataclass(frozen=True)
class QuestionChange:
    kind: str  # one of CHANGE_KINDS
    before: Question | None
    after: Question | None
    before_answer: str | None
    after_answer: str | None

    @property
    def question(self) -> Question:
        """Return the question as it is worded in the newer round it appears in."""
        return self.after or self.before  # type: ignore[return-value]


@dataclass(frozen=True)
class Comparison:
    before: Result
    after: Result
    overall: ScoreChange
    standards: tuple[StandardChange, ...]
    questions: tuple[QuestionChange, ...]  # worsened first, then improved, new, removed, same

    def count(self, kind: str) -> int:
        return sum(1 for change in self.questions if change.kind == kind)


def compare(before: Result, before_answers: Mapping[str, str], after: Result,
            after_answers: Mapping[str, str]) -> Comparison:
    """Compare two assessments of an organisation: scores, levels and every question.

    A question counts in a round when it applied, was answered and is scored (not "Not
    applicable"). Corresponding questions that count in both rounds have improved,
    worsened or stayed unchanged by their answers' values (yes 1, partly 0.5, no and don't
    know 0); one that counts only in the later round is new, only in the earlier removed.
    """
    first, second = before.questionnaire, after.questionnaire
    counted_before = _counted(before, before_answers)
    counted_after = _counted(after, after_answers)
    rows: list[QuestionChange] = []
    paired_before: set[str] = set()
    paired_after: set[str] = set()
    for before_id, after_id in sorted(links(first, second)):
        was, now = counted_before.get(before_id), counted_after.get(after_id)
        if was is None and now is None:
            continue
        paired_before.add(before_id)
        paired_after.add(after_id)
        rows.append(QuestionChange(
            _kind(was, now), first.questions_by_id[before_id], second.questions_by_id[after_id],
            before_answers.get(before_id), after_answers.get(after_id)))
    for question_id in counted_after.keys() - paired_after:
        rows.append(QuestionChange("new", None, second.questions_by_id[question_id], None,
                                   after_answers[question_id]))
    for question_id in counted_before.keys() - paired_before:
        rows.append(QuestionChange("removed", first.questions_by_id[question_id], None,
                                   before_answers[question_id], None))
    rows.sort(key=lambda row: (CHANGE_KINDS.index(row.kind), *_place(row, first, second)))
    return Comparison(
        before=before, after=after,
        overall=ScoreChange(before.score, after.score, before.level, after.level),
        standards=_standards(before, after), questions=tuple(rows),
    )


def _counted(result: Result, answers: Mapping[str, str]) -> dict[str, float]:
    values = {}
    for question in result.questionnaire.questions:
        value = ANSWER_VALUES.get(answers.get(question.id, "na"))
        if question.id in result.shown and question.scored and value is not None:
            values[question.id] = value
    return values


def _kind(was: float | None, now: float | None) -> str:
    if was is None:
        return "new"
    if now is None:
        return "removed"
    return "improved" if now > was else "worsened" if now < was else "unchanged"


def _place(row: QuestionChange, first: Questionnaire,
           second: Questionnaire) -> tuple[int, int, int]:
    """Order questions as the later round's questionnaire lists them, then the earlier's."""
    if row.after is not None:
        standard = [s.id for s in second.standards].index(row.after.standard_id)
        return 0, standard, row.after.position
    assert row.before is not None
    standard = [s.id for s in first.standards].index(row.before.standard_id)
    return 1, standard, row.before.position


def _standards(before: Result, after: Result) -> tuple[StandardChange, ...]:
    """Pair standards by id: the later round's in its order, then any only the earlier had."""
    earlier = {r.standard.id: r for r in before.standards}
    later = {r.standard.id: r for r in after.standards}
    order = [r.standard.id for r in after.standards] + [
        r.standard.id for r in before.standards if r.standard.id not in later]
    changes = []
    for standard_id in order:
        was, now = earlier.get(standard_id), later.get(standard_id)
        shown = now or was
        assert shown is not None
        changes.append(StandardChange(
            before=was.score if was else None, after=now.score if now else None,
            before_level=was.level if was else None, after_level=now.level if now else None,
            standard_id=standard_id, title=shown.standard.title,
            questionnaire_id=(after if now else before).questionnaire.id,
        ))
    return tuple(changes)
