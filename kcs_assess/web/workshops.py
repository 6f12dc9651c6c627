"""Workshops: the trainer's pages (create, projector, room, exports, draft) and the pages of
participants, who join with a code and answer on their phones without an account."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import segno
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, refresh
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..domain import workshop as rooms
from ..domain.scoring import visible_questions
from ..domain.wizard import GO, InvalidSubmission, Next, parse_step, save_and_route
from ..i18n import LANGUAGES, format_moment
from ..models import Participant, Workshop, utcnow
from ..reports import exports as build
from ..reports.workshop import WorkshopReport, build_workshop_pdf
from ..services import access, transaction, workshops
from ..services.questionnaires import VersionConflict, catalogue
from .errors import BadSubmission, QuestionnaireUnavailable
from .forms import DraftForm, JoinForm, KeepOpenForm, ParticipantForm, WorkshopForm, lines
from .helpers import download, slug, translator
from .questions import question_fieldsets

bp = Blueprint("workshops", __name__)

COOKIE = "kcs_workshop_{id}"
POLL_SECONDS = 4  # how often the room's page asks whether anything changed


# -- the trainer's pages -----------------------------------------------------------------


@bp.route("/workshops")
@login_required
def index():
    return render_template("workshops/index.html", found=workshops.list_for(current_user),
                           now=utcnow())


@bp.route("/workshops/new", methods=["GET", "POST"])
@login_required
def new():
    offered = catalogue().current
    form = WorkshopForm()
    form.questionnaire.choices = [SelectChoice(q.id, q.title) for q in offered]
    if request.method == "GET":
        default = catalogue().get(workshops.DEFAULT_QUESTIONNAIRE) or offered[0]
        form.questionnaire.data = default.id
    if form.validate_on_submit():
        try:
            with transaction.write():
                workshop = workshops.create(
                    current_user, title=form.title.data,
                    questionnaire=catalogue().get(form.questionnaire.data),
                    languages=form.languages.data, group_question=form.group_question.data,
                    group_options=lines(form.group_options.data),
                    min_answers=form.min_answers.data, hours_open=form.hours_open.data,
                    locale=str(get_locale()))
        except VersionConflict:
            raise QuestionnaireUnavailable() from None
        return redirect(url_for("workshops.show", workshop_id=workshop.id))
    return render_template("workshops/new.html", form=form, offered=offered), \
        422 if form.errors else 200


@bp.route("/workshops/<id:workshop_id>")
@login_required
def show(workshop_id: int):
    """The projector page: how to join, and how many have."""
    workshop = access.load_workshop(current_user, workshop_id)
    target = url_for("workshops.join_code", code=workshop.code, _external=True)
    qr = segno.make(target, error="m").svg_inline(scale=1, border=2, omitsize=True,
                                                  dark="#000", light="#fff")
    return render_template(
        "workshops/show.html", workshop=workshop, room=workshops.room(workshop),
        questionnaire=workshops.questionnaire_for(workshop), qr=qr, now=utcnow(),
        join_url=url_for("workshops.join", _external=True), poll_seconds=POLL_SECONDS,
        max_hours=workshops.MAX_HOURS_OPEN, default_hours=workshops.DEFAULT_HOURS_OPEN,
    )


def _group(workshop: Workshop) -> str | None:
    """The group a room page is about (?group=), None for the whole room; 404 if unknown."""
    group = request.args.get("group") or None
    if group is not None and group not in (workshop.group_options or []):
        abort(404)
    return group


def _room_of(workshop_id: int) -> tuple[Workshop, str | None, workshops.Room, rooms.Summary]:
    """The trainer's workshop, the group asked for (?group=), its counts and what may be shown:
    the same for the room view and its JSON."""
    workshop = access.load_workshop(current_user, workshop_id)
    group = _group(workshop)
    counted = workshops.room(workshop)
    return workshop, group, counted, workshops.summary(workshop, counted, group)


@bp.route("/workshops/<id:workshop_id>/room")
@login_required
def room(workshop_id: int):
    workshop, group, counted, summary = _room_of(workshop_id)
    return render_template(
        "workshops/room.html", workshop=workshop, room=counted, summary=summary, group=group,
        questionnaire=summary.questionnaire, now=utcnow(), poll_seconds=POLL_SECONDS,
    )


@bp.route("/workshops/<id:workshop_id>/room.json")
@login_required
def room_json(workshop_id: int):
    """The room's figures for the page's polling: unchanged, they cost a 304 and no body."""
    workshop, group, counted, summary = _room_of(workshop_id)
    body = json.dumps(_room_data(workshop, counted, summary, group), sort_keys=True,
                      separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    response = Response(body, mimetype="application/json")
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.headers["Cache-Control"] = "no-cache"
    return response.make_conditional(request)


def _room_data(workshop: Workshop, counted: workshops.Room, summary: rooms.Summary,
               group: str | None) -> dict:
    """The JSON of the room: nothing of a question until it reaches the minimum."""
    t = translator()
    questionnaire = summary.questionnaire

    def level(found) -> dict | None:
        if found is None:
            return None
        return {"key": found.key, "text": t.questionnaire_text(
            found.title, questionnaire.id, f"level.{found.key}", "title")}

    def question(q: rooms.QuestionSummary) -> dict:
        if q.withheld:
            return {"id": q.question.id, "shown": False}
        return {"id": q.question.id, "shown": True, "total": q.total,
                "counts": dict(q.counts), "most_common": q.most_common,
                "disagreement": q.disagreement, "unknown_share": q.unknown_share}

    return {
        "open": workshop.is_open(utcnow()), "group": group, "min_answers": summary.min_answers,
        "joined": counted.joined, "answered": counted.answered, "finished": counted.finished,
        "score": summary.score, "score_text": t.score(summary.score),
        "level": level(summary.level),
        "standards": [{"id": s.standard.id, "score": s.score, "score_text": t.score(s.score),
                       "level": level(s.level)} for s in summary.standards],
        "questions": [question(q) for q in summary.questions],
        "discuss": [q.question.id for q in summary.discuss],
        "find_out": [q.question.id for q in summary.find_out],
    }


@bp.route("/workshops/<id:workshop_id>/close", methods=["POST"])
@login_required
def close(workshop_id: int):
    workshop = access.load_workshop(current_user, workshop_id)
    with transaction.write():
        closed = workshops.close(current_user, workshop)
    if closed:
        flash(_("The workshop is closed: participants can no longer change their answers."),
              "success")
    return redirect(url_for("workshops.show", workshop_id=workshop.id))


@bp.route("/workshops/<id:workshop_id>/keep-open", methods=["POST"])
@login_required
def keep_open(workshop_id: int):
    """More time for a room that runs over, or a workshop set up before its day."""
    workshop = access.load_workshop(current_user, workshop_id)
    form = KeepOpenForm()
    if not form.validate_on_submit():
        raise BadSubmission(_("Between 1 and %(max)d hours.", max=workshops.MAX_HOURS_OPEN))
    with transaction.write():
        until = workshops.keep_open(current_user, workshop, form.hours.data)
    if until is None:
        flash(_("This workshop's answers were deleted after it closed: it cannot be opened "
                "again. Create a new workshop."), "error")
    else:
        flash(_("The workshop is open until %(time)s.",
                time=format_moment(until, str(get_locale()))), "success")
    return redirect(url_for("workshops.show", workshop_id=workshop.id))


def _export_locale(workshop: Workshop) -> str:
    """The language asked for (?lang=), else the one the trainer used to create the workshop."""
    locale = request.args.get("lang") or workshop.locale
    if locale not in LANGUAGES:
        abort(404)
    return locale


@bp.route("/workshops/<id:workshop_id>/export.csv")
@login_required
def export_csv(workshop_id: int):
    """The room's distributions per question (and group): only what reached the minimum."""
    workshop = access.load_workshop(current_user, workshop_id)
    locale = _export_locale(workshop)
    counted = workshops.room(workshop)
    data = build.workshop_csv(workshops.summary(workshop, counted),
                              workshops.group_summaries(workshop, counted), locale)
    with transaction.write():
        workshops.record_export(current_user, workshop, "csv", locale)
    return download(data, "text/csv; charset=utf-8", f"{slug(workshop.title)}-{locale}.csv")


