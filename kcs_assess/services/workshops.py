"""Workshops: a trainer's room of anonymous participants answering a questionnaire together.

The trainer loads a workshop through `access.load_workshop`; a participant is known only by
the token of their browser's cookie. Participants' saves write their own rows and lock
nothing shared, so a room of hundreds never queues on one row. The room is counted in the
database with one grouped query (and one for the number of participants), whatever its size;
domain/workshop.py turns the counts into what may be shown.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, exists, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from ..domain import workshop as rooms
from ..domain.questionnaire import Questionnaire, Standard
from ..domain.wizard import (
    ANSWER_FIELD,
    Conflict,
    InvalidSubmission,
    StepInput,
    hidden_answers,
)
from ..extensions import db
from ..i18n import LANGUAGES
from ..models import (
    WORKSHOP_CODE_ALPHABET,
    WORKSHOP_CODE_LENGTH,
    Assessment,
    Organisation,
    Participant,
    ParticipantAnswer,
    User,
    Workshop,
    utcnow,
)
from . import assessments, audit
from .questionnaires import questionnaire_of, snapshot_for
from .tokens import new_token, token_hash

TITLE_MAX_LENGTH = 120
GROUP_QUESTION_MAX_LENGTH = 200
GROUP_OPTION_MAX_LENGTH = 80
MAX_GROUP_OPTIONS = 12
MAX_HOURS_OPEN = 72
MAX_MIN_ANSWERS = 100
DEFAULT_HOURS_OPEN = 4
DEFAULT_QUESTIONNAIRE = "quick-check"


class Unusable(LookupError):
    """A code that opens no workshop: `reason` is "unknown" (no such code) or "closed"."""

    def __init__(self, reason: str):
        assert reason in ("unknown", "closed")
        super().__init__(reason)
        self.reason = reason


class Closed(Exception):
    """The workshop closed: answers are no longer accepted."""


@dataclass(frozen=True)
class Room:
    """What the room answered: participants and counts, for the room and for each group."""

    joined: int
    answered: int  # participants who gave at least one answer
    finished: int  # participants who reached the end of the questionnaire
    counts: dict[str, dict[str, int]]  # question id -> answer key -> participants
    groups: dict[str, dict[str, dict[str, int]]]  # group option -> the same, for that group

    def as_tally(self) -> dict[str, Any]:
        return {"joined": self.joined, "answered": self.answered, "finished": self.finished,
                "counts": self.counts, "groups": self.groups}

    @classmethod
    def from_tally(cls, tally: Mapping[str, Any]) -> Room:
        return cls(tally["joined"], tally["answered"], tally["finished"],
                   tally["counts"], tally["groups"])


@dataclass(frozen=True)
class PurgeReport:
    workshops: int
    participants: int
    answers: int


# -- the trainer's side ------------------------------------------------------------------


def create(trainer: User, *, title: str, questionnaire: Questionnaire, languages: Iterable[str],
           group_question: str | None, group_options: Iterable[str], min_answers: int,
           hours_open: int, locale: str, now: datetime | None = None) -> Workshop:
    """Open a workshop on the current version of a questionnaire; its trainer is the user."""
    now = now or utcnow()
    offered = [code for code in LANGUAGES if code in set(languages)]
    options = [option.strip() for option in group_options if option.strip()]
    group_question = (group_question or "").strip() or None
    if not offered:
        raise ValueError("a workshop offers at least one language")
    if min_answers < rooms.MIN_ANSWERS_FLOOR:
        raise ValueError(f"min_answers must be at least {rooms.MIN_ANSWERS_FLOOR}")
    if not 1 <= hours_open <= MAX_HOURS_OPEN:
        raise ValueError(f"a workshop is open for 1 to {MAX_HOURS_OPEN} hours")
    if group_question and not 2 <= len(options) <= MAX_GROUP_OPTIONS:
        raise ValueError(f"a group question has 2 to {MAX_GROUP_OPTIONS} options")
    workshop = Workshop(
        trainer_id=trainer.id, title=title.strip(),
        questionnaire_version=snapshot_for(questionnaire), code=_free_code(),
        languages=",".join(offered), group_question=group_question,
        group_options=options if group_question else None, min_answers=min_answers,
        locale=locale, created_at=now, closes_at=now + timedelta(hours=hours_open),
    )
    db.session.add(workshop)
    db.session.flush()
    audit.record(trainer, "workshop_created", object_type="workshop", object_id=workshop.id,
                 title=workshop.title, questionnaire=questionnaire.id)
    return workshop


def _free_code() -> str:
    """Return a join code no workshop has: 24^6 (about 190 million) to choose from."""
    while True:
        code = "".join(secrets.choice(WORKSHOP_CODE_ALPHABET)
                       for _ in range(WORKSHOP_CODE_LENGTH))
        if db.session.execute(select(Workshop.id).where(Workshop.code == code)).first() is None:
            return code


def list_for(trainer: User) -> list[tuple[Workshop, int]]:
    """Return the trainer's workshops, newest first, each with how many joined it."""
    mine = select(Workshop.id).where(Workshop.trainer_id == trainer.id)
    joined = (select(Participant.workshop_id, func.count(Participant.id).label("n"))
              .where(Participant.workshop_id.in_(mine))
              .group_by(Participant.workshop_id).subquery())
    rows = db.session.execute(
        select(Workshop, joined.c.n).outerjoin(joined, joined.c.workshop_id == Workshop.id)
        .where(Workshop.trainer_id == trainer.id)
        .order_by(Workshop.created_at.desc(), Workshop.id.desc())
    ).all()
    return [(workshop, workshop.tally["joined"] if workshop.tally else n or 0)
            for workshop, n in rows]


