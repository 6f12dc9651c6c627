"""Time building the improvement-plan PDF, beside a one-page ReportLab document.

    .venv/bin/python benchmarks/pdf_build.py [--runs 30]

The plan is the worst case: icss-core with every branch open and every scored question a
gap (answered "no"), with a note on every third question, built in English and in Arabic.
The baseline is a one-page ReportLab document with a title and a paragraph, built in the
same process, so the figures can be read against what ReportLab itself costs here.
Prints median and 90th percentile per document and checks the targets of issue 4.
"""

from __future__ import annotations

import argparse
import datetime
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pypdf import PdfReader  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import getSampleStyleSheet  # noqa: E402
from reportlab.platypus import Paragraph, SimpleDocTemplate  # noqa: E402

from kcs_assess.config import DEFAULT_FRAMEWORKS_FILE, DEFAULT_QUESTIONNAIRE_DIR  # noqa: E402
from kcs_assess.domain.catalogue import load_catalogue  # noqa: E402
from kcs_assess.domain.scoring import score  # noqa: E402
from kcs_assess.reports import fonts as font_module  # noqa: E402
from kcs_assess.reports.plan import PlanReport, build_plan_pdf  # noqa: E402

TARGETS_MS = {"plan, English": 150.0, "plan, Arabic": 400.0}


def full_plan() -> PlanReport:
    catalogue = load_catalogue([DEFAULT_QUESTIONNAIRE_DIR], DEFAULT_FRAMEWORKS_FILE)
    questionnaire = catalogue.get("icss-core")
    answers = {q.id: ("yes" if not q.scored else "no") for q in questionnaire.questions}
    result = score(questionnaire, answers)
    assert len(result.plan) == sum(1 for q in questionnaire.questions if q.scored)
    notes = {q.id: f"Evidence reviewed with the focal point, item {i} (see file A-{i})."
             for i, q in enumerate(questionnaire.questions) if i % 3 == 0}
    today = datetime.date(2026, 11, 21)
    return PlanReport(
        organisation_name="Safe Futures Mali", assessment_label="Annual review 2026",
        questionnaire=questionnaire, result=result, answers=answers, notes=notes,
        submitted=True, date=today, generated_on=today, country="ML",
        submitted_by="Amina Diallo",
    )


def one_page() -> bytes:
    buffer = io.BytesIO()
    styles = getSampleStyleSheet()
    SimpleDocTemplate(buffer, pagesize=A4).build([
        Paragraph("Improvement plan", styles["Title"]),
        Paragraph("One page of text, the least a ReportLab document costs. " * 8,
                  styles["BodyText"]),
    ])
    return buffer.getvalue()


def timings(build, runs: int) -> tuple[list[float], list[float]]:
    """Return the wall-clock and the CPU milliseconds of each build.

    CPU time is what the build itself costs: on a shared machine the wall clock also counts
    the time other processes held the cores.
    """
    build()  # warm-up: fonts, caches, imports
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        build()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    start = time.perf_counter()
    font_module.fonts()
    first_fonts_ms = (time.perf_counter() - start) * 1000
    report = full_plan()
    cases = {
        "one-page baseline": one_page,
        "plan, English": lambda: build_plan_pdf(report, "en"),
        "plan, Arabic": lambda: build_plan_pdf(report, "ar"),
    }
    registrations = []
    register = font_module.pdfmetrics.registerFont
    font_module.pdfmetrics.registerFont = lambda font: (registrations.append(font.fontName),
                                                         register(font))[1]
    pages = {name: len(PdfReader(io.BytesIO(build())).pages) for name, build in cases.items()}
    print(f"fonts ready in {first_fonts_ms:.0f} ms (once per process; instances cached on disk)")
    print(f"plan: {len(report.result.plan)} gaps, {len(report.notes)} notes; "
          f"{args.runs} runs each\n")
    print(f"{'document':20} {'pages':>5} {'median ms':>10} {'p90 ms':>8} {'x baseline':>10} "
          f"{'CPU median ms':>14}")
    medians = {}
    for name, build in cases.items():
        wall, cpu = timings(build, args.runs)
        values = sorted(wall)
        medians[name] = statistics.median(values)
        p90 = values[int(0.9 * (len(values) - 1))]
        ratio = medians[name] / medians["one-page baseline"]
        print(f"{name:20} {pages[name]:>5} {medians[name]:>10.1f} {p90:>8.1f} {ratio:>10.1f} "
              f"{statistics.median(cpu):>14.1f}")
    print("\ntargets (median):")
    for name, limit in TARGETS_MS.items():
        verdict = "PASS" if medians[name] < limit else "MISS"
        print(f"  {name}: {medians[name]:.1f} ms < {limit:.0f} ms -> {verdict}")
    font_module.pdfmetrics.registerFont = register
    # ReportLab registers its own base fonts (Helvetica...) on first use: count only ours.
    registrations = [name for name in registrations if name.startswith("kcs-")]
    verdict = "PASS" if not registrations else "MISS"
    print(f"  fonts registered once per process, not per document: {len(registrations)} "
          f"registrations during {3 * (args.runs + 2)} builds -> {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
