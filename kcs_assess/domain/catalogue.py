"""The set of questionnaires shipped in a folder, loaded and validated together."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .frameworks import Frameworks
from .loader import (
    Node,
    Problem,
    QuestionnaireError,
    build_questionnaire,
    load_frameworks,
    read,
)
from .questionnaire import Questionnaire


@dataclass(frozen=True)
class Catalogue:
    """Every questionnaire file of a folder; the newest version of each id is offered.

    Older versions stay loaded beside the newest: their strings stay in the translation
    catalogs, so assessments answered on them keep their languages.
    """

    questionnaires: tuple[Questionnaire, ...]
    files: dict[tuple[str, str], str]
    frameworks: Frameworks

    @property
    def current(self) -> tuple[Questionnaire, ...]:
        """Return the newest version of each questionnaire, in file order."""
        newest: dict[str, Questionnaire] = {}
        for questionnaire in self.questionnaires:
            known = newest.get(questionnaire.id)
            if known is None or version_key(questionnaire.version) > version_key(known.version):
                newest[questionnaire.id] = questionnaire
        return tuple(newest.values())

    def get(self, questionnaire_id: str, version: str | None = None) -> Questionnaire | None:
        """Return a questionnaire's newest version, or the given one."""
        if version is None:
            return next((q for q in self.current if q.id == questionnaire_id), None)
        return next((q for q in self.questionnaires
                     if (q.id, q.version) == (questionnaire_id, version)), None)

    def suggested_for(self, organisation_type: str) -> Questionnaire | None:
        """Return the questionnaire meant for this type of organisation, if any."""
        return next((q for q in self.current if organisation_type in q.audience), None)


def load_catalogue(paths: list[Path], frameworks_file: Path) -> Catalogue:
    """Load questionnaire files (or every *.yaml in given folders) and the frameworks file
    their maps_to names; raise on any problem in any of them."""
    problems: list[Problem] = []
    try:
        frameworks: Frameworks | None = load_frameworks(frameworks_file)
    except QuestionnaireError as exc:
        problems.extend(exc.problems)
        frameworks = None  # the questionnaires are still checked, all but their maps_to
    files: list[Path] = []
    for path in paths:
        found = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
        files.extend(f for f in found if f.resolve() != frameworks_file.resolve())
    composed: list[tuple[Path, Node]] = []
    for file in files:
        try:
            composed.append((file, read(file)))
        except QuestionnaireError as exc:
            problems.extend(exc.problems)
    # Oldest first, so `replaces` in each version is checked against the versions before it.
    composed.sort(key=lambda pair: _id_and_version(pair[1]))
    questionnaires: list[Questionnaire] = []
    seen: dict[tuple[str, str], str] = {}
    for file, root in composed:
        earlier = tuple(q for q in questionnaires if q.id == _id_and_version(root)[0])
        try:
            questionnaire = build_questionnaire(root, str(file), frameworks, earlier)
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
    position = {str(file): index for index, file in enumerate([frameworks_file, *files])}
    if problems:
        raise QuestionnaireError(sorted(problems, key=lambda p: position.get(p.file, 0)))
    assert frameworks is not None  # a frameworks problem would have been raised above
    questionnaires.sort(key=lambda q: position[seen[q.id, q.version]])
    return Catalogue(tuple(questionnaires), seen, frameworks)

def version_key(version: str) -> tuple:
    """Return a sort key that orders versions as people read them (2026.10 after 2026.9)."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in version.split("."))


def _id_and_version(root: Node) -> tuple[str, tuple]:
    """Peek at a composed file's id and version, before it is validated."""
    top = root.value if isinstance(root.value, dict) else {}
    values = [top[key].value if key in top else "" for key in ("id", "version")]
    questionnaire_id, version = (v if isinstance(v, str) else "" for v in values)
    return questionnaire_id, version_key(version)
