"""The database tables, as typed SQLAlchemy 2 models."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every backend (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given where UTC is required")
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


ROLES = ("viewer", "editor", "admin")  # each role may do what the one before it may


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    memberships: Mapped[list[Membership]] = relationship(back_populates="user")


class Organisation(db.Model):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(20))  # ngo | contingent | other
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="organisation")


class Membership(db.Model):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))  # one of ROLES
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")


class Invitation(db.Model):
    """A single-use link that makes its holder a member of an organisation with a role."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20))  # for kind "member"
    # "member" joins the organisation; "adviser" gets a read-only grant for grant_months.
    kind: Mapped[str] = mapped_column(String(10), default="member")
    scope: Mapped[str | None] = mapped_column(String(10))  # an adviser's: results | answers
    grant_months: Mapped[int | None] = mapped_column(Integer)
    locale: Mapped[str] = mapped_column(String(10))  # the language of its email
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    invited_by: Mapped[User | None] = relationship()

    def usable(self, now: datetime) -> bool:
        return self.accepted_at is None and self.revoked_at is None and now < self.expires_at


class PendingRegistration(db.Model):
    """A registration waiting for its email address to be confirmed by a link."""

    __tablename__ = "pending_registration"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    organisation_name: Mapped[str] = mapped_column(String(200))
    organisation_type: Mapped[str] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2))
    locale: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class UserToken(db.Model):
    """A single-use token sent by email: a password reset or the confirmation of a new address."""

    __tablename__ = "user_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(20))  # reset | email
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254))  # where it was sent
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class UserSession(db.Model):
    """One signed-in browser: the cookie holds a random id, stored here only as a hash."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    # The organisation the pages are about, for a member of several.
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class AuditEvent(db.Model):
    """Who did what and when: append-only, and never answers, notes or secrets.

    Events about an account (signing in, a password reset) have no organisation; an
    organisation's log shows them for the time the account was one of its members.
    """

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_organisation_at", "organisation_id", "at"),
        Index("ix_audit_event_actor_at", "actor_id", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE")
    )
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    actor_name: Mapped[str] = mapped_column(String(120), default="")  # kept if the account goes
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(20), default="")
    object_id: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class QuestionnaireVersion(db.Model):
    """An immutable snapshot of one (id, version) of a questionnaire, as first loaded."""

    __tablename__ = "questionnaire_version"
    __table_args__ = (UniqueConstraint("questionnaire_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    questionnaire_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    sha256: Mapped[str] = mapped_column(String(64))
    # Deferred: requests find the questionnaire in the process cache by sha256.
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Assessment(db.Model):
    __tablename__ = "assessment"
    # The portfolio reads each organisation's latest submitted rounds.
    __table_args__ = (Index("ix_assessment_organisation_submitted", "organisation_id",
                            "status", "submitted_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id"))
    label: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(12), default="draft")  # draft | submitted
    locale: Mapped[str] = mapped_column(String(10), default="en")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    organisation: Mapped[Organisation] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    # The round this one continues (its answers were carried over from it).
    previous_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessment.id", ondelete="SET NULL"), index=True
    )
    # What scoring computed when it was submitted (a submitted assessment never changes; a
    # reopened one drops it): the portfolio sorts and filters organisations by it in SQL.
    score: Mapped[float | None] = mapped_column(Float)
    level: Mapped[str | None] = mapped_column(String(32))
    minimum_met: Mapped[bool | None] = mapped_column(Boolean)
    standard_levels: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    questionnaire_version: Mapped[QuestionnaireVersion] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )

    @property
    def submitted(self) -> bool:
        return self.status == "submitted"


class Answer(db.Model):
    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("assessment_id", "question_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[str | None] = mapped_column(String(12))  # None: a note without an answer yet
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # Counts the changes to this answer, so a save made on an older page can be told apart.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # Brought over from the round before and not yet looked at: the step says so until saved.
    carried_over: Mapped[bool] = mapped_column(Boolean, default=False)

    assessment: Mapped[Assessment] = relationship(back_populates="answers")


ACTION_STATUSES = ("open", "in_progress", "done", "wont_do")


class Action(db.Model):
    """What the organisation does about one gap of a submitted assessment."""

    __tablename__ = "action"
    __table_args__ = (UniqueConstraint("assessment_id", "question_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[str] = mapped_column(String(64))
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    owner_name: Mapped[str] = mapped_column(String(120), default="")  # someone not a member
    due: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="open")  # one of ACTION_STATUSES
    reason: Mapped[str] = mapped_column(Text, default="")  # why it will not be done
    # Closed because the next round answered its question "yes".
    confirmed_by_answers: Mapped[bool] = mapped_column(Boolean, default=False)
    carried_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("action.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    comments: Mapped[list[ActionComment]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="ActionComment.id"
    )

    @property
    def closed(self) -> bool:
        return self.status in ("done", "wont_do")


class ActionComment(db.Model):
    __tablename__ = "action_comment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(
        ForeignKey("action.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    author_name: Mapped[str] = mapped_column(String(120), default="")
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    action: Mapped[Action] = relationship(back_populates="comments")


GRANT_SCOPES = ("results", "answers")


class Grant(db.Model):
    """An organisation's consent that an adviser reads its results (and answers) for a time."""

    __tablename__ = "adviser_grant"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    adviser_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    scope: Mapped[str] = mapped_column(String(10))  # one of GRANT_SCOPES
    granted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    adviser: Mapped[User] = relationship(foreign_keys=[adviser_id])

    def live(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


class OrganisationLogo(db.Model):
    """An organisation's logo for its PDFs: a PNG re-encoded from the upload (reports/logo.py).
    A table of its own, so that loading an organisation never loads the picture."""

    __tablename__ = "organisation_logo"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True
    )
    png: Mapped[bytes] = mapped_column(LargeBinary)
    digest: Mapped[str] = mapped_column(String(64))  # sha256 of png: the picture's address
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


