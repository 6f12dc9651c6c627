"""Questionnaire snapshots: each (id, version) stored once, immutable, and read back."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..domain.catalogue import Catalogue
from ..domain.loader import Problem, fingerprint
from ..domain.questionnaire import Questionnaire
from ..extensions import db
from ..models import QuestionnaireVersion

# Rebuilt questionnaires by content digest: a snapshot never changes, so neither does this.
_snapshots: dict[str, Questionnaire] = {}


class VersionConflict(Exception):
    """A questionnaire file changed while its version stayed the same."""


def catalogue() -> Catalogue:
    return current_app.extensions["kcs_catalogue"]


def snapshot_for(questionnaire: Questionnaire) -> QuestionnaireVersion:
    """Return the stored snapshot of this (id, version), storing it on first use."""
    digest = fingerprint(questionnaire)
    stored = _find(questionnaire.id, questionnaire.version)
    if stored is None:
        stored = QuestionnaireVersion(
            questionnaire_id=questionnaire.id, version=questionnaire.version, sha256=digest,
            snapshot=questionnaire.to_dict(),
        )
        try:
            # A savepoint: if another request stored it meanwhile, only this insert is undone.
            with db.session.begin_nested():
                db.session.add(stored)
        except IntegrityError:
            stored = _find(questionnaire.id, questionnaire.version)
    if stored.sha256 != digest:
        raise VersionConflict(
            f"questionnaire {questionnaire.id!r} version {questionnaire.version!r} differs from "
            "the copy already used by assessments; give the changed file a new version"
        )
    return stored


def changed_versions(catalogue: Catalogue) -> list[Problem]:
    """Return a problem for each file whose content changed under an already stored version."""
    stored = {
        (row.questionnaire_id, row.version): row.sha256
        for row in db.session.execute(select(QuestionnaireVersion)).scalars()
    }
    problems = []
    for questionnaire in catalogue.questionnaires:
        key = (questionnaire.id, questionnaire.version)
        if key in stored and stored[key] != fingerprint(questionnaire):
            problems.append(Problem(
                catalogue.files[key], 1,
                f"version {questionnaire.version!r} of {questionnaire.id!r} changed after "
                "assessments were started on it; bump 'version'",
            ))
    return problems


def questionnaire_of(version: QuestionnaireVersion) -> Questionnaire:
    """Return the questionnaire an assessment was answered on, rebuilt from its snapshot."""
    questionnaire = _snapshots.get(version.sha256)
    if questionnaire is None:
        questionnaire = Questionnaire.from_dict(version.snapshot)
        _snapshots[version.sha256] = questionnaire
    return questionnaire


def _find(questionnaire_id: str, version: str) -> QuestionnaireVersion | None:
    return db.session.execute(
        select(QuestionnaireVersion).filter_by(questionnaire_id=questionnaire_id, version=version)
    ).scalar_one_or_none()
