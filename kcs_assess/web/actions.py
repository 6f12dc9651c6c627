"""The action plan of a submitted assessment: owners, due dates, statuses and comments."""

from __future__ import annotations

import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..domain.actions import STATUSES, Filters, action_plan
from ..domain.questionnaire import SEVERITIES
from ..models import Action, Assessment
from ..services import access, actions, assessments, teams, transaction
from .forms import ActionForm, CommentForm

bp = Blueprint("actions", __name__)


@bp.before_request
@login_required
def require_sign_in() -> None:
    """Every page here is about an organisation's plan."""


def _today() -> datetime.date:
    return datetime.datetime.now(datetime.UTC).date()


@bp.route("/assessments/<id:assessment_id>/plan")
def plan(assessment_id: int):
    assessment = access.load_assessment(current_user, assessment_id, "results")
    if not assessment.submitted:
        return redirect(url_for("results.show", assessment_id=assessment.id, _anchor="plan"))
    result = assessments.result_of(assessment)
    states = actions.states(assessment)
    filters = Filters(
        status=_choice(request.args.get("status", ""), STATUSES),
        owner=request.args.get("owner", "")[:120],
        severity=_choice(request.args.get("severity", ""), SEVERITIES))
    items = action_plan(result.plan, states, _today(), filters)
    return render_template(
        "actions/plan.html", assessment=assessment, questionnaire=result.questionnaire,
        items=items, filters=filters, today=_today(), total=len(states),
        owners=sorted({s.owner for s in states.values() if s.owner}, key=str.casefold),
        statuses=STATUSES, severities=SEVERITIES,
        can_edit=access.can(current_user, assessment.organisation_id, "answer"))


def _choice(value: str, allowed: tuple[str, ...]) -> str:
    return value if value in allowed else ""


@bp.route("/assessments/<id:assessment_id>/actions/<id:action_id>", methods=["GET", "POST"])
def edit(assessment_id: int, action_id: int):
    write = request.method == "POST"
    assessment = access.load_assessment(current_user, assessment_id,
                                         "answer" if write else "results")
    action = actions.load(current_user, assessment, action_id)
    form = ActionForm(obj=None if write else action)
    form.owner.choices = _owners(assessment)
    if not write:
        form.owner.data = str(action.owner_id or "")
        form.owner_name.data = action.owner_name
    if write and form.validate_on_submit():
        owner_id = int(form.owner.data) if form.owner.data else None
        try:
            with transaction.write():
                actions.update(current_user, assessment, action, owner_id=owner_id,
                               owner_name=form.owner_name.data or "", due=form.due.data,
                               status=form.status.data, reason=form.reason.data or "")
        except actions.ReasonNeeded:
            form.reason.errors.append(_("Say why it will not be done."))
        else:
            flash(_("The action is saved."), "success")
            return redirect(url_for("actions.plan", assessment_id=assessment.id))
    return _page(assessment, action, form, CommentForm(), 422 if form.errors else 200)


def _owners(assessment: Assessment) -> list[SelectChoice]:
    members = teams.members(assessment.organisation)
    return [SelectChoice("", _("Nobody yet, or someone named below")),
            *(SelectChoice(str(m.user_id), m.user.name) for m in members)]


def _page(assessment: Assessment, action: Action, form: ActionForm, comment_form: CommentForm,
          status: int):
    result = assessments.result_of(assessment)
    gap = next((g for g in result.plan if g.question.id == action.question_id), None)
    return render_template(
        "actions/edit.html", assessment=assessment, questionnaire=result.questionnaire,
        action=action, gap=gap, form=form, comment_form=comment_form,
        owner=actions.owner_of(action), today=_today(),
        can_edit=access.can(current_user, assessment.organisation_id, "answer")), status


@bp.route("/assessments/<id:assessment_id>/actions/<id:action_id>/comments",
          methods=["POST"])
def comment(assessment_id: int, action_id: int):
    assessment = access.load_assessment(current_user, assessment_id, "answer")
    action = actions.load(current_user, assessment, action_id)
    comment_form = CommentForm()
    if not comment_form.validate_on_submit():
        form = ActionForm(obj=action)
        form.owner.choices = _owners(assessment)
        form.owner.data = str(action.owner_id or "")
        return _page(assessment, action, form, comment_form, 422)
    with transaction.write():
        actions.comment(current_user, assessment, action, comment_form.text.data)
    return redirect(url_for("actions.edit", assessment_id=assessment.id, action_id=action.id,
                            _anchor="comments"))
