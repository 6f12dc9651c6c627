"""The set of questionnaires shipped in a folder, loaded and validated together."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .loader import Problem, QuestionnaireError, load_questionnaire
from .questionnaire import Questionnaire


@dataclass(frozen=True)
class Catalogue:
    """Every questionnaire file of a folder; the newest version of each id is offered."""

    questionnaires: tuple[Questionnaire, ...]
    files: dict[tuple[str, str], str]

    @property
    def current(self) -> tuple[Questionnaire, ...]:
        """Return the newest version of each questionnaire, in file order."""
        newest: dict[str, Questionnaire] = {}
        for questionnaire in self.questionnaires:
            known = newest.get(questionnaire.id)
            if known is None or _version_key(questionnaire.version) > _version_key(known.version):
                newest[questionnaire.id] = questionnaire
        return tuple(newest.values())

    def get(self, questionnaire_id: str) -> Questionnaire | None:
        return next((q for q in self.current if q.id == questionnaire_id), None)

    def suggested_for(self, organisation_type: str) -> Questionnaire | None:
        """Return the questionnaire meant for this type of organisation, if any."""
        return next((q for q in self.current if organisation_type in q.audience), None)


def load_catalogue(paths: list[Path]) -> Catalogue:
    """Load questionnaire files (or every *.yaml in given folders); raise on any problem."""
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.yaml")) if path.is_dir() else [path])
    problems: list[Problem] = []
    questionnaires: list[Questionnaire] = []
    seen: dict[tuple[str, str], str] = {}
    for file in files:
        try:
            questionnaire = load_questionnaire(file)
        except QuestionnaireError as exc:
            problems.extend(exc.problems)
            continue
        key = (questionnaire.id, questionnaire.version)
        if key in seen:
            problems.append(Problem(str(file), 1, f"questionnaire {key[0]!r} version {key[1]!r} "
                                    f"is also defined in {seen[key]}"))
            continue
        seen[key] = str(file)
        questionnaires.append(questionnaire)
    if problems:
        raise QuestionnaireError(problems)
    return Catalogue(tuple(questionnaires), seen)


def _version_key(version: str) -> tuple:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in version.split("."))
