"""Where the shipped questionnaires, catalogs and migrations are: in a wheel, inside the
package (kcs_assess/bundled/, see pyproject.toml); in the repository, beside it."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def shipped(name: str) -> Path:
    """Return the folder of shipped content called name (questionnaires, translations...)."""
    bundled = PACKAGE_DIR / "bundled" / name
    return bundled if bundled.is_dir() else PACKAGE_DIR.parent / name