@bp.route("/workshops/<id:workshop_id>/export.pdf")
@login_required
def export_pdf(workshop_id: int):
    """A PDF summary of the room in any shipped language, by the same minimum rule."""
    workshop = access.load_workshop(current_user, workshop_id)
    locale = _export_locale(workshop)
    counted = workshops.room(workshop)
    now = utcnow()
    report = WorkshopReport(
        title=workshop.title, summary=workshops.summary(workshop, counted),
        joined=counted.joined, answered=counted.answered,
        held_on=workshop.created_at.date(),
        closed_on=None if workshop.is_open(now) else workshop.ended_at().date(),
        generated_on=now.date(), group_question=workshop.group_question or "",
        groups=tuple(workshops.group_summaries(workshop, counted)),
    )
    data = build_workshop_pdf(report, locale)
    with transaction.write():
        workshops.record_export(current_user, workshop, "pdf", locale)
    return download(data, "application/pdf", f"{slug(workshop.title)}-{locale}.pdf")


@bp.route("/workshops/<id:workshop_id>/draft", methods=["GET", "POST"])
@login_required
def draft(workshop_id: int):
    """Turn the room into a draft assessment: per question, the answer the room agreed on."""
    workshop = access.load_workshop(current_user, workshop_id)
    choices = access.organisations(current_user, "answer")
    summary = workshops.summary(workshop, workshops.room(workshop))
    form = DraftForm()
    form.organisation.choices = [SelectChoice(o.id, o.name) for o in choices]
    if request.method == "GET":
        form.label.data = workshop.title
    chosen = rooms.agreed_answers(summary)
    if request.method == "POST":
        if not choices:
            raise access.Forbidden("answer")
        try:
            chosen = workshops.parse_draft(summary, request.form.items(multi=True))
        except InvalidSubmission as exc:
            raise BadSubmission.from_invalid(exc) from exc
        if form.validate_on_submit():
            organisation = access.load_organisation(current_user, form.organisation.data,
                                                    "answer")
            try:
                with transaction.write():
                    assessment = workshops.to_draft(current_user, workshop, organisation,
                                                    chosen, form.label.data,
                                                    str(get_locale()))
            except VersionConflict:
                raise QuestionnaireUnavailable() from None
            flash(_("The draft is ready: check the answers step by step, add notes and "
                    "evidence, then submit it."), "success")
            return redirect(url_for("assess.overview", assessment_id=assessment.id))
    return render_template(
        "workshops/draft.html", workshop=workshop, summary=summary, form=form,
        choices=choices, chosen=chosen, questionnaire=summary.questionnaire, now=utcnow(),
    ), 422 if form.errors else 200


