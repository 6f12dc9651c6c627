"""An assessment as CSV, XLSX or JSON, in any shipped language; each export is in the log."""

from __future__ import annotations

from flask import Blueprint, abort, request
from flask_login import current_user, login_required

from ..i18n import LANGUAGES
from ..services import access, exports, transaction
from .helpers import download, slug

bp = Blueprint("exports", __name__)


@bp.route("/assessments/<id:assessment_id>/export.<file_format>")
@login_required
def assessment(assessment_id: int, file_format: str):
    """Every answer and note, the scores and the plan: readers of the answers only."""
    if file_format not in exports.FORMATS:
        abort(404)
    found = access.load_assessment(current_user, assessment_id, "answers")
    locale = request.args.get("lang", "en")
    if locale not in LANGUAGES:
        abort(404)
    with transaction.write():
        data = exports.export(current_user, found, file_format, locale)
    mimetype, _ = exports.FORMATS[file_format]
    return download(data, mimetype, f"{slug(found.label)}-{locale}.{file_format}")
