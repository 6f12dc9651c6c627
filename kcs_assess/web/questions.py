"""The questions of a wizard step as HTML: rendered once per process, filled in per request.

Everything a step shows of its questions but the answers (texts, help, option labels, the
fieldsets and legends) depends only on the questionnaire version, the step, the language
and the kind of page. templates/questions.html is rendered once for each of those, with
markers where the answers go, and kept as a list of ready HTML parts; a request then only
puts the answers in (which radio is checked, which questions show_if hides, the notes, ...).
Nothing of an organisation's or a participant's answers is ever kept between requests.

Rendering the questions was most of the cost of a step page; this makes it a list join.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from flask import current_app
from markupsafe import Markup, escape

from ..domain.questionnaire import Questionnaire, Standard
from ..domain.wizard import NOTE_MAX_LENGTH, NOTHING_STORED, Stored
from ..i18n import Translator
from .helpers import step_view

VARIANTS = ("wizard", "participant")
TEMPLATE = "questions.html"

# The markers cannot come from a questionnaire's text: they carry a random part of this
# process's own, and a NUL character.
_MARK = "\x00" + secrets.token_hex(8)
_TOKEN = re.compile(re.escape(_MARK) + r"(?:\?([a-z-]+)\x1f([^\x00]*?)\x1f([^\x00]*?)\x00"
                    r"|=([a-z-]+)\x1f([^\x00]*?)\x00|(/)\x00)")
_CONDITIONS = ("checked", "hidden", "follow-up", "first-follow-up", "carried")
_VALUES = ("base", "note")

# (snapshot digest, step, language, variant) -> the parts: HTML, or what a request fills in.
_Part = str | tuple[str, str, str, str]
_rendered: dict[tuple[str, str, str, str], tuple[_Part, ...]] = {}


def question_fieldsets(questionnaire: Questionnaire, digest: str, standard: Standard,
                       locale: str, *, answers: Mapping[str, str], shown: Collection[str],
                       notes: Mapping[str, str] | None = None,
                       stored: Mapping[str, Stored] | None = None,
                       carried: Collection[str] = frozenset(),
                       follow_ups: Sequence[str] = (),
                       variant: str = "wizard") -> Markup:
    """Return the HTML of a step's questions: a fieldset per criterion, one per question.

    `digest` is the questionnaire snapshot's sha256 (the cache key, with the step's id,
    `locale` and `variant`); `answers` the recorded answers by question id, whose radio is
    checked; `shown` the ids of the questions shown (visible_questions): the others are
    `hidden disabled`, so that a browser without JavaScript neither shows nor sends them,
    and app.js shows them as answers change (it looks for them in a `form.step`).
    `follow_ups` are questions the last save brought up on this step: a message stands
    before the first and each gets the class `follow-up`.

    variant "wizard" (an assessment's step) also has, per question, the note field with
    `notes`, a hidden `base-<id>` field with what `stored` held when the page was opened
    (for the conflict check on saving), and the tags "Follow-up question" and "Carried
    over" (`carried`: ids carried over from the round before).

    variant "participant" (a workshop participant's step) has the radios only: no note
    field, no base revision, no tags; `notes`, `stored` and `carried` must not be given.

    Every value that comes from a request or the database is escaped.
    """
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}")
    if variant == "participant" and (notes or stored or carried):
        raise ValueError("a participant's page has no notes, base revisions or carried answers")
    key = (digest, standard.id, locale, variant)
    parts = _rendered.get(key)
    if parts is None:
        parts = _rendered[key] = _render(questionnaire, digest, standard, locale, variant)
    return _fill(parts, answers, shown, notes or {}, stored or {}, carried, follow_ups)


def _fill(parts: tuple[_Part, ...], answers: Mapping[str, str], shown: Collection[str],
          notes: Mapping[str, str], stored: Mapping[str, Stored], carried: Collection[str],
          follow_ups: Sequence[str]) -> Markup:
    first_follow_up = follow_ups[0] if follow_ups else None
    out: list[str] = []
    for part in parts:
        if part.__class__ is str:
            out.append(part)
            continue
        kind, question_id, arg, html = part
        if kind == "checked":
            if answers.get(question_id) == arg:
                out.append(html)
        elif kind == "hidden":
            if question_id not in shown:
                out.append(html)
        elif kind == "follow-up":
            if question_id in follow_ups:
                out.append(html)
        elif kind == "first-follow-up":
            if question_id == first_follow_up:
                out.append(html)
        elif kind == "carried":
            if question_id in carried:
                out.append(html)
        elif kind == "note":
            out.append(escape(notes.get(question_id, "")))
        else:  # base
            out.append(escape(stored.get(question_id, NOTHING_STORED).base.form_value()))
    return Markup("".join(out))


def _render(questionnaire: Questionnaire, digest: str, standard: Standard, locale: str,
            variant: str) -> tuple[_Part, ...]:
    """Render the template with markers, in `locale`, and cut it into parts."""
    html = current_app.jinja_env.get_template(TEMPLATE).render(
        criteria=step_view(questionnaire, digest, standard, locale), variant=variant,
        note_max_length=NOTE_MAX_LENGTH, when=_when, slot=_slot,
        # The language of the key, whatever the request's: _() looks gettext up here first.
        gettext=_gettext(Translator.for_locale(locale)),
    )
    return _parse(html)


def _when(kind: str, question_id: str, arg: str = "", caller: Any = None) -> Markup:
    """Mark a part of the page shown only when a condition on the answers holds."""
    if kind not in _CONDITIONS:
        raise ValueError(f"unknown condition {kind!r}")
    return Markup(f"{_MARK}?{kind}\x1f{question_id}\x1f{arg}\x00") + caller() \
        + Markup(f"{_MARK}/\x00")


def _slot(kind: str, question_id: str) -> Markup:
    """Mark where a value from the answers goes (escaped when it is filled in)."""
    if kind not in _VALUES:
        raise ValueError(f"unknown value {kind!r}")
    return Markup(f"{_MARK}={kind}\x1f{question_id}\x00")


def _parse(html: str) -> tuple[_Part, ...]:
    parts: list[_Part] = []
    position = 0
    opened: tuple[str, str, str, int] | None = None  # kind, question, arg, where its HTML began
    for match in _TOKEN.finditer(html):
        if opened is None and match.start() > position:
            parts.append(html[position:match.start()])
        if match[1]:
            if opened is not None:
                raise ValueError("when() parts cannot be nested")
            opened = (match[1], match[2], match[3], match.end())
        elif match[6]:
            if opened is None:
                raise ValueError("the end of a when() part that was not opened")
            parts.append((opened[0], opened[1], opened[2], html[opened[3]:match.start()]))
            opened = None
        else:
            if opened is not None:
                raise ValueError("a slot() inside a when() part")
            parts.append((match[4], match[5], "", ""))
        position = match.end()
    if opened is not None:
        raise ValueError("a when() part that was not closed")
    parts.append(html[position:])
    if any(_MARK[0] in part for part in parts if isinstance(part, str)):
        raise ValueError("a marker was left in the HTML")
    return tuple(part for part in parts if part)


def _gettext(translator: Translator):
    """Jinja's newstyle gettext (autoescaped, %(name)s filled in) in one language."""

    def gettext(message: str, **values: Any) -> Markup:
        return Markup(translator.catalog.gettext(message)) % values

    return gettext