# -- participants' pages -----------------------------------------------------------------


@bp.route("/join", methods=["GET", "POST"])
def join():
    form = JoinForm()
    if form.validate_on_submit():
        try:
            workshop = workshops.find(form.code.data)
        except workshops.Unusable as unusable:
            form.code.errors.append(_unusable_text(unusable.reason))
        else:
            return redirect(url_for("workshops.start", code=workshop.code))
    return render_template("workshops/join.html", form=form), 422 if form.errors else 200


@bp.route("/join/<code>")
def join_code(code: str):
    """The QR code's address: straight to the workshop, or the join form saying why not."""
    try:
        workshop = workshops.find(code)
    except workshops.Unusable as unusable:
        form = JoinForm(data={"code": code[:40]})
        form.code.errors = [_unusable_text(unusable.reason)]
        return render_template("workshops/join.html", form=form), \
            404 if unusable.reason == "unknown" else 410
    return redirect(url_for("workshops.start", code=workshop.code))


def _unusable_text(reason: str) -> str:
    if reason == "closed":
        return _("This workshop is closed: answers are no longer taken.")
    return _("No open workshop has this code. Check it with the trainer and type it again.")


def _participant_workshop(code: str) -> Workshop:
    """The workshop of a participant's page; 404 for an unknown code (and rate-limited)."""
    workshop = workshops.by_code(code)
    if workshop is None:
        abort(404)
    return workshop


def _cookie(workshop: Workshop) -> str:
    return COOKIE.format(id=workshop.id)


def _cookie_expiry(workshop: Workshop):
    """Until the participant's answers are deleted: if the trainer keeps the workshop open
    longer or opens it again, the phone still knows its place and is not counted twice. The
    token opens nothing once the workshop is closed."""
    return workshop.closes_at + timedelta(days=current_app.config["WORKSHOP_RETENTION_DAYS"])


def _participant(workshop: Workshop) -> Participant | None:
    return workshops.participant_for(workshop, request.cookies.get(_cookie(workshop)))


def _speak(language: str) -> None:
    """Show the rest of this page in the participant's language."""
    g.page_locale = language
    g.pop("kcs_translator", None)
    refresh()


def _closed_page(workshop: Workshop):
    return render_template("workshops/closed.html", workshop=workshop), 410


