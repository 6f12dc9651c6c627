"""Results over time: the next round, comparing two rounds (page and PDF), and the trend."""

from __future__ import annotations

import datetime

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..domain.chart import trend_layout
from ..i18n import LANGUAGES
from ..models import Assessment
from ..reports.comparison import ComparisonReport, build_comparison_pdf
from ..services import access, exports, rounds, transaction
from ..services.questionnaires import VersionConflict
from .errors import QuestionnaireUnavailable
from .forms import NextRoundForm
from .helpers import pdf_response, text_direction

bp = Blueprint("rounds", __name__)


@bp.before_request
@login_required
def require_sign_in() -> None:
    """Every page here is about an organisation's assessments."""


@bp.route("/assessments/<id:assessment_id>/next-round", methods=["GET", "POST"])
def next_round(assessment_id: int):
    previous = access.load_assessment(current_user, assessment_id, "answer")
    if not previous.submitted:
        return redirect(url_for("assess.overview", assessment_id=previous.id))
    form = NextRoundForm()
    if form.validate_on_submit():
        try:
            with transaction.write():
                draft = rounds.start_next(current_user, previous, form.label.data,
                                          str(get_locale()))
        except VersionConflict:
            raise QuestionnaireUnavailable() from None
        return redirect(url_for("assess.overview", assessment_id=draft.id))
    if request.method == "GET":
        form.label.data = _("Next round after “%(label)s”", label=previous.label)
    return render_template("rounds/next.html", assessment=previous, form=form), \
        422 if form.errors else 200


def _pair(assessment_id: int) -> tuple[Assessment, Assessment, Assessment]:
    """Return (this, before, after): this assessment and the one named by ?with=, the older
    first. Both must be visible and of one organisation."""
    this = access.load_assessment(current_user, assessment_id, "results")
    other_id = request.args.get("with", "")
    if not other_id.isdigit() or not 0 < int(other_id) < 2**63:
        abort(404)
    other = access.load_assessment(current_user, int(other_id), "results")
    if other.organisation_id != this.organisation_id or other.id == this.id:
        abort(404)
    before, after = sorted((this, other), key=_when)
    return this, before, after


def _when(assessment: Assessment) -> tuple[datetime.datetime, int]:
    return (assessment.submitted_at or assessment.created_at, assessment.id)


@bp.route("/assessments/<id:assessment_id>/compare")
def compare(assessment_id: int):
    this = access.load_assessment(current_user, assessment_id, "results")
    others = rounds.others(current_user, this)
    if "with" not in request.args:
        return render_template("rounds/choose.html", assessment=this, others=others)
    this, before, after = _pair(assessment_id)
    comparison = rounds.comparison(before, after)
    return render_template(
        "rounds/compare.html", assessment=this, others=others, before=before, after=after,
        comparison=comparison,
        show_answers=access.can(current_user, this.organisation_id, "answers"))


@bp.route("/assessments/<id:assessment_id>/compare.pdf")
def compare_pdf(assessment_id: int):
    this, before, after = _pair(assessment_id)
    locale = request.args.get("lang", "en")
    if locale not in LANGUAGES:
        abort(404)
    show_answers = access.can(current_user, this.organisation_id, "answers")
    pdf = build_comparison_pdf(ComparisonReport(
        organisation_name=this.organisation.name, before_label=before.label,
        after_label=after.label, before_date=_when(before)[0].date(),
        after_date=_when(after)[0].date(), comparison=rounds.comparison(before, after),
        show_answers=show_answers,
        generated_on=datetime.datetime.now(datetime.UTC).date()), locale)
    with transaction.write():
        exports.record(current_user, this, "comparison-pdf", locale)
    return pdf_response(pdf, f"comparison-{before.id}-{after.id}-{locale}.pdf")


@bp.route("/assessments/<id:assessment_id>/trend")
def trend(assessment_id: int):
    this = access.load_assessment(current_user, assessment_id, "results")
    found = rounds.submitted_rounds(current_user, this)
    layout = trend_layout([r.result for r in found], text_direction() == "rtl") \
        if found else None
    return render_template("rounds/trend.html", assessment=this, rounds=found, layout=layout)
