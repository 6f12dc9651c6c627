"""Results on screen and as PDF, and the printable blank questionnaires."""

from __future__ import annotations

import datetime

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from ..domain.crosswalk import crosswalk, informative
from ..domain.scoring import score
from ..i18n import LANGUAGES
from ..services import access, assessments, exports, reports, rounds, transaction
from ..services.questionnaires import catalogue
from .helpers import pdf_response, slug

bp = Blueprint("results", __name__)


@bp.route("/assessments/<id:assessment_id>/results")
@login_required
def show(assessment_id: int):
    assessment = access.load_assessment(current_user, assessment_id, "results")
    recorded = assessments.recorded(assessment)
    questionnaire = assessments.questionnaire_for(assessment)
    result = score(questionnaire, recorded.answers)
    readiness = informative(crosswalk(result, recorded.answers, catalogue().frameworks))
    organisation_id = assessment.organisation_id
    return render_template(
        "results/show.html", assessment=assessment, questionnaire=questionnaire,
        recorded=recorded, result=result, readiness=readiness,
        can={action: access.can(current_user, organisation_id, action)
             for action in access.ACTIONS},
        can_manage=access.can(current_user, organisation_id, "manage"),
        has_others=bool(rounds.others(current_user, assessment)))


@bp.route("/assessments/<id:assessment_id>/plan.pdf")
@login_required
def plan_pdf(assessment_id: int):
    """The results and plan as a PDF, in any shipped language (?lang=), whatever the page's."""
    assessment = access.load_assessment(current_user, assessment_id, "results")
    locale = _language()
    answers_shown = access.can(current_user, assessment.organisation_id, "answers")
    pdf = reports.plan_pdf(assessment, locale, datetime.datetime.now(datetime.UTC).date(),
                           answers_shown)
    with transaction.write():  # an export: the organisation's log says who took a copy
        exports.record(current_user, assessment, "pdf", locale)
    return pdf_response(pdf, f"{slug(assessment.label)}-{locale}.pdf")


@bp.route("/questionnaires/<questionnaire_id>/blank.pdf")
def blank_pdf(questionnaire_id: str):
    """A printable blank questionnaire, open to anyone: it holds no one's answers."""
    questionnaire = catalogue().get(questionnaire_id)
    if questionnaire is None:
        abort(404)
    locale = _language()
    return pdf_response(reports.blank_pdf(questionnaire, locale),
                        f"{questionnaire.id}-{questionnaire.version}-{locale}.pdf")


def _language() -> str:
    locale = request.args.get("lang", "en")
    if locale not in LANGUAGES:
        abort(404)
    return locale
