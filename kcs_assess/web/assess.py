"""The wizard: start an assessment, the task list, one standard per step, check and submit."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..domain.progress import progress
from ..domain.scoring import score, visible_questions
from ..domain.wizard import NOTE_MAX_LENGTH, InvalidSubmission, parse_step
from ..models import Assessment
from ..services import accounts, assessments
from ..services.questionnaires import VersionConflict, catalogue
from .errors import BadSubmission, QuestionnaireUnavailable
from .forms import StartAssessmentForm, SubmitAssessmentForm
from .helpers import step_view

bp = Blueprint("assess", __name__)


@bp.before_request
@login_required
def require_sign_in() -> None:
    """Every page here is for signed-in members only."""


@bp.route("/")
def index():
    return render_template(
        "assess/index.html",
        assessments=assessments.list_for(current_user),
        organisations=accounts.organisations_of(current_user),
    )


@bp.route("/assessments/new", methods=["GET", "POST"])
def new():
    organisation = accounts.organisations_of(current_user)[0]
    offered = catalogue().current
    form = StartAssessmentForm()
    form.questionnaire.choices = [SelectChoice(q.id, q.title) for q in offered]
    if request.method == "GET":
        suggested = catalogue().suggested_for(organisation.type) or offered[0]
        form.questionnaire.data = suggested.id
    if form.validate_on_submit():
        questionnaire = catalogue().get(form.questionnaire.data)
        try:
            assessment = assessments.start(current_user, organisation, questionnaire,
                                           form.label.data, str(get_locale()))
        except VersionConflict:
            raise QuestionnaireUnavailable() from None
        return redirect(url_for("assess.overview", assessment_id=assessment.id))
    status = 422 if form.errors else 200
    return render_template("assess/new.html", form=form, offered=offered,
                           organisation=organisation), status


@bp.route("/assessments/<int:assessment_id>")
def overview(assessment_id: int):
    assessment = _assessment(assessment_id)
    questionnaire = assessments.questionnaire_for(assessment)
    result = assessments.result_of(assessment)
    return render_template("assess/overview.html", assessment=assessment,
                           questionnaire=questionnaire, result=result,
                           progress=progress(result))


@bp.route("/assessments/<int:assessment_id>/steps/<standard_id>", methods=["GET", "POST"])
def step(assessment_id: int, standard_id: str):
    assessment = _assessment(assessment_id)
    questionnaire = assessments.questionnaire_for(assessment)
    standard = questionnaire.standards_by_id.get(standard_id)
    if standard is None:
        abort(404)
    if assessment.submitted:
        if request.method == "POST":
            raise BadSubmission(_("This assessment was submitted and can no longer be changed."))
        return redirect(url_for("results.show", assessment_id=assessment.id))
    index = questionnaire.standards.index(standard)
    if request.method == "POST":
        go = request.form.get("go", "next")
        # Only "Save and continue" needs to know which follow-up questions the save revealed.
        before = assessments.recorded(assessment).answers if go == "next" else None
        try:
            step_input = parse_step(questionnaire, standard, request.form.items(multi=True))
            assessments.save_step(current_user, assessment, step_input)
        except InvalidSubmission as exc:
            raise BadSubmission.from_invalid(exc) from exc
        except assessments.AssessmentLocked:
            raise BadSubmission(
                _("This assessment was submitted and can no longer be changed.")) from None
        return _after_save(assessment, questionnaire, standard, index, go, before)
    recorded = assessments.recorded(assessment)
    shown = {q.id for q in visible_questions(questionnaire, recorded.answers)}
    # The follow-up questions the last save brought up (see _after_save), to point them out.
    follow_ups = [q.id for q in standard.questions
                  if q.id in shown and q.id in request.args.getlist("new")]
    return render_template(
        "assess/step.html", assessment=assessment, questionnaire=questionnaire,
        standard=standard, index=index, recorded=recorded,
        criteria=step_view(questionnaire, assessment.questionnaire_version.sha256, standard,
                           str(get_locale())),
        shown=shown, follow_ups=follow_ups, note_max_length=NOTE_MAX_LENGTH,
    )


def _after_save(assessment: Assessment, questionnaire, standard, index: int, go: str,
                before: dict | None):
    if go == "later":
        flash(_("Your answers are saved. Come back at any time to carry on."), "success")
        return redirect(url_for("assess.overview", assessment_id=assessment.id))
    if go == "back":
        if index == 0:
            return redirect(url_for("assess.overview", assessment_id=assessment.id))
        previous = questionnaire.standards[index - 1]
        return redirect(url_for("assess.step", assessment_id=assessment.id,
                                standard_id=previous.id))
    # Answers on this step may have brought up follow-up questions on the same step:
    # without JavaScript, show the step again rather than leave them behind unseen, scrolled
    # to a message that stands just above the first of them, which are marked as new.
    after = assessments.recorded(assessment).answers
    was_shown = {q.id for q in visible_questions(questionnaire, before or {})}
    appeared = [q for q in visible_questions(questionnaire, after)
                if q.standard_id == standard.id and q.id not in was_shown and q.id not in after]
    if appeared:
        return redirect(url_for("assess.step", assessment_id=assessment.id,
                                standard_id=standard.id, new=[q.id for q in appeared],
                                _anchor="follow-ups"))
    if index + 1 < len(questionnaire.standards):
        following = questionnaire.standards[index + 1]
        return redirect(url_for("assess.step", assessment_id=assessment.id,
                                standard_id=following.id))
    return redirect(url_for("assess.check", assessment_id=assessment.id))


@bp.route("/assessments/<int:assessment_id>/check", methods=["GET", "POST"])
def check(assessment_id: int):
    assessment = _assessment(assessment_id)
    questionnaire = assessments.questionnaire_for(assessment)
    form = SubmitAssessmentForm()
    incomplete = False
    if request.method == "POST":  # CSRFProtect has checked the token already
        if assessment.submitted:
            raise BadSubmission(_("This assessment was submitted already."))
        # An incomplete assessment is refused whatever the form says: it lists what is missing.
        if not assessments.result_of(assessment).complete or form.validate():
            try:
                assessments.submit(current_user, assessment)
            except assessments.AssessmentLocked:
                raise BadSubmission(_("This assessment was submitted already.")) from None
            except assessments.Incomplete:
                incomplete = True
            else:
                flash(_("Assessment submitted. Here are your results and improvement plan."),
                      "success")
                return redirect(url_for("results.show", assessment_id=assessment.id))
    recorded = assessments.recorded(assessment)
    result = score(questionnaire, recorded.answers)
    return render_template(
        "assess/check.html", assessment=assessment, questionnaire=questionnaire,
        recorded=recorded, result=result, progress=progress(result), incomplete=incomplete,
        form=form,
    ), 422 if incomplete or form.errors else 200


def _assessment(assessment_id: int) -> Assessment:
    """Return the assessment if the current user may see it; 404 otherwise, never 403."""
    assessment = assessments.for_user(current_user, assessment_id)
    if assessment is None:
        abort(404)
    return assessment
