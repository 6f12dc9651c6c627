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
from dataclasses import dataclass, field, replace

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
    access.forget_grants()
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
class GrantedOrganisation:
    """An organisation in the portfolio, and the grant that lets the adviser see it."""

    id: int
    name: str
    type: str
    country: str
    scope: str
    expires_at: datetime.datetime


@dataclass(frozen=True)
class PortfolioRow:
    organisation: GrantedOrganisation
    latest_id: int | None  # the latest submitted round, if any
    latest_label: str
    questionnaire: Questionnaire | None
    submitted_at: datetime.datetime | None
    score: float | None
    level: str | None
    minimum_met: bool | None
    change: float | None  # since the round before, of the same questionnaire
    open_actions: int
    overdue_actions: int
    # Each standard's summary, read only for the rows shown (or sorted by a standard).
    standards: dict[str, StandardCell] = field(default_factory=dict)

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
    rows: list[PortfolioRow]  # the rows asked for (a page of them, or all), sorted
    total: int  # organisations matching the filters
    page: int
    pages: int
    standards: list[tuple[str, str, str]]  # (id, title, questionnaire id) as columns
    countries: list[str] = field(default_factory=list)  # of every organisation, to filter by


SORTS = ("organisation", "score", "date", "change", "minimum", "open", "overdue")


def portfolio(adviser: User, filters: PortfolioFilters, sort: str = "organisation",
              descending: bool = False, page: int | None = 1) -> Portfolio:
    """Return the organisations that granted the adviser access, with their latest round:
    one page of PAGE_SIZE (or every one, for page=None), sorted by a column.

    Five queries whatever the number of organisations: the grants, the organisations'
    submitted rounds (the two latest of each are kept), the standards' summaries and the
    open and overdue actions of the rows shown, and, once per process and questionnaire
    version, its snapshot. Plain rows, not ORM objects. Sorted by name (the default), only
    the rounds of the page's organisations are read; sorted by anything else, every
    organisation's.
    """
    now = utcnow()
    live = and_(Grant.adviser_id == adviser.id, Grant.revoked_at.is_(None),
                Grant.expires_at > now)
    granted: dict[int, GrantedOrganisation] = {}
    for row in db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.type, Organisation.country,
               Grant.scope, Grant.expires_at)
        .join(Organisation, Organisation.id == Grant.organisation_id)
        .where(live).order_by(Grant.expires_at.desc())
    ):
        granted.setdefault(row.id, GrantedOrganisation(
            row.id, row.name, row.type, row.country, row.scope, _utc(row.expires_at)))
    countries = sorted({organisation.country for organisation in granted.values()})
    kept = [organisation for organisation in granted.values()
            if (not filters.organisation_type or organisation.type == filters.organisation_type)
            and (not filters.country or organisation.country == filters.country)]
    column = sort if sort in SORTS or sort.startswith("standard:") else "organisation"
    by_name = column == "organisation" and not filters.questionnaire_id
    if by_name:
        # Sorted by name, a page needs the rounds of its own organisations only.
        kept.sort(key=lambda organisation: organisation.name.casefold(), reverse=descending)
        total, first = len(kept), (min(max(page or 1, 1), _pages(len(kept))) - 1) * PAGE_SIZE
        kept = kept if page is None else kept[first:first + PAGE_SIZE]
    latest = _latest_rounds([organisation.id for organisation in kept],
                            filters.questionnaire_id)
    versions: dict[str, Questionnaire] = {}
    rows = []
    for organisation in kept:
        found = latest.get(organisation.id, [])
        if filters.questionnaire_id and not found:
            continue
        rows.append(_row(organisation, found, versions))
    if by_name:
        number = min(max(page or 1, 1), _pages(total))
        return Portfolio(_with_details(rows, now.date()), total, number, _pages(total),
                         _columns(versions), countries)
    # What a row shows beyond its latest round's summary is read for the page only, unless
    # the rows are sorted by it.
    details_first = column.startswith("standard:") or column in ("open", "overdue")
    if details_first:
        rows = _with_details(rows, now.date())
    rows.sort(key=lambda row: row.sort_key(column), reverse=descending)
    if descending:  # keep rows without a value at the end
        rows.sort(key=lambda row: row.sort_key(column)[0])
    pages = _pages(len(rows))
    number = min(max(page or 1, 1), pages)
    shown = rows if page is None else rows[(number - 1) * PAGE_SIZE:number * PAGE_SIZE]
    if not details_first:
        shown = _with_details(shown, now.date())
    return Portfolio(shown, len(rows), number, pages, _columns(versions), countries)