def questionnaire_for(workshop: Workshop) -> Questionnaire:
    return questionnaire_of(workshop.questionnaire_version)


def close(trainer: User, workshop: Workshop, now: datetime | None = None) -> bool:
    """Close an open workshop now; return False when it was closed already."""
    now = now or utcnow()
    closed = db.session.execute(
        update(Workshop).where(Workshop.id == workshop.id, Workshop.closed_at.is_(None),
                               Workshop.closes_at > now)
        .values(closed_at=now).execution_options(synchronize_session=False)
    ).rowcount
    if closed:
        set_committed_value(workshop, "closed_at", now)
        audit.record(trainer, "workshop_closed", object_type="workshop", object_id=workshop.id,
                     title=workshop.title)
    return bool(closed)


def keep_open(trainer: User, workshop: Workshop, hours: int,
              now: datetime | None = None) -> datetime | None:
    """Keep a workshop open `hours` longer, or open a closed one again for `hours` from now.

    A trainer who set the workshop up the day before, or whose session ran over, needs this.
    Participants who joined before keep their place (their cookie outlives the closing).
    Return the new closing time, or None when the workshop was purged: its participants are
    gone, so opening it again would count the room twice. Never more than MAX_HOURS_OPEN
    ahead of now.
    """
    now = now or utcnow()
    if workshop.purged_at is not None:
        return None
    start = workshop.closes_at if workshop.is_open(now) else now
    until = min(start + timedelta(hours=hours), now + timedelta(hours=MAX_HOURS_OPEN))
    workshop.closes_at = until
    workshop.closed_at = None
    db.session.flush()
    audit.record(trainer, "workshop_kept_open", object_type="workshop", object_id=workshop.id,
                 title=workshop.title, hours=hours)
    return until


def record_export(trainer: User, workshop: Workshop, file_format: str, locale: str) -> None:
    audit.record(trainer, "workshop_exported", object_type="workshop", object_id=workshop.id,
                 title=workshop.title, format=file_format, language=locale)


# -- joining and answering ---------------------------------------------------------------


def normalise_code(typed: str) -> str:
    """Return a code as stored, however it was typed (small letters, spaces, dashes)."""
    return "".join(ch for ch in typed.upper() if not ch.isspace() and ch != "-")


def find(typed_code: str, now: datetime | None = None) -> Workshop:
    """Return the open workshop a typed code names; Unusable otherwise."""
    code = normalise_code(typed_code)
    if len(code) != WORKSHOP_CODE_LENGTH or set(code) - set(WORKSHOP_CODE_ALPHABET):
        raise Unusable("unknown")
    workshop = _with_code(code)
    if workshop is None:
        raise Unusable("unknown")
    if not workshop.is_open(now or utcnow()):
        raise Unusable("closed")
    return workshop


def by_code(typed_code: str) -> Workshop | None:
    """Return the workshop a code names, open or not (a participant's pages say it closed)."""
    code = normalise_code(typed_code)
    if len(code) != WORKSHOP_CODE_LENGTH:
        return None
    return _with_code(code)


def _with_code(code: str) -> Workshop | None:
    # Every participant's page needs the questionnaire: its version comes in the same query.
    return db.session.execute(
        select(Workshop).where(Workshop.code == code)
        .options(joinedload(Workshop.questionnaire_version))
    ).scalar_one_or_none()


