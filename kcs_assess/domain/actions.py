"""The improvement plan as actions over time: due dates, overdue first, filters (pure)."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from typing import TypeVar

from .scoring import Gap

STATUSES = ("open", "in_progress", "done", "wont_do")
Day = TypeVar("Day", bound=datetime.date)  # a date, or a datetime (a subclass of it)
CLOSED = frozenset({"done", "wont_do"})


def add_months(start: Day, months: int) -> Day:
    """Return the same day (and time) some months later, or the month's last day if it has no
    such day: 31 January plus one month is 28 or 29 February."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return start.replace(year=year, month=month,
                         day=min(start.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class ActionState:
    """What is stored about an action, as the plan shows it."""

    id: int
    question_id: str
    owner: str  # a member's name or a free-text name; "" for nobody yet
    owner_id: int | None
    due: datetime.date
    status: str
    reason: str
    confirmed_by_answers: bool
    comments: int

    def overdue(self, today: datetime.date) -> bool:
        return self.status not in CLOSED and self.due < today


@dataclass(frozen=True)
class PlanItem:
    gap: Gap
    action: ActionState


@dataclass(frozen=True)
class Filters:
    status: str = ""  # one of STATUSES, or "" for all
    owner: str = ""  # an owner as shown, or "" for all
    severity: str = ""  # critical | high | medium | low, or "" for all

    def keep(self, item: PlanItem) -> bool:
        return ((not self.status or item.action.status == self.status)
                and (not self.owner or item.action.owner == self.owner)
                and (not self.severity or item.gap.severity == self.severity))


def action_plan(plan: tuple[Gap, ...], states: dict[str, ActionState], today: datetime.date,
                filters: Filters = Filters()) -> list[PlanItem]:
    """Return the plan's actions, overdue ones first, then in the plan's priority order."""
    items = [PlanItem(gap, states[gap.question.id]) for gap in plan
             if gap.question.id in states]
    chosen = [item for item in items if filters.keep(item)]
    return sorted(chosen, key=lambda item: not item.action.overdue(today))  # stable