def _pages(count: int) -> int:
    return max(1, -(-count // PAGE_SIZE))


def _with_details(rows: list[PortfolioRow], today: datetime.date) -> list[PortfolioRow]:
    """Return the rows with their latest round's standards and open and overdue actions:
    two queries."""
    ids = [row.latest_id for row in rows if row.latest_id is not None]
    if not ids:
        return rows
    summaries = dict(db.session.execute(
        select(Assessment.id, Assessment.standard_levels).where(Assessment.id.in_(ids))
    ).all())
    counts = _action_counts(ids, today)
    return [replace(
        row, open_actions=counts.get(row.latest_id, (0, 0))[0],
        overdue_actions=counts.get(row.latest_id, (0, 0))[1],
        standards={standard_id: StandardCell(standard_id, cell.get("score"), cell.get("level"))
                   for standard_id, cell in (summaries.get(row.latest_id) or {}).items()})
        for row in rows]


def _latest_rounds(organisations: list[int], questionnaire_id: str) -> dict[int, list]:
    """Return the two latest submitted rounds of each organisation (of one questionnaire
    when a filter names it), newest first: one query, read in the index's order."""
    query = (
        select(Assessment.id, Assessment.organisation_id, Assessment.label,
               Assessment.submitted_at, Assessment.score, Assessment.level,
               Assessment.minimum_met, Assessment.questionnaire_version_id,
               QuestionnaireVersion.questionnaire_id, QuestionnaireVersion.sha256)
        .join(QuestionnaireVersion,
              QuestionnaireVersion.id == Assessment.questionnaire_version_id)
        .where(Assessment.status == "submitted", Assessment.organisation_id.in_(organisations))
        .order_by(Assessment.organisation_id, Assessment.submitted_at.desc(),
                  Assessment.id.desc())
    )
    if questionnaire_id:
        query = query.where(QuestionnaireVersion.questionnaire_id == questionnaire_id)
    latest: dict[int, list] = {}
    for row in db.session.execute(query):
        rounds = latest.setdefault(row.organisation_id, [])
        if len(rounds) < 2:
            rounds.append(row)
    return latest


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


def _row(organisation: GrantedOrganisation, found: list,
         versions: dict[str, Questionnaire]) -> PortfolioRow:
    if not found:
        return PortfolioRow(organisation, None, "", None, None, None, None, None, None, 0, 0)
    latest = found[0]
    previous = next((row for row in found[1:]
                     if row.questionnaire_id == latest.questionnaire_id), None)
    questionnaire = versions.get(latest.sha256)
    if questionnaire is None:
        version = db.session.get(QuestionnaireVersion, latest.questionnaire_version_id)
        questionnaire = versions[latest.sha256] = questionnaire_of(version)
    change = None
    if previous is not None and latest.score is not None and previous.score is not None:
        change = latest.score - previous.score
    return PortfolioRow(
        organisation=organisation, latest_id=latest.id, latest_label=latest.label,
        questionnaire=questionnaire, submitted_at=_utc(latest.submitted_at),
        score=latest.score, level=latest.level, minimum_met=latest.minimum_met,
        change=change, open_actions=0, overdue_actions=0,
    )


def _utc(value: datetime.datetime | None) -> datetime.datetime | None:
    # Raw rows skip the model's type: SQLite hands back a naive time, which is UTC here.
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value


def _columns(versions: dict[str, Questionnaire]) -> list[tuple[str, str, str]]:
    """Return the standards shown as the heatmap's columns, in the questionnaires' order."""
    columns: dict[str, tuple[str, str, str]] = {}
    for questionnaire in versions.values():
        for standard in questionnaire.standards:
            columns.setdefault(standard.id, (standard.id, standard.title, questionnaire.id))
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