def join(workshop: Workshop, language: str, group: str | None,
         now: datetime | None = None) -> tuple[Participant, str]:
    """Add a participant to an open workshop; return it and the token for its cookie (the
    only time the token exists outside the browser: only its hash is stored)."""
    now = now or utcnow()
    if not workshop.is_open(now):
        raise Closed(workshop.id)
    if language not in workshop.language_list:
        raise ValueError(f"language {language!r} is not offered")
    if workshop.group_question:
        if group not in (workshop.group_options or []):
            raise ValueError(f"group {group!r} is not offered")
    else:
        group = None
    token, hashed = new_token()
    participant = Participant(workshop_id=workshop.id, token_hash=hashed, language=language,
                              group_option=group, created_at=now)
    db.session.add(participant)
    db.session.flush()
    return participant, token


def participant_for(workshop: Workshop, token: str | None) -> Participant | None:
    """Return the workshop's participant whose cookie holds this token, if any."""
    if not token:
        return None
    return db.session.execute(
        select(Participant).where(Participant.token_hash == token_hash(token),
                                  Participant.workshop_id == workshop.id)
    ).scalar_one_or_none()


class ParticipantSheet:
    """A participant's answer sheet for the wizard's steps (domain.wizard.Sheet).

    Only its participant writes it, so a save has nothing to merge: what is posted is kept.
    Answers that the participant's own answers no longer show (show_if) are deleted, so the
    room's counts are a plain count of the stored rows.
    """

    def __init__(self, participant: Participant, questionnaire: Questionnaire):
        self.participant = participant
        self.questionnaire = questionnaire
        self._answers: dict[str, str] | None = None

    def answers(self) -> dict[str, str]:
        if self._answers is None:
            self._answers = dict(db.session.execute(
                select(ParticipantAnswer.question_id, ParticipantAnswer.value)
                .where(ParticipantAnswer.participant_id == self.participant.id)
            ).all())
        return dict(self._answers)

    def save(self, standard: Standard, step: StepInput) -> tuple[Conflict, ...]:
        stored = self.answers()
        merged = {**stored, **step.answers}
        hidden = hidden_answers(self.questionnaire, merged)
        changed = {question_id: value for question_id, value in step.answers.items()
                   if stored.get(question_id) != value and question_id not in hidden}
        now = utcnow()
        if changed:
            _upsert([{"participant_id": self.participant.id, "question_id": question_id,
                      "value": value, "updated_at": now}
                     for question_id, value in sorted(changed.items())])
        gone = sorted(hidden & set(stored))
        if gone:
            db.session.execute(delete(ParticipantAnswer).where(
                ParticipantAnswer.participant_id == self.participant.id,
                ParticipantAnswer.question_id.in_(gone)))
        self._answers = {question_id: value for question_id, value in merged.items()
                         if question_id not in hidden}
        return ()

    def finish(self, now: datetime | None = None) -> None:
        """Note that the participant reached the end (once: later changes keep the time)."""
        if self.participant.finished_at is None:
            self.participant.finished_at = now or utcnow()


