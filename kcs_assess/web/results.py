"""Results on screen and as PDF, and the printable blank questionnaires."""

from __future__ import annotations

import datetime
import re
import unicodedata

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user, login_required

from ..domain.crosswalk import crosswalk, informative
from ..domain.scoring import score
from ..i18n import LANGUAGES
from ..services import access, assessments, audit, reports, transaction
from ..services.questionnaires import catalogue

bp = Blueprint("results", __name__)


@bp.route("/assessments/<id:assessment_id>/results")
@login_required
def show(assessment_id: int):
    assessment = access.load_assessment(current_user, assessment_id, "read")
    recorded = assessments.recorded(assessment)
    questionnaire = assessments.questionnaire_for(assessment)
    result = score(questionnaire, recorded.answers)
    readiness = informative(crosswalk(result, recorded.answers, catalogue().frameworks))
    return render_template("results/show.html", assessment=assessment,
                           questionnaire=questionnaire, recorded=recorded, result=result,
                           readiness=readiness,
                           can_manage=access.can(current_user, assessment.organisation_id,
                                                 "manage"))


@bp.route("/assessments/<id:assessment_id>/plan.pdf")
@login_required
def plan_pdf(assessment_id: int):
    """The results and plan as a PDF, in any shipped language (?lang=), whatever the page's."""
    assessment = access.load_assessment(current_user, assessment_id, "read")
    locale = _language()
    pdf = reports.plan_pdf(assessment, locale, datetime.datetime.now(datetime.UTC).date())
    with transaction.write():  # an export: the organisation's log says who took a copy
        audit.record(current_user, "exported", organisation_id=assessment.organisation_id,
                     object_type="assessment", object_id=assessment.id,
                     label=assessment.label, format="pdf", language=locale)
    return _pdf(pdf, f"{_slug(assessment.label)}-{locale}.pdf")


@bp.route("/questionnaires/<questionnaire_id>/blank.pdf")
def blank_pdf(questionnaire_id: str):
    """A printable blank questionnaire, open to anyone: it holds no one's answers."""
    questionnaire = catalogue().get(questionnaire_id)
    if questionnaire is None:
        abort(404)
    locale = _language()
    return _pdf(reports.blank_pdf(questionnaire, locale),
                f"{questionnaire.id}-{questionnaire.version}-{locale}.pdf")


def _language() -> str:
    locale = request.args.get("lang", "en")
    if locale not in LANGUAGES:
        abort(404)
    return locale


def _pdf(pdf: bytes, filename: str) -> Response:
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _slug(label: str) -> str:
    """Return an ASCII file name part for a label, which may be in any script."""
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()[:60] or "assessment"
