"""The database tables, as typed SQLAlchemy 2 models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Integer,
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


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

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
    role: Mapped[str] = mapped_column(String(20))  # admin | member

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")


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

    organisation: Mapped[Organisation] = relationship()
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

    assessment: Mapped[Assessment] = relationship(back_populates="answers")
