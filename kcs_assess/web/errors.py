"""Error pages, each a plain explanation in the user's language."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import (
    BadRequest,
    Forbidden,
    HTTPException,
    NotFound,
    ServiceUnavailable,
)

from ..domain.wizard import InvalidSubmission
from ..services import access, transaction
from . import hygiene


class BadSubmission(BadRequest):
    """A post the form could not have sent; nothing of it was saved."""

    @classmethod
    def from_invalid(cls, exc: InvalidSubmission) -> BadSubmission:
        messages = {
            "unknown_question": _("The form named a question (%(id)s) that this questionnaire "
                                  "does not have."),
            "other_step": _("The form named a question (%(id)s) that is not on this page."),
            "sent_twice": _("The form sent question %(id)s twice."),
            "bad_answer": _("The form sent an answer to question %(id)s that is not one of its "
                            "options."),
            "note_too_long": _("The note on question %(id)s is longer than the limit."),
            "bad_base": _("The form's record of what it showed for question %(id)s is "
                          "damaged."),
        }
        return cls(messages[exc.reason] % {"id": exc.question_id})


class QuestionnaireUnavailable(ServiceUnavailable):
    """The questionnaire file changed under a version that assessments already use."""


def register(app: Flask) -> None:
    @app.errorhandler(access.NotFound)
    def not_found(error: access.NotFound):
        return http_error(NotFound())

    @app.errorhandler(access.Forbidden)
    def forbidden(error: access.Forbidden):
        return http_error(Forbidden())

    @app.errorhandler(transaction.Conflict)
    def conflict(error: transaction.Conflict):
        return _page(409, _("Changed at the same moment"), _(
            "Someone else changed the same thing at the same moment, so nothing of yours was "
            "saved. Go back, reload the page and try again."))

    @app.errorhandler(QuestionnaireUnavailable)
    def questionnaire_unavailable(error: QuestionnaireUnavailable):
        return _page(503, _("This questionnaire cannot be used right now"), _(
            "Its file on the server was changed without a new version number, and assessments "
            "already use the earlier text. Nothing was started. Please tell the person who "
            "runs this site: “flask questionnaires validate” shows what to fix."))

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _page(400, _("The form could not be accepted"), _(
            "The form had expired or did not come from this site. Nothing was saved. "
            "Go back, reload the page and try again."))

    @app.errorhandler(hygiene.UnreadableInput)
    def unreadable_input(error: hygiene.UnreadableInput):
        reasons = {
            "not_utf8": _("The form was not sent as UTF-8 text, so it cannot be read."),
            "nul": _("The form contained a character that cannot be stored (NUL)."),
        }
        return _page(400, _("The form could not be accepted"),
                     _("%(reason)s Nothing was saved.", reason=reasons[error.reason]))

    @app.errorhandler(BadSubmission)
    def bad_submission(error: BadSubmission):
        return _page(400, _("The form could not be accepted"),
                     _("%(reason)s Nothing was saved.", reason=error.description))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        titles = {
            400: (_("The request could not be accepted"),
                  _("Something in the request was not as expected. Nothing was saved.")),
            403: (_("Not allowed"), _("You do not have permission to do this.")),
            404: (_("Page not found"), _("There is no page at this address, or you do not "
                                         "have access to it.")),
            405: (_("Not allowed"), _("This page cannot be used that way.")),
            409: (_("Changed meanwhile"), _("This was changed meanwhile, so nothing was "
                                             "saved. Reload the page to see it as it is now.")),
            410: (_("No longer available"), _("This link was used already or has expired.")),
            413: (_("Too much data"), _("The form sent more data than allowed. Nothing was "
                                        "saved.")),
            429: (_("Too many attempts"), _("There were too many attempts from here in a "
                                            "short time. Nothing was saved. Please wait a "
                                            "few minutes and try again.")),
            503: (_("Temporarily unavailable"), _("The service cannot do this right now. "
                                                  "Please try again later.")),
        }
        title, message = titles.get(error.code or 500, (_("Something went wrong"),
                                                        _("Please try again.")))
        return _page(error.code or 500, title, message)

    @app.errorhandler(500)
    def server_error(error: Exception):
        return _page(500, _("Something went wrong"), _(
            "The server hit a problem. If you were saving answers, go back and check them."))


def _page(code: int, title: str, message: str):
    return render_template("error.html", code=code, title=title, message=message), code
