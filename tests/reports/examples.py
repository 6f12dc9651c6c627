"""Assessments to print: the quick check answered as in tests/test_results.py, plus user text
that would break a markup-based PDF."""

from __future__ import annotations

import datetime
from pathlib import Path

from kcs_assess.config import DEFAULT_FRAMEWORKS_FILE
from kcs_assess.domain.crosswalk import crosswalk
from kcs_assess.domain.loader import load_frameworks, load_questionnaire
from kcs_assess.domain.scoring import score
from kcs_assess.reports.plan import PlanReport

QUESTIONNAIRES = Path(__file__).resolve().parents[2] / "questionnaires"
QUICK = load_questionnaire(QUESTIONNAIRES / "quick-check-2026.2.yaml", load_frameworks(
    DEFAULT_FRAMEWORKS_FILE))
ICSS = load_questionnaire(QUESTIONNAIRES / "icss-core-2026.2.yaml")  # what new assessments get
FRAMEWORKS = load_frameworks(DEFAULT_FRAMEWORKS_FILE)

# Worked by hand in tests/test_results.py; every other question is answered yes (the
# contingent question QPR3.1 too, so QPR3.2 and QPR3.3 are asked).
PATTERN = {"QPL1.2": "partly", "QPE2.1": "no", "QPE2.2": "unknown", "QPR1.2": "partly"}
ANSWERS = {q.id: PATTERN.get(q.id, "yes") for q in QUICK.questions}
# (standard, score, level, on paper, in practice); on paper and in practice by hand:
#   policy framework QPL1.1 2, QPL1.2 .5 of 1, QPL2.3 2, QPL2.4 2 -> 6.5/7 = 92.86;
#     practice QPL2.2 100
#   people framework QPE1.3, QPE1.4 100; practice QPE1.1 2, QPE2.1 0 of 2, QPE2.2 0 of 1
#     -> 2/5 = 40
#   procedures framework QPR1.1, QPR3.2 100; practice QPR1.2 1 of 2, QPR1.3 2, QPR2.1 1,
#     QPR3.3 2 -> 6/7 = 85.71
#   accountability 100 and 100
STANDARD_ROWS = [
    ["Policy", "93", "Embedded", "92", "100"],
    ["People", "62", "Developing", "100", "40"],
    ["Procedures", "90", "Developing", "100", "85"],
    ["Accountability", "100", "Embedded", "100", "100"],
]
# Severity order: critical QPR1.2, high QPE2.1 (weight 2, no), medium QPE2.2 (don't know),
# low QPL1.2 (partly).
PLAN_ROWS = [("Critical", "QPR1.2", "1 month"), ("High", "QPE2.1", "3 months"),
             ("Medium", "QPE2.2", "6 months"), ("Low", "QPL1.2", "12 months")]

MARKUP = '<b>Bold</b> & "quotes" <font color=red>x</font>'
RLM = "\u200f"
ORGANISATION = f"Acme {MARKUP}{RLM} Trust"
LABEL = f"Baseline {MARKUP}"
NOTES = {"QPL1.2": f"Scope {MARKUP}{RLM} agreed", "QPE2.1": "Two sessions held\nthree missed"}
DATE = datetime.date(2026, 3, 14)
GENERATED = datetime.date(2026, 3, 20)
COUNTRY = "ML"
SUBMITTED_BY = "Amina Diallo"


def plan_report(**changes: object) -> PlanReport:
    values: dict[str, object] = {
        "organisation_name": ORGANISATION, "assessment_label": LABEL, "questionnaire": QUICK,
        "result": score(QUICK, ANSWERS), "answers": ANSWERS, "notes": NOTES,
        "submitted": True, "date": DATE, "generated_on": GENERATED, "country": COUNTRY,
        "submitted_by": SUBMITTED_BY,
        "readiness": crosswalk(score(QUICK, ANSWERS), ANSWERS, FRAMEWORKS),
    }
    values.update(changes)
    return PlanReport(**values)  # type: ignore[arg-type]
