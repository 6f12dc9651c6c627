"""PDFs built once per session: each takes tens of milliseconds, the fonts a few seconds once."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from kcs_assess.reports.plan import build_plan_pdf

from .examples import plan_report
from .pdfread import DrawnLine, all_lines, read


@pytest.fixture(scope="session")
def english_plan() -> PdfReader:
    return read(build_plan_pdf(plan_report(), "en"))


@pytest.fixture(scope="session")
def english_lines(english_plan: PdfReader) -> list[DrawnLine]:
    return all_lines(english_plan)
