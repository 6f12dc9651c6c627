"""Advisers: an organisation's consent to read its results, and the adviser's portfolio.

An organisation's admin invites an adviser (the teams invitation, of kind "adviser") with a
scope (results and plan, or also answers and notes) and a number of months (12 by default,
24 at most). Accepting it makes a Grant; the admin sees every grant and revokes any at once.
The portfolio lists every organisation that granted the adviser access, built with a fixed
number of queries whatever their number: it reads the summary stored with each submitted
round rather than scoring every round's answers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, insert, select
from sqlalchemy.orm import joinedload

from ..domain.actions import CLOSED
from ..domain.questionnaire import Questionnaire
from ..extensions import db
from ..models import (
    GRANT_SCOPES,
    Action,
    Assessment,
    AuditEvent,
    Grant,
    Invitation,
    Organisation,
    QuestionnaireVersion,
    User,
    utcnow,
)
from . import access, audit, teams
from .questionnaires import questionnaire_of

DEFAULT_MONTHS = 12
MAX_MONTHS = 24
PAGE_SIZE = 50


def invite(actor: User, organisation: Organisation, email: str, scope: str, months: int,
           locale: str) -> tuple[Invitation, str]:
    """Invite an adviser to read the organisation's results for some months."""
    if scope not in GRANT_SCOPES or not 1 <= months <= MAX_MONTHS:
        raise ValueError((scope, months))
    return teams.create_invitation(actor, organisation, email, locale, kind="adviser",
                                   scope=scope, grant_months=months)


def grants(organisation: Organisation) -> list[Grant]:
    """Return every grant the organisation gave, live ones first, newest first."""
    now = utcnow()
    found = db.session.execute(
        select(Grant).options(joinedload(Grant.adviser))
        .where(Grant.organisation_id == organisation.id)
        .order_by(Grant.created_at.desc(), Grant.id.desc())
    ).scalars()
    return sorted(found, key=lambda grant: not grant.live(now))


def revoke(actor: User, organisation: Organisation, grant_id: int) -> None:
    """End a grant at once: the adviser's next page of the organisation is not found."""
    grant = db.session.execute(select(Grant).where(
        Grant.id == grant_id, Grant.organisation_id == organisation.id).with_for_update()
    ).scalar_one_or_none()
    if grant is None:
        raise access.NotFound(grant_id)
    if grant.revoked_at is not None:
        return
    grant.revoked_at = utcnow()
    db.session.info.pop("kcs_grants", None)
    audit.record(actor, "grant_revoked", organisation_id=organisation.id, object_type="grant",
                 object_id=grant.id, adviser=grant.adviser.name)


def record_views(adviser: User, assessments: list[Assessment], page: str) -> None:
    """Note in each organisation's log that an adviser opened a page of its results."""
    for assessment in {a.id: a for a in assessments}.values():
        audit.record(adviser, "adviser_viewed", organisation_id=assessment.organisation_id,
                     object_type="assessment", object_id=assessment.id,
                     label=assessment.label, page=page)


# -- the portfolio ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PortfolioFilters:
    organisation_type: str = ""
    country: str = ""
    questionnaire_id: str = ""


@dataclass(frozen=True)
class StandardCell:
    standard_id: str
    score: float | None
    level: str | None  # the level's key


@dataclass(frozen=True)
class PortfolioRow:
    organisation: Organisation
    grant: Grant
    latest_id: int | None  # the latest submitted round, if any
    latest_label: str
    questionnaire: Questionnaire | None
    submitted_at: datetime.datetime | None
    score: float | None
    level: str | None
    minimum_met: bool | None
    standards: dict[str, StandardCell]
    change: float | None  # since the round before, of the same questionnaire
    open_actions: int
    overdue_actions: int

    def sort_key(self, column: str) -> tuple:
        """Return the value to sort by; rows without it go last either way."""
        if column == "organisation":
            return (0, self.organisation.name.casefold())
        if column.startswith("standard:"):
            cell = self.standards.get(column.removeprefix("standard:"))
            value = cell.score if cell else None
        else:
            value = {"score": self.score, "date": self.submitted_at, "change": self.change,
                     "minimum": self.minimum_met, "open": self.open_actions,
                     "overdue": self.overdue_actions}.get(column)
        return (0, value) if value is not None else (1, 0)


