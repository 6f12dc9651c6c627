"""Results: scores, levels, minimum requirements, things to find out and the improvement plan."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from ..domain.scoring import score
from ..services import assessments

bp = Blueprint("results", __name__)


@bp.route("/assessments/<int:assessment_id>/results")
@login_required
def show(assessment_id: int):
    assessment = assessments.for_user(current_user, assessment_id)
    if assessment is None:
        abort(404)
    recorded = assessments.recorded(assessment)
    questionnaire = assessments.questionnaire_for(assessment)
    return render_template("results/show.html", assessment=assessment,
                           questionnaire=questionnaire, recorded=recorded,
                           result=score(questionnaire, recorded.answers))
