"""`flask questionnaires validate` and the app's refusal to start on a bad questionnaire."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TEST_CONFIG, make_app, register, sign_in, start_assessment
from test_wizard import QUICK, save

from kcs_assess import create_app
from kcs_assess.cli import questionnaires
from kcs_assess.config import DEFAULT_QUESTIONNAIRE_DIR
from kcs_assess.domain.loader import QuestionnaireError
from kcs_assess.extensions import db


def run_validate(app, *paths: str):
    return app.test_cli_runner().invoke(questionnaires, ["validate", *paths])


@pytest.fixture
def questionnaire_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    # The version new assessments get, so that starting one stores the snapshot of this file.
    name = f"quick-check-{QUICK.version}.yaml"
    shutil.copy(DEFAULT_QUESTIONNAIRE_DIR / name, folder)
    return folder / name


def test_validate_accepts_the_shipped_questionnaires(app):
    result = run_validate(app)
    assert result.exit_code == 0, result.stderr
    assert "icss-core-2026.1.yaml: ok" in result.output
    assert "contingent-2026.1.yaml: ok" in result.output
    assert "quick-check-2026.1.yaml: ok" in result.output
    assert "contingent-2026.2.yaml: ok (contingent 2026.2, 70 questions)" in result.output
    assert "contingent-2026.3.yaml: ok (contingent 2026.3, 70 questions)" in result.output
    assert "quick-check-2026.2.yaml: ok (quick-check 2026.2, 21 questions)" in result.output
    assert "frameworks.yaml: ok (3 frameworks, 25 items)" in result.output


def test_validate_reports_file_and_line_and_exits_1(app, questionnaire_copy: Path):
    text = questionnaire_copy.read_text()
    broken = text.replace("weight: 2", "weight: -2", 1)
    questionnaire_copy.write_text(broken)
    line = next(i for i, row in enumerate(broken.splitlines(), 1) if "weight: -2" in row)
    result = run_validate(app, str(questionnaire_copy))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"{questionnaire_copy}:{line}: 'weight' must be a positive number, not -2")


def test_the_flask_command_reports_problems_even_when_the_app_cannot_start(
        questionnaire_copy: Path):
    broken = questionnaire_copy.read_text().replace("tier: practice", "tier: sometimes", 1)
    questionnaire_copy.write_text(broken)
    line = next(i for i, row in enumerate(broken.splitlines(), 1) if "sometimes" in row)
    flask = Path(sys.executable).with_name("flask")
    completed = subprocess.run(
        [str(flask), "--app", "kcs_assess", "questionnaires", "validate",
         str(questionnaire_copy)],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "KCS_QUESTIONNAIRE_DIR": str(questionnaire_copy.parent),
             "KCS_DATABASE_URL": "sqlite://"},
    )
    assert completed.returncode == 1
    assert completed.stderr.strip() == (
        f"{questionnaire_copy}:{line}: tier must be one of framework, practice, "
        "not 'sometimes'")


def test_validate_refuses_a_file_changed_under_an_unchanged_version(
        app, client, questionnaire_copy: Path):
    register(client)
    start_assessment(client, "quick-check")  # stores the snapshot of the newest quick check
    assert run_validate(app, str(questionnaire_copy)).exit_code == 0
    questionnaire_copy.write_text(
        questionnaire_copy.read_text().replace("weight: 2", "weight: 3", 1))
    result = run_validate(app, str(questionnaire_copy))
    assert result.exit_code == 1
    assert "changed after assessments were started on it; bump 'version'" in result.stderr
    bumped = questionnaire_copy.read_text().replace(f'version: "{QUICK.version}"',
                                                    'version: "2099.1"')
    questionnaire_copy.write_text(bumped)
    assert run_validate(app, str(questionnaire_copy)).exit_code == 0


def test_the_app_refuses_to_start_with_an_invalid_questionnaire(questionnaire_copy: Path):
    questionnaire_copy.write_text(questionnaire_copy.read_text().replace('"yes"', "yes", 1)
                                  .replace("tier: practice", "tier: sometimes", 1))
    with pytest.raises(QuestionnaireError) as caught:
        create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                    "QUESTIONNAIRE_DIR": str(questionnaire_copy.parent)})
    assert str(questionnaire_copy) in str(caught.value)
    assert "tier must be one of framework, practice, not 'sometimes'" in str(caught.value)


def test_an_assessment_keeps_its_own_questionnaire_snapshot(
        database_url, questionnaire_copy: Path):
    old_wording = "Do you have a written child safeguarding policy, approved by your leadership?"
    new_wording = "Is your safeguarding policy written down and approved?"
    app = make_app(database_url, QUESTIONNAIRE_DIR=str(questionnaire_copy.parent))
    client = app.test_client()
    register(client)
    old = start_assessment(client, "quick-check")
    save(client, old, "policy", {"QPL1.1": "yes"})
    # A new version rewrites a question; the old assessment still shows its own wording.
    text = questionnaire_copy.read_text()
    assert old_wording in text
    questionnaire_copy.write_text(text.replace(old_wording, new_wording)
                                  .replace(f'version: "{QUICK.version}"', 'version: "2099.1"'))
    restarted = make_app(database_url, QUESTIONNAIRE_DIR=str(questionnaire_copy.parent))
    browser = restarted.test_client()
    sign_in(browser)
    old_page = browser.get(f"/assessments/{old}/steps/policy").get_data(as_text=True)
    assert old_wording in old_page and new_wording not in old_page
    assert f"version {QUICK.version}" in browser.get(f"/assessments/{old}").get_data(
        as_text=True)
    new = start_assessment(browser, "quick-check")
    new_page = browser.get(f"/assessments/{new}/steps/policy").get_data(as_text=True)
    assert new_wording in new_page and old_wording not in new_page
    for instance in (app, restarted):
        with instance.app_context():
            db.engine.dispose()


def test_starting_on_a_file_changed_under_its_version_is_refused_clearly(
        database_url, questionnaire_copy: Path):
    app = make_app(database_url, QUESTIONNAIRE_DIR=str(questionnaire_copy.parent))
    client = app.test_client()
    register(client)
    start_assessment(client, "quick-check")
    questionnaire_copy.write_text(
        questionnaire_copy.read_text().replace("weight: 2", "weight: 3", 1))
    changed = make_app(database_url, QUESTIONNAIRE_DIR=str(questionnaire_copy.parent))
    browser = changed.test_client()
    sign_in(browser)
    from conftest import post

    response = post(browser, "/assessments/new", {"label": "Again", "questionnaire": "quick-check"})
    assert response.status_code == 503
    assert "changed without a new version number" in response.get_data(as_text=True)
    assert "Again" not in browser.get("/").get_data(as_text=True)
    for instance in (app, changed):
        with instance.app_context():
            db.engine.dispose()


def test_without_paths_the_configured_folder_is_validated(questionnaire_copy: Path,
                                                         tmp_path: Path):
    flask = Path(sys.executable).with_name("flask")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    environment = {**os.environ, "KCS_QUESTIONNAIRE_DIR": str(questionnaire_copy.parent),
                   "KCS_DATABASE_URL": "sqlite://"}
    for app in (["--app", "kcs_assess"], []):  # with the app's settings, and without an app
        completed = subprocess.run([str(flask), *app, "questionnaires", "validate"],
                                   capture_output=True, text=True, timeout=60, cwd=elsewhere,
                                   env=environment)
        assert completed.returncode == 0, completed.stderr
        listed = [line for line in completed.stdout.splitlines() if ".yaml: ok (" in line
                  and "frameworks" not in line]
        assert listed == [f"{questionnaire_copy}: ok (quick-check {QUICK.version}, "
                          f"{len(QUICK.questions)} questions)"]