@dataclass(frozen=True)
class Portfolio:
    rows: list[PortfolioRow]  # every organisation, sorted
    standards: list[tuple[str, str, str]]  # (id, title, questionnaire id) as columns
    countries: list[str] = field(default_factory=list)  # of every organisation, to filter by

    def page(self, number: int) -> tuple[list[PortfolioRow], int, int]:
        pages = max(1, -(-len(self.rows) // PAGE_SIZE))
        number = min(max(number, 1), pages)
        return self.rows[(number - 1) * PAGE_SIZE:number * PAGE_SIZE], number, pages


SORTS = ("organisation", "score", "date", "change", "minimum", "open", "overdue")


def portfolio(adviser: User, filters: PortfolioFilters, sort: str = "organisation",
              descending: bool = False) -> Portfolio:
    """Return every organisation that granted the adviser access, with its latest round."""
    now = utcnow()
    live = and_(Grant.adviser_id == adviser.id, Grant.revoked_at.is_(None),
                Grant.expires_at > now)
    granted = db.session.execute(
        select(Grant, Organisation).join(Organisation, Organisation.id == Grant.organisation_id)
        .where(live).order_by(Grant.expires_at.desc())
    ).all()
    chosen: dict[int, tuple[Grant, Organisation]] = {}
    for grant, organisation in granted:
        chosen.setdefault(organisation.id, (grant, organisation))
    countries = sorted({organisation.country for _, organisation in chosen.values()})
    kept = {organisation_id: pair for organisation_id, pair in chosen.items()
            if (not filters.organisation_type or pair[1].type == filters.organisation_type)
            and (not filters.country or pair[1].country == filters.country)}
    rounds = _latest_rounds(select(Grant.organisation_id).where(live), filters.questionnaire_id)
    latest: dict[int, list] = {}
    for row in rounds:
        latest.setdefault(row.organisation_id, []).append(row)
    counts = _action_counts([rows[0].id for rows in latest.values()], now.date())
    versions: dict[str, Questionnaire] = {}
    rows = []
    for organisation_id, (grant, organisation) in kept.items():
        found = latest.get(organisation_id, [])
        if filters.questionnaire_id and not found:
            continue
        rows.append(_row(grant, organisation, found, counts, versions))
    column = sort if sort in SORTS or sort.startswith("standard:") else "organisation"
    rows.sort(key=lambda row: row.sort_key(column), reverse=descending)
    if descending:  # keep rows without a value at the end
        rows.sort(key=lambda row: row.sort_key(column)[0])
    return Portfolio(rows, _columns(rows), countries)


def _latest_rounds(organisations, questionnaire_id: str):
    """Return the two latest submitted rounds of each organisation (of one questionnaire
    when a filter names it, else of the questionnaire of its latest round): one query."""
    rank = func.row_number().over(partition_by=Assessment.organisation_id,
                                  order_by=(Assessment.submitted_at.desc(), Assessment.id.desc()))
    ranked = (
        select(Assessment.id, Assessment.organisation_id, Assessment.label,
               Assessment.submitted_at, Assessment.score, Assessment.level,
               Assessment.minimum_met, Assessment.standard_levels,
               Assessment.questionnaire_version_id,
               QuestionnaireVersion.questionnaire_id, QuestionnaireVersion.sha256,
               rank.label("rank"))
        .join(QuestionnaireVersion,
              QuestionnaireVersion.id == Assessment.questionnaire_version_id)
        .where(Assessment.status == "submitted", Assessment.organisation_id.in_(organisations))
    )
    if questionnaire_id:
        ranked = ranked.where(QuestionnaireVersion.questionnaire_id == questionnaire_id)
    ranked = ranked.subquery()
    return db.session.execute(
        select(ranked).where(ranked.c.rank <= 2)
        .order_by(ranked.c.organisation_id, ranked.c.rank)
    ).all()


def _action_counts(assessment_ids: list[int], today: datetime.date) -> dict[int, tuple[int, int]]:
    """Return (open, overdue) actions per assessment: one grouped query."""
    if not assessment_ids:
        return {}
    still_open = Action.status.not_in(CLOSED)
    rows = db.session.execute(
        select(Action.assessment_id,
               func.sum(case((still_open, 1), else_=0)),
               func.sum(case((and_(still_open, Action.due < today), 1), else_=0)))
        .where(Action.assessment_id.in_(assessment_ids)).group_by(Action.assessment_id)
    ).all()
    return {row[0]: (int(row[1] or 0), int(row[2] or 0)) for row in rows}


def _row(grant: Grant, organisation: Organisation, found: list, counts: dict,
         versions: dict[str, Questionnaire]) -> PortfolioRow:
    if not found:
        return PortfolioRow(organisation, grant, None, "", None, None, None, None, None, {},
                            None, 0, 0)
    latest = found[0]
    previous = next((row for row in found[1:]
                     if row.questionnaire_id == latest.questionnaire_id), None)
    questionnaire = versions.get(latest.sha256)
    if questionnaire is None:
        version = db.session.get(QuestionnaireVersion, latest.questionnaire_version_id)
        questionnaire = versions[latest.sha256] = questionnaire_of(version)
    open_actions, overdue = counts.get(latest.id, (0, 0))
    change = None
    if previous is not None and latest.score is not None and previous.score is not None:
        change = latest.score - previous.score
    return PortfolioRow(
        organisation=organisation, grant=grant, latest_id=latest.id,
        latest_label=latest.label, questionnaire=questionnaire,
        submitted_at=_utc(latest.submitted_at), score=latest.score, level=latest.level,
        minimum_met=latest.minimum_met,
        standards={standard_id: StandardCell(standard_id, cell.get("score"), cell.get("level"))
                   for standard_id, cell in (latest.standard_levels or {}).items()},
        change=change, open_actions=open_actions, overdue_actions=overdue,
    )


def _utc(value: datetime.datetime | None) -> datetime.datetime | None:
    # Raw rows skip the model's type: SQLite hands back a naive time, which is UTC here.
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value


def _columns(rows: list[PortfolioRow]) -> list[tuple[str, str, str]]:
    """Return the standards shown as the heatmap's columns, in the questionnaires' order."""
    columns: dict[str, tuple[str, str, str]] = {}
    for row in rows:
        if row.questionnaire is None:
            continue
        for standard in row.questionnaire.standards:
            columns.setdefault(standard.id, (standard.id, standard.title, row.questionnaire.id))
    return list(columns.values())


def record_portfolio_view(adviser: User, rows: list[PortfolioRow]) -> None:
    """Note in the log of each organisation shown that the adviser saw its results (one
    statement for the whole page)."""
    now = utcnow()
    events = [{
        "organisation_id": row.organisation.id, "actor_id": adviser.id,
        "actor_name": adviser.name, "action": "adviser_viewed", "object_type": "portfolio",
        "object_id": None, "details": {"page": "portfolio"}, "at": now,
    } for row in rows]
    if events:
        db.session.execute(insert(AuditEvent), events)
