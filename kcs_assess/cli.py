"""The `flask questionnaires` commands, for authors and operators."""

from __future__ import annotations

import contextlib
from pathlib import Path

import click
from flask import Flask
from flask.cli import NoAppException, ScriptInfo, with_appcontext

from .config import ConfigurationError, environment_sources, questionnaire_sources
from .domain.catalogue import load_catalogue
from .domain.loader import Problem, QuestionnaireError
from .i18n import LANGUAGES, TRANSLATIONS_DIR


@click.group("questionnaires")
def questionnaires() -> None:
    """Check and inspect questionnaire files."""


@questionnaires.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.pass_context
def validate(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Check questionnaire files (default: the configured folder, KCS_QUESTIONNAIRE_DIR, else
    the shipped one) and the frameworks file their maps_to names; print file:line: message."""
    try:
        app = _load_app(ctx)
    except QuestionnaireError as exc:
        if not paths:  # the configured folder itself is what failed: that is the report
            _fail(exc.problems)
        app = None
    folders, frameworks = (questionnaire_sources(app.config) if app is not None
                           else environment_sources())
    targets = list(paths) or folders
    try:
        catalogue = load_catalogue(targets, frameworks)
    except QuestionnaireError as exc:
        _fail(exc.problems)
    problems = _changed_versions(app, catalogue) if app is not None else []
    if problems:
        _fail(problems)
    items = sum(len(f.items) for f in catalogue.frameworks.frameworks)
    click.echo(f"{frameworks}: ok ({len(catalogue.frameworks.frameworks)} "
               f"frameworks, {items} items)")
    for questionnaire in catalogue.questionnaires:
        click.echo(f"{catalogue.files[(questionnaire.id, questionnaire.version)]}: ok "
                   f"({questionnaire.id} {questionnaire.version}, "
                   f"{len(questionnaire.questions)} questions)")


def _load_app(ctx: click.Context) -> Flask | None:
    """The app --app names (its configuration and database), or None where none is given or
    it cannot start for another reason than a questionnaire (which the caller reports)."""
    try:
        return ctx.ensure_object(ScriptInfo).load_app()
    except (NoAppException, ConfigurationError):
        return None


def _changed_versions(app: Flask, catalogue: object) -> list[Problem]:
    """Compare with the snapshots in the database, where there is one to read."""
    from sqlalchemy import inspect

    from .extensions import db
    from .services.questionnaires import changed_versions

    with app.app_context():
        if not inspect(db.engine).has_table("questionnaire_version"):
            return []
        return changed_versions(catalogue)  # type: ignore[arg-type]


def _fail(problems: list[Problem]) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)
    raise SystemExit(1)


@click.group("accounts")
def accounts() -> None:
    """Look after accounts and sessions."""


@accounts.command("purge")
@with_appcontext
def accounts_purge() -> None:
    """Delete expired sessions and links and unconfirmed registrations; safe to run from cron."""
    from .services import accounts as service
    from .services import transaction

    with transaction.write():
        counts = service.purge_expired()
    click.echo(", ".join(f"{count} {what}" for what, count in counts.items()) + " deleted")


@click.group("workshops")
def workshops() -> None:
    """Look after workshops."""


@workshops.command("purge")
@with_appcontext
def workshops_purge() -> None:
    """Delete the participants and answers of workshops closed KCS_WORKSHOP_RETENTION_DAYS
    days ago or more, keeping each room's counts; safe to run from cron."""
    from datetime import timedelta

    from flask import current_app

    from .models import utcnow
    from .services import transaction
    from .services import workshops as service

    retention = timedelta(days=float(current_app.config["WORKSHOP_RETENTION_DAYS"]))
    with transaction.write():
        report = service.purge(utcnow(), retention)
    click.echo(f"{report.workshops} workshops purged: {report.participants} participants and "
               f"{report.answers} answers deleted")


@click.group("translate")
def translate() -> None:
    """Keep the translation catalogs in step with the code and the questionnaires."""


@translate.command("update")
def translate_update() -> None:
    """Extract every string, update each language's PO file, and compile the catalogs."""
    template = TRANSLATIONS_DIR / "messages.pot"
    # From the project folder, so locations read kcs_assess/..., not an absolute path.
    with contextlib.chdir(TRANSLATIONS_DIR.parent):
        _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-k", "N_",
                 "--add-comments=i18n:", "--sort-by-file", "--project=kcs-assess",
                 "--msgid-bugs-address=", "-o", str(template), ".")
    for locale in LANGUAGES:
        if locale == "en":
            continue
        catalog = TRANSLATIONS_DIR / locale / "LC_MESSAGES" / "messages.po"
        command = "update" if catalog.exists() else "init"
        extra = ["--no-fuzzy-matching", "--ignore-obsolete"] if command == "update" else []
        _pybabel(command, "-i", str(template), "-d", str(TRANSLATIONS_DIR), "-l", locale,
                 *extra)
    translate_compile.callback()


@translate.command("compile")
def translate_compile() -> None:
    """Compile the PO files into the MO files the app reads."""
    _pybabel("compile", "-d", str(TRANSLATIONS_DIR), "--statistics")


def _pybabel(*args: str) -> None:
    from babel.messages.frontend import CommandLineInterface

    status = CommandLineInterface().run(["pybabel", "-q", *args])
    if status:
        raise SystemExit(status)
