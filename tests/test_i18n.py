"""Languages: choosing one, remembering it, and complete catalogs for every shipped language."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from conftest import post, register, sign_in, sign_out, start_assessment

from kcs_assess.i18n import LANGUAGES, TRANSLATIONS_DIR, format_day, format_moment

SHIPPED = [code for code in LANGUAGES if code != "en"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]")


def html_tag(page: str) -> str:
    return re.search(r"<html[^>]*>", page).group(0)


def choose_language(client, locale: str, next_page: str = "/sign-in"):
    return post(client, "/language", {"locale": locale, "next": next_page})


def test_english_by_default(client):
    assert html_tag(client.get("/sign-in").get_data(as_text=True)) == '<html lang="en" dir="ltr">'


def test_accept_language_is_followed_when_nothing_was_chosen(client):
    page = client.get("/sign-in", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    assert html_tag(page.get_data(as_text=True)) == '<html lang="es" dir="ltr">'
    page = client.get("/sign-in", headers={"Accept-Language": "de-DE"})
    assert 'lang="en"' in html_tag(page.get_data(as_text=True))


def test_a_visitors_choice_is_remembered_over_accept_language(client):
    response = choose_language(client, "fr", "/register")
    assert response.status_code == 302 and response.headers["Location"] == "/register"
    page = client.get("/register", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert html_tag(page) == '<html lang="fr" dir="ltr">'


def test_arabic_pages_are_right_to_left(client):
    choose_language(client, "ar")
    assert html_tag(client.get("/sign-in").get_data(as_text=True)) == '<html lang="ar" dir="rtl">'


def test_a_signed_in_users_choice_follows_them_to_another_browser(app, client):
    register(client)
    choose_language(client, "ar", "/")
    sign_out(client)
    other_browser = app.test_client()
    sign_in(other_browser)
    assert 'lang="ar"' in html_tag(other_browser.get("/").get_data(as_text=True))


def test_the_language_survives_signing_out(client):
    register(client)
    choose_language(client, "es", "/")
    sign_out(client)
    assert 'lang="es"' in html_tag(client.get("/sign-in").get_data(as_text=True))


def test_an_unknown_language_is_refused(client):
    assert choose_language(client, "xx").status_code == 400


def test_the_switcher_never_redirects_to_another_site(client):
    assert choose_language(client, "fr", "https://evil.example/").headers["Location"] == "/"


@pytest.mark.parametrize("locale", SHIPPED)
def test_catalog_is_complete_with_matching_placeholders(locale: str):
    path = TRANSLATIONS_DIR / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        where = f"{message.context or ''} {ids[0][:50]!r}"
        if message.fuzzy:
            problems.append(f"fuzzy: {where}")
        if not all(strings):
            problems.append(f"untranslated: {where}")
        expected = sorted(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            if string and sorted(PLACEHOLDER.findall(string)) != expected:
                problems.append(f"placeholders differ: {where} -> {string[:50]!r}")
    assert problems == []


@pytest.mark.parametrize("locale", SHIPPED)
def test_catalog_holds_every_string_of_the_code_and_questionnaires(locale: str):
    with (TRANSLATIONS_DIR / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    with (TRANSLATIONS_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    missing = [m.id for m in template if m.id and (m.id, m.context) not in {
        (c.id, c.context) for c in catalog}]
    assert missing == [], "run: flask --app kcs_assess translate update"


def test_template_is_up_to_date_with_the_code(tmp_path: Path):
    """Every translatable string in the code and questionnaires is in messages.pot."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    root = TRANSLATIONS_DIR.parent
    with (root / "babel.cfg").open() as handle:
        method_map, _options = parse_mapping_cfg(handle)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "N_": None}
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
            str(root), method_map, keywords=keywords):
        found.add((message if isinstance(message, str) else message[0], context))
    with (TRANSLATIONS_DIR / "messages.pot").open("rb") as handle:
        template = {(m.id if isinstance(m.id, str) else m.id[0], m.context)
                    for m in read_po(handle) if m.id}
    assert found - template == set(), "run: flask --app kcs_assess translate update"