WORKSHOP_CODE_ALPHABET = "ACDEFHJKMNPQRTUVWXY34679"  # nothing read two ways (0/O, 1/I/L, 5/S...)
WORKSHOP_CODE_LENGTH = 6


class Workshop(db.Model):
    """A trainer's session in which a room of anonymous participants answers a questionnaire.

    Open until `closed_at` (the trainer closed it) or `closes_at` (its time ran out), whichever
    comes first: closing sets `closed_at` only before `closes_at`. Once purged (`purged_at`),
    its participants and their answers are gone and `tally` keeps the room's counts.
    """

    __tablename__ = "workshop"
    __table_args__ = (CheckConstraint("min_answers >= 3", name="ck_workshop_min_answers"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trainer_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(120))
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id"))
    code: Mapped[str] = mapped_column(String(WORKSHOP_CODE_LENGTH), unique=True)
    languages: Mapped[str] = mapped_column(String(40))  # locales offered, e.g. "en,fr,ar"
    group_question: Mapped[str | None] = mapped_column(String(200))
    group_options: Mapped[list[str] | None] = mapped_column(JSON)
    min_answers: Mapped[int] = mapped_column(Integer, default=5)
    locale: Mapped[str] = mapped_column(String(10))  # the trainer's: the downloads' default
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The room's counts kept at purge: {"joined": n, "answered": n, "finished": n,
    # "counts": {question: {answer: n}}, "groups": {option: {question: {answer: n}}}}.
    tally: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    trainer: Mapped[User] = relationship()
    questionnaire_version: Mapped[QuestionnaireVersion] = relationship()

    @property
    def language_list(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]

    def ended_at(self) -> datetime:
        return self.closed_at or self.closes_at

    def is_open(self, now: datetime) -> bool:
        return self.closed_at is None and now < self.closes_at


class Participant(db.Model):
    """Someone in the room, known only by the token in their browser's cookie.

    No name, email address, IP address or free text: a workshop collects answers only.
    """

    __tablename__ = "participant"
    # The room's grouped count reads a workshop's participants by group.
    __table_args__ = (Index("ix_participant_workshop_group", "workshop_id", "group_option"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    language: Mapped[str] = mapped_column(String(10))
    group_option: Mapped[str | None] = mapped_column(String(80))  # one of the workshop's
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ParticipantAnswer(db.Model):
    """One participant's answer to one question: a table of its own, so that saves lock
    nothing shared (an assessment's Answer locks its assessment)."""

    __tablename__ = "participant_answer"

    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(12))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
