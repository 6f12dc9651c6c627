"""The wizard: start an assessment, the task list, one standard per step, check and submit;
and an admin's reopen and delete."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..domain.progress import progress
from ..domain.scoring import score, visible_questions
from ..domain.wizard import GO, InvalidSubmission, Next, parse_step, save_and_route
from ..extensions import db
from ..models import Assessment, User
from ..services import access, assessments, transaction
from ..services.questionnaires import VersionConflict, catalogue
from .errors import BadSubmission, QuestionnaireUnavailable
from .forms import DeleteAssessmentForm, ReopenForm, StartAssessmentForm, SubmitAssessmentForm
from .helpers import current_organisation
from .questions import question_fieldsets

bp = Blueprint("assess", __name__)


@bp.before_request
def require_sign_in():
    """Every page here but the front page is for signed-in members only."""
    if request.endpoint != "assess.index" and not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    return None


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        return render_template("front.html", questionnaires=catalogue().current)
    organisation = current_organisation()
    if organisation is None:
        return render_template("assess/no_organisation.html")
    return render_template(
        "assess/index.html", organisation=organisation,
        assessments=assessments.list_for(current_user, organisation.id),
        can_start=access.can(current_user, organisation.id, "answer"),
    )


@bp.route("/assessments/new", methods=["GET", "POST"])
def new():
    choices = access.organisations(current_user, "answer")
    if not choices:
        raise access.Forbidden("answer")
    offered = catalogue().current
    form = StartAssessmentForm()
    form.organisation.choices = [SelectChoice(o.id, o.name) for o in choices]
    form.questionnaire.choices = [SelectChoice(q.id, q.title) for q in offered]
    if request.method == "GET" or "organisation" not in request.form:
        current = current_organisation()
        form.organisation.data = current.id if current in choices else choices[0].id
    organisation = next((o for o in choices if o.id == form.organisation.data), choices[0])
    if request.method == "GET":
        suggested = catalogue().suggested_for(organisation.type) or offered[0]
        form.questionnaire.data = suggested.id
    if form.validate_on_submit():
        questionnaire = catalogue().get(form.questionnaire.data)
        try:
            with transaction.write():
                assessment = assessments.start(current_user, organisation, questionnaire,
                                               form.label.data, str(get_locale()))
        except VersionConflict:
            raise QuestionnaireUnavailable() from None
        return redirect(url_for("assess.overview", assessment_id=assessment.id))
    status = 422 if form.errors else 200
    return render_template("assess/new.html", form=form, offered=offered,
                           organisation=organisation, choices=choices), status


@bp.route("/assessments/<id:assessment_id>")
def overview(assessment_id: int):
    assessment = access.load_assessment(current_user, assessment_id, "results")
    questionnaire = assessments.questionnaire_for(assessment)
    result = assessments.result_of(assessment)
    return render_template("assess/overview.html", assessment=assessment,
                           questionnaire=questionnaire, result=result,
                           can=_abilities(assessment), progress=progress(result))


def _abilities(assessment: Assessment) -> dict[str, bool]:
    """What the page may offer: the server checks each action again when it is posted."""
    return {action: access.can(current_user, assessment.organisation_id, action)
            for action in access.ACTIONS}


@bp.route("/assessments/<id:assessment_id>/steps/<standard_id>", methods=["GET", "POST"])
def step(assessment_id: int, standard_id: str):
    action = "answer" if request.method == "POST" else "answers"
    assessment = access.load_assessment(current_user, assessment_id, action)
    questionnaire = assessments.questionnaire_for(assessment)
    standard = questionnaire.standards_by_id.get(standard_id)
    if standard is None:
        abort(404)
    if assessment.submitted:
        if request.method == "POST":
            raise BadSubmission(_("This assessment was submitted and can no longer be changed."))
        return redirect(url_for("results.show", assessment_id=assessment.id))
    if request.method == "GET" and not access.can(current_user, assessment.organisation_id,
                                                  "answer"):
        # A viewer reads the answers where they are laid out for reading.
        return redirect(url_for("assess.check", assessment_id=assessment.id))
    index = questionnaire.standards.index(standard)
    conflicts = ()
    if request.method == "POST":
        go = request.form.get("go", "next")
        if go not in GO:  # a button the page does not have: a tampered form
            abort(400)
        try:
            step_input = parse_step(questionnaire, standard, request.form.items(multi=True))
        except InvalidSubmission as exc:
            raise BadSubmission.from_invalid(exc) from exc
        try:
            with transaction.write():
                routed = save_and_route(assessments.AssessmentSheet(current_user, assessment),
                                        questionnaire, standard, step_input, go)
        except assessments.AssessmentLocked:
            raise BadSubmission(
                _("This assessment was submitted and can no longer be changed.")) from None
        if not routed.conflicts:
            return _after_save(assessment, routed.next)
        conflicts = routed.conflicts
    recorded = assessments.recorded(assessment)
    shown = {q.id for q in visible_questions(questionnaire, recorded.answers)}
    # The follow-up questions the last save brought up (see _after_save), to point them out.
    new = request.args.getlist("new")
    follow_ups = [q.id for q in standard.questions if q.id in shown and q.id in new]
    questions = question_fieldsets(
        questionnaire, assessment.questionnaire_version.sha256, standard, str(get_locale()),
        answers=recorded.answers, shown=shown, notes=recorded.notes, stored=recorded.stored,
        carried=recorded.carried, follow_ups=follow_ups)
    return render_template(
        "assess/step.html", assessment=assessment, questionnaire=questionnaire,
        standard=standard, index=index, recorded=recorded, questions=questions,
        conflicts=conflicts, names=_names({c.question_id: recorded.updated_by.get(c.question_id)
                                           for c in conflicts}),
    ), 409 if conflicts else 200


def _names(user_ids: dict[str, int | None]) -> dict[str, str]:
    """Return who last changed each conflicting question, by question id."""
    ids = {i for i in user_ids.values() if i is not None}
    if not ids:
        return {}
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())
    return {question: names.get(user_id, "") for question, user_id in user_ids.items()
            if user_id is not None}


def _after_save(assessment: Assessment, where: Next):
    """Go where the wizard leads once a step is saved (domain.wizard.next_place)."""
    if where.place == "later":
        flash(_("Your answers are saved. Come back at any time to carry on."), "success")
        return redirect(url_for("assess.overview", assessment_id=assessment.id))
    if where.place == "start":
        return redirect(url_for("assess.overview", assessment_id=assessment.id))
    if where.place == "end":
        return redirect(url_for("assess.check", assessment_id=assessment.id))
    # Follow-up questions brought up on the same step: without JavaScript, the step again,
    # scrolled to a message that stands just above the first of them, marked as new.
    return redirect(url_for("assess.step", assessment_id=assessment.id,
                            standard_id=where.standard_id, new=list(where.follow_ups),
                            _anchor="follow-ups" if where.follow_ups else None))


@bp.route("/assessments/<id:assessment_id>/check", methods=["GET", "POST"])
def check(assessment_id: int):
    action = "answer" if request.method == "POST" else "answers"
    assessment = access.load_assessment(current_user, assessment_id, action)
    questionnaire = assessments.questionnaire_for(assessment)
    form = SubmitAssessmentForm()
    incomplete = False
    if request.method == "POST":  # CSRFProtect has checked the token already
        if assessment.submitted:
            raise BadSubmission(_("This assessment was submitted already."))
        # An incomplete assessment is refused whatever the form says: it lists what is missing.
        if not assessments.result_of(assessment).complete or form.validate():
            try:
                with transaction.write():
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
        form=form, can=_abilities(assessment),
    ), 422 if incomplete or form.errors else 200


@bp.route("/assessments/<id:assessment_id>/reopen", methods=["GET", "POST"])
def reopen(assessment_id: int):
    assessment = access.load_assessment(current_user, assessment_id, "manage")
    if not assessment.submitted:
        return redirect(url_for("assess.overview", assessment_id=assessment.id))
    form = ReopenForm()
    if form.validate_on_submit():
        try:
            with transaction.write():
                assessments.reopen(current_user, assessment, form.reason.data)
        except assessments.NotSubmitted:
            pass  # reopened by someone else meanwhile: the draft is what was asked for
        flash(_("The assessment is a draft again: it can be changed and submitted anew."),
              "success")
        return redirect(url_for("assess.overview", assessment_id=assessment.id))
    return render_template("assess/reopen.html", assessment=assessment, form=form), \
        422 if form.errors else 200


@bp.route("/assessments/<id:assessment_id>/delete", methods=["GET", "POST"])
def delete(assessment_id: int):
    assessment = access.load_assessment(current_user, assessment_id, "manage")
    form = DeleteAssessmentForm()
    if form.validate_on_submit():
        try:
            with transaction.write():
                assessments.delete(current_user, assessment, form.label.data)
        except assessments.LabelMismatch:
            form.label.errors.append(_("That is not the assessment's name. Nothing was "
                                       "deleted."))
        else:
            flash(_("“%(label)s” is deleted, with all its answers and notes.",
                    label=assessment.label), "success")
            return redirect(url_for("assess.index"))
    return render_template("assess/delete.html", assessment=assessment, form=form), \
        422 if form.errors else 200