@pytest.mark.parametrize("locale", SHIPPED)
def test_compiled_catalog_matches_its_po_file(locale: str):
    folder = TRANSLATIONS_DIR / locale / "LC_MESSAGES"
    def entries(catalog):
        def flat(value):
            return tuple(value) if isinstance(value, (list, tuple)) else value

        # A compiled catalog leaves out untranslated and fuzzy entries.
        def translated(message) -> bool:
            strings = message.string if isinstance(message.string, (list, tuple)) \
                else [message.string]
            return bool(strings) and all(strings)

        def context(message):  # read_mo gives bytes where read_po gives text
            value = message.context
            return value.decode("utf-8") if isinstance(value, bytes) else value

        return {(flat(m.id), context(m)): flat(m.string) for m in catalog
                if m.id and not m.fuzzy and translated(m)}

    with (folder / "messages.po").open("rb") as handle:
        source = entries(read_po(handle, locale=locale))
    with (folder / "messages.mo").open("rb") as handle:
        compiled = entries(read_mo(handle))
    assert compiled == source, "run: flask --app kcs_assess translate compile"


@pytest.mark.parametrize(("locale", "yes"), [("fr", "Oui"), ("es", "Sí"), ("ar", "نعم")])
def test_the_wizard_speaks_the_chosen_language(client, locale: str, yes: str):
    from markupsafe import escape
    from test_wizard import ICSS

    from kcs_assess.domain.questionnaire import message_context
    from kcs_assess.i18n import translations

    choose_language(client, locale)
    register(client)
    assessment = start_assessment(client)
    page = client.get(f"/assessments/{assessment}/steps/policy").get_data(as_text=True)
    english = ICSS.questions_by_id["PL1.1"].text
    translated = translations(locale).pgettext(message_context("icss-core", "PL1.1", "text"),
                                               english)
    assert translated != english
    assert str(escape(translated)) in page and english not in page
    assert f"> {yes}</label>" in page


FAR_EAST = "Etc/GMT-14"  # UTC+14: 23:30 UTC on 1 December is already 2 December there


@pytest.fixture
def far_east_clock(monkeypatch):
    """Run a test on a machine whose local time zone is 14 hours ahead of UTC."""
    import time

    monkeypatch.setenv("TZ", FAR_EAST)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


SAVED = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)


@pytest.mark.parametrize(("locale", "day", "moment"), [
    ("en", "1 December 2026", "1 December 2026, 23:30 UTC"),
    ("fr", "1 décembre 2026", "1 décembre 2026, 23:30 UTC"),
    ("es", "1 de diciembre de 2026", "1 de diciembre de 2026, 23:30 UTC"),
    ("ar", "1 ديسمبر 2026", "1 ديسمبر 2026، 23:30 UTC"),
])
def test_one_date_form_per_language_with_the_month_named(far_east_clock, locale, day, moment):
    assert format_day(SAVED, locale) == day
    assert format_day(SAVED.date(), locale) == day
    assert format_moment(SAVED, locale) == moment
    # A timestamp in another zone shows the same UTC moment.
    assert format_moment(SAVED.astimezone(timezone(timedelta(hours=-5))), locale) == moment


def test_dates_follow_the_language(client, far_east_clock):
    from sqlalchemy import update

    from kcs_assess.extensions import db
    from kcs_assess.models import Assessment

    choose_language(client, "fr")
    register(client)
    assessment = start_assessment(client)
    with client.application.app_context():
        db.session.execute(update(Assessment).values(updated_at=SAVED))
        db.session.commit()
    listing = client.get("/").get_data(as_text=True)
    overview = client.get(f"/assessments/{assessment}").get_data(as_text=True)
    assert ">1 décembre 2026</td>" in listing
    assert "dernier enregistrement\u00a0: 1 décembre 2026, 23:30 UTC" in overview
