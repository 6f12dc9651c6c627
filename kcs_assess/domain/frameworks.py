"""Other frameworks a questionnaire maps its questions to (`maps_to`), for the crosswalk."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class FrameworkItem:
    """One standard, commitment or requirement of a framework, as `maps_to` names it."""

    id: str  # the reference used in maps_to, e.g. "cs1"
    number: str  # as the framework numbers it, e.g. "1"
    title: str


@dataclass(frozen=True)
class Framework:
    id: str  # the name used in maps_to, e.g. "un-ip-psea"
    title: str
    edition: str
    items: tuple[FrameworkItem, ...]

    @cached_property
    def items_by_id(self) -> dict[str, FrameworkItem]:
        return {item.id: item for item in self.items}


@dataclass(frozen=True)
class Frameworks:
    """Every framework described in the frameworks file, in file order."""

    frameworks: tuple[Framework, ...]

    @cached_property
    def by_id(self) -> dict[str, Framework]:
        return {framework.id: framework for framework in self.frameworks}

    def get(self, framework_id: str) -> Framework | None:
        return self.by_id.get(framework_id)


def framework_context(framework_id: str, item_id: str | None, field: str) -> str:
    """Return the gettext context of a framework's string (item_id None: the framework's own).

    "/" never occurs in a questionnaire id, so these contexts cannot meet a questionnaire's
    `<questionnaire id>:<element id>:<field>`.
    """
    element = framework_id if item_id is None else f"{framework_id}/{item_id}"
    return f"framework/{element}:{field}"
