"""The wheel an operator installs: built from the repository, installed (not editable) into a
fresh virtual environment, run from another folder under gunicorn with the repository's
gunicorn.conf.py: the database migrated, the shipped questionnaires validated, a French page
served, the health endpoint green.

Offline: the wheel is built without build isolation, and the fresh environment reads the
third-party packages of the environment running the tests (a .pth file), so that only
kcs-assess itself comes from the wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What `git archive` would give: the sources, not the developer's environment or output.
NOT_SOURCE = shutil.ignore_patterns(".git", ".venv", "venv", "instance", "build", "dist",
                                    "*.egg-info", "__pycache__", ".pytest_cache",
                                    ".ruff_cache", ".hypothesis", "benchmarks", "tests")


def run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None,
        timeout: int = 300) -> subprocess.CompletedProcess[str]:
    completed = subprocess.run([str(part) for part in command], cwd=cwd, env=env,
                               capture_output=True, text=True, timeout=timeout)
    assert completed.returncode == 0, (
        f"{' '.join(map(str, command))} exited {completed.returncode}:\n"
        f"{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}")
    return completed


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel from a copy of the sources (a build writes into the source folder)."""
    work = tmp_path_factory.mktemp("wheel")
    sources = work / "sources"
    shutil.copytree(ROOT, sources, ignore=NOT_SOURCE)
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
        "--no-index", "-q", "-w", work / "dist", sources, cwd=work)
    (found,) = (work / "dist").glob("kcs_assess-*.whl")
    return found


@pytest.fixture(scope="module")
def environment(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed; returns its python."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=venv.parent)
    python = venv / "bin" / "python"
    own = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                   cwd=venv.parent).stdout.strip())
    shared = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (own / "dependencies.pth").write_text("\n".join(sorted(shared)) + "\n")
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
        "-q", wheel, cwd=venv.parent)
    return python


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


def operator_env(elsewhere: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("KCS_", "PYTHON")) and key != "DATABASE_URL"}
    env.update({
        "KCS_ENV": "production",
        "KCS_DATABASE_URL": f"sqlite:///{elsewhere / 'kcs.sqlite3'}",
        "KCS_SECRET_KEY": "a long random production secret for this test",
        "KCS_FONT_CACHE_DIR": str(elsewhere / "fonts"),
        "KCS_SESSION_COOKIE_SECURE": "false",  # plain http on 127.0.0.1
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    return env


def test_the_wheel_holds_the_questionnaires_catalogs_and_migrations(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    shipped = ROOT / "questionnaires"
    for questionnaire in shipped.glob("*.yaml"):
        assert f"kcs_assess/bundled/questionnaires/{questionnaire.name}" in names
    assert "kcs_assess/bundled/questionnaires/frameworks/frameworks.yaml" in names
    for language in ("fr", "es", "ar"):
        assert f"kcs_assess/bundled/translations/{language}/LC_MESSAGES/messages.mo" in names
    for migration in (ROOT / "migrations" / "versions").glob("*.py"):
        assert f"kcs_assess/bundled/migrations/versions/{migration.name}" in names
    assert "kcs_assess/bundled/migrations/env.py" in names
    assert "kcs_assess/wsgi.py" in names
    assert "kcs_assess/data/common-passwords.txt.gz" in names
    assert not [name for name in names if name.startswith(("tests/", "benchmarks/"))]


def test_an_installed_wheel_runs_from_another_folder(environment: Path,
                                                     elsewhere: Path) -> None:
    env = operator_env(elsewhere)
    where = run(environment, "-c", "import kcs_assess; print(kcs_assess.__file__)",
                cwd=elsewhere, env=env).stdout.strip()
    assert where.startswith(str(environment.parent.parent)), where  # not the checkout

    flask = (environment, "-m", "flask", "--app", "kcs_assess")
    run(*flask, "db", "upgrade", cwd=elsewhere, env=env)
    validated = run(*flask, "questionnaires", "validate", cwd=elsewhere, env=env).stdout
    bundled = Path(where).parent / "bundled" / "questionnaires"
    for questionnaire in (ROOT / "questionnaires").glob("*.yaml"):
        assert f"{bundled / questionnaire.name}: ok (" in validated

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env.update({"KCS_BIND": f"127.0.0.1:{port}", "KCS_WORKERS": "1"})
    log = elsewhere / "gunicorn.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [str(environment), "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
             "kcs_assess.wsgi:app"], cwd=elsewhere, env=env, stdout=output,
            stderr=subprocess.STDOUT)
    try:
        health = _get(port, "/health", log)
        assert json.loads(health) == {"status": "ok", "database": "ok",
                                      "schema": _head(environment, elsewhere, env)}
        page = _get(port, "/sign-in", log, {"Accept-Language": "fr"})
        assert '<html lang="fr" dir="ltr">' in page
        assert "Mot de passe" in page  # the French catalog inside the wheel
        blank = _get(port, "/questionnaires/quick-check/blank.pdf?lang=fr", log, raw=True)
        assert blank.startswith(b"%PDF")
    finally:
        server.terminate()
        server.wait(timeout=30)
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    assert {"/health", "/sign-in"} <= {line.get("path") for line in lines}


def _head(environment: Path, elsewhere: Path, env: dict[str, str]) -> str:
    return run(environment, "-c", "from kcs_assess.services.schema import head; print(head())",
               cwd=elsewhere, env=env).stdout.strip()


def _get(port: int, path: str, log: Path, headers: dict[str, str] | None = None,
         raw: bool = False):
    deadline = time.monotonic() + 60
    while True:
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                             headers=headers or {})
            with urllib.request.urlopen(request, timeout=30) as response:
                body = response.read()
                return body if raw else body.decode()
        except (ConnectionError, urllib.error.URLError) as exc:
            if time.monotonic() > deadline:
                raise AssertionError(f"no answer on {path}: {exc}\n{log.read_text()}") from exc
            time.sleep(0.3)
