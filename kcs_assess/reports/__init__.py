"""PDF reports, built from domain objects and a locale, returned as bytes (no Flask here)."""

from .blank import build_blank_pdf
from .plan import PlanReport, build_plan_pdf

__all__ = ["PlanReport", "build_blank_pdf", "build_plan_pdf"]