@bp.route("/w/<code>/start", methods=["GET", "POST"])
def start(code: str):
    """Choose a language (and a group); then the cookie keeps the participant's place."""
    workshop = _participant_workshop(code)
    if code != workshop.code:
        return redirect(url_for("workshops.start", code=workshop.code))
    participant = _participant(workshop)
    if participant is not None:
        return redirect(_resume(workshop, participant))
    if not workshop.is_open(utcnow()):
        return _closed_page(workshop)
    languages = workshop.language_list
    form = ParticipantForm()
    form.language.choices = [SelectChoice(code, LANGUAGES[code]) for code in languages]
    if workshop.group_question:
        form.group.label.text = workshop.group_question
        form.group.choices = [SelectChoice(option, option)
                              for option in workshop.group_options or []]
    else:
        del form.group
    if request.method == "GET":
        here = str(get_locale())
        form.language.data = here if here in languages else languages[0]
    if form.validate_on_submit():
        try:
            with transaction.write():
                participant, token = workshops.join(
                    workshop, form.language.data,
                    form.group.data if workshop.group_question else None)
        except workshops.Closed:
            return _closed_page(workshop)
        response = redirect(url_for("workshops.step", code=workshop.code,
                                    standard_id=_first_standard(workshop).id))
        response.set_cookie(
            _cookie(workshop), token, expires=_cookie_expiry(workshop),
            path=f"/w/{workshop.code}", httponly=True, samesite="Lax",
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
        return response
    return render_template("workshops/start.html", workshop=workshop, form=form,
                           questionnaire=workshops.questionnaire_for(workshop)), \
        422 if form.errors else 200


def _first_standard(workshop: Workshop):
    return workshops.questionnaire_for(workshop).standards[0]


def _resume(workshop: Workshop, participant: Participant) -> str:
    """The first step with a question left to answer, else the end."""
    questionnaire = workshops.questionnaire_for(workshop)
    answers = workshops.ParticipantSheet(participant, questionnaire).answers()
    for question in visible_questions(questionnaire, answers):
        if question.id not in answers:
            return url_for("workshops.step", code=workshop.code,
                           standard_id=question.standard_id)
    return url_for("workshops.done", code=workshop.code)


@bp.route("/w/<code>/steps/<standard_id>", methods=["GET", "POST"])
def step(code: str, standard_id: str):
    """One standard per page, as in the wizard, with or without JavaScript."""
    workshop = _participant_workshop(code)
    participant = _participant(workshop)
    if participant is None:
        if request.method == "POST" and not workshop.is_open(utcnow()):
            raise BadSubmission(_("This workshop is closed: answers are no longer taken."))
        return redirect(url_for("workshops.start", code=workshop.code))
    _speak(participant.language)
    questionnaire = workshops.questionnaire_for(workshop)
    standard = questionnaire.standards_by_id.get(standard_id)
    if standard is None:
        abort(404)
    if not workshop.is_open(utcnow()):
        if request.method == "POST":
            raise BadSubmission(_("This workshop is closed: answers are no longer taken."))
        return _closed_page(workshop)
    sheet = workshops.ParticipantSheet(participant, questionnaire)
    if request.method == "POST":
        go = request.form.get("go", "next")
        if go not in GO:
            abort(400)
        try:
            step_input = parse_step(questionnaire, standard, request.form.items(multi=True))
        except InvalidSubmission as exc:
            raise BadSubmission.from_invalid(exc) from exc
        if step_input.notes:  # a workshop takes answers only: no free text is ever stored
            raise BadSubmission(_("A workshop takes answers only, without notes."))
        with transaction.write():
            routed = save_and_route(sheet, questionnaire, standard, step_input, go)
            if routed.next.place == "end":
                sheet.finish()
        return redirect(_place(workshop, standard, routed.next))
    answers = sheet.answers()
    shown = {q.id for q in visible_questions(questionnaire, answers)}
    follow_ups = [q.id for q in standard.questions
                  if q.id in shown and q.id in request.args.getlist("new")]
    questions = question_fieldsets(
        questionnaire, workshop.questionnaire_version.sha256, standard, participant.language,
        answers=answers, shown=shown, follow_ups=follow_ups, variant="participant")
    return render_template(
        "workshops/step.html", workshop=workshop, questionnaire=questionnaire,
        standard=standard, index=questionnaire.standards.index(standard), questions=questions)


def _place(workshop: Workshop, standard, where: Next) -> str:
    """The address of where the wizard goes next, on a participant's pages."""
    if where.place == "step":
        return url_for("workshops.step", code=workshop.code, standard_id=where.standard_id,
                       new=list(where.follow_ups),
                       _anchor="follow-ups" if where.follow_ups else None)
    if where.place == "start":  # back from the first step: the language is chosen already
        return url_for("workshops.step", code=workshop.code, standard_id=standard.id)
    return url_for("workshops.done", code=workshop.code)


@bp.route("/w/<code>/done")
def done(code: str):
    workshop = _participant_workshop(code)
    participant = _participant(workshop)
    if participant is None:
        return redirect(url_for("workshops.start", code=workshop.code))
    _speak(participant.language)
    if not workshop.is_open(utcnow()):
        return _closed_page(workshop)
    questionnaire = workshops.questionnaire_for(workshop)
    answers = workshops.ParticipantSheet(participant, questionnaire).answers()
    visible = visible_questions(questionnaire, answers)
    return render_template(
        "workshops/done.html", workshop=workshop, questionnaire=questionnaire,
        answered={s.id: sum(1 for q in visible if q.standard_id == s.id and q.id in answers)
                  for s in questionnaire.standards},
        asked={s.id: sum(1 for q in visible if q.standard_id == s.id)
               for s in questionnaire.standards},
    )
