"""Labels, formatting and template helpers shared by the views."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from flask import g, url_for
from flask_babel import (
    format_date,
    format_datetime,
    get_locale,
    ngettext,
)

from .. import labels
from ..domain.chart import chart_layout
from ..domain.questionnaire import Questionnaire, Standard
from ..i18n import LANGUAGES, Translator, direction


class TranslatedLabels(Mapping[str, str]):
    """One family of fixed words from labels.py, translated when looked up."""

    def __init__(self, msgids: dict[str, str]):
        self.msgids = msgids

    def __getitem__(self, key: str) -> str:
        return translator().gettext(self.msgids[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self.msgids)

    def __len__(self) -> int:
        return len(self.msgids)


ANSWER_LABELS = TranslatedLabels(labels.ANSWERS)
SEVERITY_LABELS = TranslatedLabels(labels.SEVERITIES)
STATUS_LABELS = TranslatedLabels(labels.STEP_STATUSES)
ASSESSMENT_STATUS_LABELS = TranslatedLabels(labels.ASSESSMENT_STATUSES)
TIER_LABELS = TranslatedLabels(labels.TIERS)
ORGANISATION_TYPE_LABELS = TranslatedLabels(labels.ORGANISATION_TYPES)


def translator() -> Translator:
    """Return this request's translator: a plain catalog lookup, cheap to call per string.

    Flask-Babel's gettext walks several context proxies per call; a wizard page looks up
    hundreds of strings, so the web layer resolves the language once per request.
    """
    cached = g.get("kcs_translator")
    if cached is None:
        cached = g.kcs_translator = Translator.for_locale(str(get_locale()))
    return cached


def qtext(text: str, questionnaire_id: str, element_id: str, field: str) -> str:
    """Translate one questionnaire string through the catalogs, by its own context."""
    return translator().questionnaire_text(text, questionnaire_id, element_id, field)


@dataclass(frozen=True)
class QuestionView:
    """What a wizard step shows of one question that does not depend on the answers."""

    id: str
    text: str
    help: str
    critical: bool
    show_if: str  # "<question id> <answer> ...", read by app.js; "" when always shown
    options: tuple[tuple[str, str], ...]  # (answer key, label)


@dataclass(frozen=True)
class CriterionView:
    title: str
    questions: tuple[QuestionView, ...]


_step_views: dict[tuple[str, str, str], tuple[CriterionView, ...]] = {}


def step_view(questionnaire: Questionnaire, digest: str, standard: Standard,
              locale: str) -> tuple[CriterionView, ...]:
    """Return a step's translated questions, prepared once per snapshot, step and language.

    A step page shows up to 18 questions; preparing their texts and labels on every request
    was most of the cost of rendering it. `digest` is the snapshot's sha256.
    """
    key = (digest, standard.id, locale)
    if key not in _step_views:
        t = Translator.for_locale(locale)
        _step_views[key] = tuple(
            CriterionView(
                t.questionnaire_text(criterion.title, questionnaire.id, criterion.id, "title"),
                tuple(
                    QuestionView(
                        id=q.id,
                        text=t.questionnaire_text(q.text, questionnaire.id, q.id, "text"),
                        help=t.questionnaire_text(q.help, questionnaire.id, q.id, "help"),
                        critical=q.critical,
                        show_if=" ".join((q.show_if.question, *q.show_if.answers))
                        if q.show_if else "",
                        options=tuple((k, t.gettext(labels.ANSWERS[k])) for k in q.options),
                    )
                    for q in criterion.questions
                ),
            )
            for criterion in standard.criteria
        )
    return _step_views[key]


def score_text(value: float | None) -> str:
    """Show a score as the PDF does: whole, or "not assessed" (never 0) when there is none."""
    return translator().score(value)


def month_text(months: int) -> str:
    return ngettext("%(num)d month", "%(num)d months", months)


def text_direction() -> str:
    return direction(str(get_locale()))


def template_globals(static_version: str) -> dict[str, Any]:
    def static_url(filename: str) -> str:
        return url_for("static", filename=filename, v=static_version)

    return {
        "static_url": static_url,
        "get_locale": get_locale,
        "text_direction": text_direction,
        "ANSWER_LABELS": ANSWER_LABELS,
        "SEVERITY_LABELS": SEVERITY_LABELS,
        "STATUS_LABELS": STATUS_LABELS,
        "ASSESSMENT_STATUS_LABELS": ASSESSMENT_STATUS_LABELS,
        "TIER_LABELS": TIER_LABELS,
        "ORGANISATION_TYPE_LABELS": ORGANISATION_TYPE_LABELS,
        "LANGUAGES": LANGUAGES,
        "qtext": qtext,
        "score_text": score_text,
        "month_text": month_text,
        "chart_layout": chart_layout,
    }


def isolate(text: str) -> str:
    """Wrap user text in first-strong isolates, for where no element can (a page's title).

    Its direction then follows its own first letter, and it cannot reorder what is around it.
    """
    return f"\u2068{text}\u2069"


def template_filters() -> dict[str, Any]:
    return {"date": format_date, "datetime": format_datetime, "isolate": isolate}