def _upsert(rows: list[dict[str, Any]]) -> None:
    """Insert or replace answers in one statement: a double-clicked save cannot collide."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(ParticipantAnswer).values(rows)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["participant_id", "question_id"],
        set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at}))


# -- the room ----------------------------------------------------------------------------


def room(workshop: Workshop) -> Room:
    """Count the room: two queries whatever the number of participants, none once purged."""
    if workshop.tally is not None:
        return Room.from_tally(workshop.tally)
    counts: dict[str, dict[str, int]] = {}
    groups: dict[str, dict[str, dict[str, int]]] = {}
    for group, question_id, value, n in db.session.execute(
        select(Participant.group_option, ParticipantAnswer.question_id,
               ParticipantAnswer.value, func.count())
        .join(ParticipantAnswer, ParticipantAnswer.participant_id == Participant.id)
        .where(Participant.workshop_id == workshop.id)
        .group_by(Participant.group_option, ParticipantAnswer.question_id,
                  ParticipantAnswer.value)
    ):
        by_answer = counts.setdefault(question_id, {})
        by_answer[value] = by_answer.get(value, 0) + n
        if group is not None:
            groups.setdefault(group, {}).setdefault(question_id, {})[value] = n
    answering = exists().where(ParticipantAnswer.participant_id == Participant.id)
    joined, finished, answered = db.session.execute(
        select(func.count(Participant.id), func.count(Participant.finished_at),
               func.count(case((answering, 1))))
        .where(Participant.workshop_id == workshop.id)
    ).one()
    return Room(joined, answered, finished, counts, groups)


def summary(workshop: Workshop, counted: Room, group: str | None = None) -> rooms.Summary:
    """Sum up the room, or one of its groups, by the minimum-answers rule."""
    questionnaire = questionnaire_for(workshop)
    if group is None:
        return rooms.summarise(questionnaire, counted.counts, workshop.min_answers)
    protected = rooms.group_counts(counted.counts, counted.groups, workshop.min_answers)
    return rooms.summarise(questionnaire, protected.get(group, {}), workshop.min_answers)


def group_summaries(workshop: Workshop, counted: Room) -> list[tuple[str, rooms.Summary]]:
    """Sum up each of the workshop's groups, in the order the trainer gave them (the
    subtraction rule worked out once for all of them)."""
    questionnaire = questionnaire_for(workshop)
    protected = rooms.group_counts(counted.counts, counted.groups, workshop.min_answers)
    return [(option, rooms.summarise(questionnaire, protected.get(option, {}),
                                     workshop.min_answers))
            for option in workshop.group_options or []]


# -- after the workshop ------------------------------------------------------------------


def parse_draft(summary: rooms.Summary, fields: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Read the answers chosen for a draft (answer-<question id>, "" for none); raise
    InvalidSubmission for a question not shown in the room or an answer it does not offer."""
    shown = {q.question.id: q.question for q in summary.shown}
    chosen: dict[str, str] = {}
    seen: set[str] = set()
    for name, value in fields:
        if not name.startswith(ANSWER_FIELD):
            continue
        question_id = name[len(ANSWER_FIELD):]
        question = shown.get(question_id)
        if question is None:
            reason = ("other_step" if question_id in summary.questionnaire.questions_by_id
                      else "unknown_question")
            raise InvalidSubmission(reason, question_id)
        if question_id in seen:
            raise InvalidSubmission("sent_twice", question_id)
        seen.add(question_id)
        if value and value not in question.options:
            raise InvalidSubmission("bad_answer", question_id, value)
        if value:
            chosen[question_id] = value
    return chosen


def to_draft(trainer: User, workshop: Workshop, organisation: Organisation,
             answers: Mapping[str, str], label: str, locale: str) -> Assessment:
    """Start a draft assessment of an organisation with the answers the room agreed on.

    The trainer must be allowed to answer for the organisation (access.Forbidden otherwise).
    Answers that the other chosen answers do not show are left out, as a participant's are.
    """
    questionnaire = questionnaire_for(workshop)
    assessment = assessments.start(trainer, organisation, questionnaire, label, locale)
    hidden = hidden_answers(questionnaire, answers)
    kept = {question_id: value for question_id, value in answers.items()
            if question_id not in hidden}
    if kept:
        assessments.save_step(trainer, assessment, StepInput(kept, {}))
    audit.record(trainer, "workshop_converted", organisation_id=organisation.id,
                 object_type="workshop", object_id=workshop.id, title=workshop.title,
                 assessment=assessment.id, answers=len(kept))
    return assessment


def purge(now: datetime, retention: timedelta) -> PurgeReport:
    """Delete the participants and answers of workshops that ended at least `retention`
    ago, keeping each room's counts; safe to run at any time, and again."""
    due = list(db.session.execute(
        select(Workshop).where(Workshop.purged_at.is_(None),
                               func.coalesce(Workshop.closed_at, Workshop.closes_at)
                               <= now - retention)
        .order_by(Workshop.id)
    ).scalars())
    participants = answers = 0
    for workshop in due:
        workshop.tally = room(workshop).as_tally()
        of_workshop = select(Participant.id).where(Participant.workshop_id == workshop.id)
        removed_answers = db.session.execute(delete(ParticipantAnswer).where(
            ParticipantAnswer.participant_id.in_(of_workshop))).rowcount
        removed = db.session.execute(delete(Participant).where(
            Participant.workshop_id == workshop.id)).rowcount
        workshop.purged_at = now
        audit.record(None, "workshop_purged", object_type="workshop", object_id=workshop.id,
                     participants=removed, answers=removed_answers)
        participants += removed
        answers += removed_answers
    db.session.flush()
    return PurgeReport(len(due), participants, answers)
