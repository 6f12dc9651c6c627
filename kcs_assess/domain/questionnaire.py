"""The questionnaire model: standards, criteria, questions and their answer scales."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

# The answer vocabulary is fixed because the scoring rules are defined over it.
ANSWER_VALUES: dict[str, float | None] = {
    "yes": 1.0,
    "partly": 0.5,
    "no": 0.0,
    "unknown": 0.0,
    "na": None,
}

# Named scales: which answers a question offers ("na" is added where allowed).
SCALES: dict[str, tuple[str, ...]] = {
    "standard": ("yes", "partly", "no", "unknown"),
    "yes_no": ("yes", "no", "unknown"),
}

TIERS = ("framework", "practice")
SEVERITIES = ("critical", "high", "medium", "low")
DEFAULT_TIMEFRAMES = {"critical": 1, "high": 3, "medium": 6, "low": 12}
ORGANISATION_TYPES = ("ngo", "contingent", "other")


@dataclass(frozen=True)
class ShowIf:
    question: str
    answers: tuple[str, ...]

    @property
    def opening(self) -> tuple[str, ...]:
        """Return the listed answers that open the question: never "na".

        A not-applicable answer is left out of the score, so it must not open follow-up
        questions that would be scored. The validator refuses "na" in a show_if list; this
        also holds for a snapshot stored before that rule.
        """
        return tuple(answer for answer in self.answers if answer != "na")


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    help: str
    tier: str
    scale: str
    standard_id: str
    criterion_id: str
    position: int
    action: str = ""
    weight: float = 1.0
    critical: bool = False
    allow_na: bool = False
    scored: bool = True
    show_if: ShowIf | None = None
    maps_to: tuple[tuple[str, tuple[str, ...]], ...] = ()
    replaces: tuple[str, ...] = ()  # ids of earlier versions' questions this one takes over

    @property
    def options(self) -> tuple[str, ...]:
        """Return the answer keys this question offers, in display order."""
        keys = SCALES[self.scale]
        return keys + ("na",) if self.allow_na else keys


@dataclass(frozen=True)
class Criterion:
    id: str
    title: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Standard:
    id: str
    title: str
    description: str
    criteria: tuple[Criterion, ...]

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for c in self.criteria for q in c.questions)


@dataclass(frozen=True)
class Level:
    key: str
    min: float
    title: str
    description: str = ""  # what reaching this level means, shown beside the scores


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: str
    title: str
    description: str
    standards: tuple[Standard, ...]
    levels: tuple[Level, ...]
    audience: tuple[str, ...] = ()
    minutes: int = 0
    timeframes: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_TIMEFRAMES))

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for s in self.standards for q in s.questions)

    @cached_property
    def questions_by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    @cached_property
    def standards_by_id(self) -> dict[str, Standard]:
        return {s.id: s for s in self.standards}

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready form, the snapshot kept in the database."""
        return {
            "id": self.id,
            "version": self.version,
            "title": self.title,
            "description": self.description,
            "audience": list(self.audience),
            "minutes": self.minutes,
            "timeframes": dict(self.timeframes),
            "levels": [_level_to_dict(level) for level in self.levels],
            "standards": [
                {
                    "id": s.id,
                    "title": s.title,
                    "description": s.description,
                    "criteria": [
                        {
                            "id": c.id,
                            "title": c.title,
                            "questions": [_question_to_dict(q) for q in c.questions],
                        }
                        for c in s.criteria
                    ],
                }
                for s in self.standards
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Questionnaire:
        """Rebuild a questionnaire from its snapshot (trusted: it was validated when stored)."""
        position = 0
        standards = []
        for s in data["standards"]:
            criteria = []
            for c in s["criteria"]:
                questions = []
                for q in c["questions"]:
                    show_if = q.get("show_if")
                    questions.append(
                        Question(
                            id=q["id"],
                            text=q["text"],
                            help=q["help"],
                            tier=q["tier"],
                            scale=q["scale"],
                            standard_id=s["id"],
                            criterion_id=c["id"],
                            position=position,
                            action=q.get("action", ""),
                            weight=float(q.get("weight", 1.0)),
                            critical=bool(q.get("critical", False)),
                            allow_na=bool(q.get("allow_na", False)),
                            scored=bool(q.get("scored", True)),
                            show_if=ShowIf(show_if["question"], tuple(show_if["in"]))
                            if show_if
                            else None,
                            maps_to=tuple(
                                (name, tuple(refs)) for name, refs in q.get("maps_to", {}).items()
                            ),
                            replaces=tuple(q.get("replaces", ())),
                        )
                    )
                    position += 1
                criteria.append(Criterion(c["id"], c["title"], tuple(questions)))
            standards.append(
                Standard(s["id"], s["title"], s.get("description", ""), tuple(criteria))
            )
        return cls(
            id=data["id"],
            version=data["version"],
            title=data["title"],
            description=data.get("description", ""),
            standards=tuple(standards),
            levels=tuple(
                Level(lv["key"], float(lv["min"]), lv["title"], lv.get("description", ""))
                for lv in data["levels"]
            ),
            audience=tuple(data.get("audience", ())),
            minutes=int(data.get("minutes", 0)),
            timeframes={**DEFAULT_TIMEFRAMES, **data.get("timeframes", {})},
        )


# Keys added after the first release are emitted only when set: the snapshot's sha256 is taken
# over this form, so an always-emitted new key would change the digest of every stored version.
def _level_to_dict(level: Level) -> dict[str, Any]:
    data: dict[str, Any] = {"key": level.key, "min": level.min, "title": level.title}
    if level.description:
        data["description"] = level.description
    return data


def _question_to_dict(q: Question) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": q.id,
        "text": q.text,
        "help": q.help,
        "tier": q.tier,
        "scale": q.scale,
        "action": q.action,
        "weight": q.weight,
        "critical": q.critical,
        "allow_na": q.allow_na,
        "scored": q.scored,
    }
    if q.show_if:
        data["show_if"] = {"question": q.show_if.question, "in": list(q.show_if.answers)}
    if q.maps_to:
        data["maps_to"] = {name: list(refs) for name, refs in q.maps_to}
    if q.replaces:
        data["replaces"] = list(q.replaces)
    return data


def message_context(questionnaire_id: str, element_id: str, field: str) -> str:
    """Return the gettext context of one questionnaire string, unique per element and field.

    The id, not the English text, keys the context, so the same words in two places can be
    translated apart and a translation survives a version bump.
    """
    return f"{questionnaire_id}:{element_id}:{field}"
