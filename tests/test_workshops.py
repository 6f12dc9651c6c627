"""Workshops: create, join with a code, answer without an account, the room view and its
minimum-answers rule, the JSON's ETag, closing, exports, the draft, purge, and privacy."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from conftest import colleague, current_organisation_id, post, post_with_page_token, register
from sqlalchemy import event, func, select, update
from sqlalchemy.exc import IntegrityError

from kcs_assess.domain import workshop as rooms
from kcs_assess.domain.wizard import StepInput
from kcs_assess.extensions import db
from kcs_assess.i18n import LANGUAGES
from kcs_assess.models import (
    WORKSHOP_CODE_ALPHABET,
    Answer,
    AuditEvent,
    Participant,
    ParticipantAnswer,
    Workshop,
    utcnow,
)
from kcs_assess.services import transaction, workshops

FIRST = "QPL1.1"  # the quick check's first question (policy)
SECOND = "QPL1.2"


def create(client, **fields) -> int:
    """Create a workshop as the signed-in user; return its id."""
    data = {"title": "Safeguarding training, Bamako", "questionnaire": "quick-check",
            "languages": list(LANGUAGES), "min_answers": "5", "hours_open": "4", **fields}
    response = post(client, "/workshops/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def code_of(app, workshop_id: int) -> str:
    with app.app_context():
        return db.session.get(Workshop, workshop_id).code


def join(app, code: str, language: str = "en", group: str | None = None):
    """Return a new phone that joined the workshop (no account)."""
    phone = app.test_client()
    assert phone.get(f"/join/{code}").status_code == 302
    page = phone.get(f"/w/{code}/start")
    assert page.status_code == 200, page.get_data(as_text=True)
    data = {"language": language, **({"group": group} if group else {})}
    response = post_with_page_token(phone, f"/w/{code}/start", page.get_data(as_text=True), data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return phone


def answer(phone, code: str, standard: str, answers: dict[str, str], go: str = "next"):
    return post(phone, f"/w/{code}/steps/{standard}",
                {**{f"answer-{q}": a for q, a in answers.items()}, "go": go})


def seed(app, workshop_id: int, sheets: list[dict[str, str]], group: str | None = None) -> None:
    """Add participants with their answers straight through the service (many, quickly)."""
    with app.app_context():
        workshop = db.session.get(Workshop, workshop_id)
        questionnaire = workshops.questionnaire_for(workshop)
        for answers in sheets:
            with transaction.write():
                participant, _ = workshops.join(workshop, "en", group)
                workshops.ParticipantSheet(participant, questionnaire).save(
                    questionnaire.standards[0], StepInput(answers, {}))
        db.session.remove()


def stored(app, phone_answers_of: int | None = None) -> dict[int, dict[str, str]]:
    """Every participant's stored answers, by participant id."""
    with app.app_context():
        rows = db.session.execute(select(ParticipantAnswer.participant_id,
                                         ParticipantAnswer.question_id,
                                         ParticipantAnswer.value)).all()
    found: dict[int, dict[str, str]] = {}
    for participant_id, question_id, value in rows:
        found.setdefault(participant_id, {})[question_id] = value
    return found


def question_block(html: str, question_id: str) -> str:
    """The room view's part about one question."""
    start = html.index(f'id="rq-{question_id}"')
    end = html.find('<div class="rq"', start)
    return html[start:end if end != -1 else len(html)]


def room_json(client, workshop_id: int, **query):
    response = client.get(f"/workshops/{workshop_id}/room.json", query_string=query)
    assert response.status_code == 200
    return json.loads(response.get_data(as_text=True))


def csv_rows(client, workshop_id: int) -> list[list[str]]:
    response = client.get(f"/workshops/{workshop_id}/export.csv?lang=en")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.execute(
            select(AuditEvent.action).where(AuditEvent.object_type == "workshop")
            .order_by(AuditEvent.id)).scalars())


# -- creating ----------------------------------------------------------------------------


def test_a_new_workshop_offers_the_quick_check_five_answers_four_hours_and_every_language(
        app, member):
    page = member.get("/workshops/new").get_data(as_text=True)
    assert re.search(r'value="quick-check" checked', page)
    assert re.search(r'name="min_answers"[^>]*value="5"', page)
    assert re.search(r'name="hours_open"[^>]*value="4"', page)
    for code in LANGUAGES:
        assert re.search(rf'name="languages" value="{code}" checked', page)
    response = post(member, "/workshops/new", {"title": "Induction week",
                                                "questionnaire": "quick-check",
                                                "languages": list(LANGUAGES),
                                                "min_answers": "5", "hours_open": "4"})
    assert response.status_code == 302
    with app.app_context():
        workshop = db.session.execute(select(Workshop)).scalar_one()
        assert workshop.questionnaire_version.questionnaire_id == "quick-check"
        assert workshop.min_answers == 5
        assert workshop.closes_at - workshop.created_at == timedelta(hours=4)
        assert workshop.language_list == ["en", "fr", "es", "ar"]
        assert workshop.group_question is None
        assert len(workshop.code) == 6 and set(workshop.code) <= set(WORKSHOP_CODE_ALPHABET)
        code, workshop_id = workshop.code, workshop.id
    assert response.headers["Location"] == f"/workshops/{workshop_id}"
    projector = member.get(response.headers["Location"]).get_data(as_text=True)
    assert code in projector and "<svg" in projector and "http://localhost/join" in projector
    assert audit_actions(app) == ["workshop_created"]
    assert "Induction week" in member.get("/workshops").get_data(as_text=True)


def test_fewer_than_three_answers_before_showing_is_refused(app, member):
    response = post(member, "/workshops/new", {"title": "Tiny room",
                                                "questionnaire": "quick-check",
                                                "languages": ["en"], "min_answers": "2",
                                                "hours_open": "4"})
    assert response.status_code == 422
    assert "Between 3 and 100 answers" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(func.count(Workshop.id))).scalar_one() == 0
    workshop_id = create(member, min_answers="3")
    with app.app_context(), pytest.raises(IntegrityError):  # the database refuses it too
        db.session.execute(update(Workshop).where(Workshop.id == workshop_id)
                           .values(min_answers=2))
        db.session.commit()


def test_groups_need_a_question_and_at_least_two_options(member):
    base = {"title": "Groups", "questionnaire": "quick-check", "languages": ["en"],
            "min_answers": "5", "hours_open": "4"}
    response = post(member, "/workshops/new", {**base, "group_question": "Your role",
                                                "group_options": "Manager"})
    assert response.status_code == 422
    assert "at least two groups" in response.get_data(as_text=True)
    response = post(member, "/workshops/new", {**base, "group_options": "Manager\nStaff"})
    assert response.status_code == 422
    assert post(member, "/workshops/new", {**base, "languages": []}).status_code == 422
    assert post(member, "/workshops/new", {**base, "hours_open": "73"}).status_code == 422


# -- joining -----------------------------------------------------------------------------


def test_a_code_joins_however_it_is_typed(app, member):
    code = code_of(app, create(member))
    phone = app.test_client()
    typed = f" {code[:3].lower()} {code[3:].lower()} "
    response = post(phone, "/join", {"code": typed})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/w/{code}/start"
    assert phone.get(f"/join/{code.lower()}").headers["Location"] == f"/w/{code}/start"


def test_a_wrong_code_says_so(app, member):
    code = code_of(app, create(member))
    wrong = "AAAAAA" if code != "AAAAAA" else "CCCCCC"
    phone = app.test_client()
    for typed in (wrong, "0OI1L5", "abc"):
        response = post(phone, "/join", {"code": typed})
        assert response.status_code == 422
        assert "No open workshop has this code" in response.get_data(as_text=True)
    assert phone.get(f"/join/{wrong}").status_code == 404
    assert phone.get(f"/w/{wrong}/start").status_code == 404


def test_an_expired_or_closed_workshop_cannot_be_joined(app, member):
    expired = create(member, title="Yesterday")
    closed = create(member, title="Closed early")
    with app.app_context():
        db.session.execute(update(Workshop).where(Workshop.id == expired)
                           .values(closes_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    assert post(member, f"/workshops/{closed}/close").status_code == 302
    for workshop_id in (expired, closed):
        code = code_of(app, workshop_id)
        phone = app.test_client()
        response = post(phone, "/join", {"code": code})
        assert response.status_code == 422
        assert "This workshop is closed" in response.get_data(as_text=True)
        assert phone.get(f"/join/{code}").status_code == 410
        page = phone.get(f"/w/{code}/start")
        assert page.status_code == 410 and "This workshop is closed" in page.get_data(
            as_text=True)
    with app.app_context():
        assert db.session.execute(select(func.count(Participant.id))).scalar_one() == 0


def test_guessing_codes_is_rate_limited_wherever_a_code_is_tried(another_app):
    app = another_app(RATE_LIMIT_WORKSHOP_JOIN="3 per hour")
    trainer = app.test_client()
    register(trainer)
    code = code_of(app, create(trainer))
    for _ in range(3):  # joining with the right code is not counted
        join(app, code)
    guesser = app.test_client()
    assert post(guesser, "/join", {"code": "XXXXXX"}).status_code == 422
    assert guesser.get("/join/YYYYYY").status_code == 404
    assert guesser.get("/w/WWWWWW/start").status_code == 404  # the same count
    response = post(guesser, "/join", {"code": code})  # even the right code waits now
    assert response.status_code == 429
    assert guesser.get(f"/join/{code}").status_code == 429


def test_participants_choose_among_the_workshops_languages_and_groups(app, member):
    code = code_of(app, create(member, languages=["fr", "ar"], group_question="Your role",
                               group_options="Manager\nStaff\n=1+1"))
    phone = app.test_client()
    page = phone.get(f"/w/{code}/start").get_data(as_text=True)
    assert 'value="fr"' in page and 'value="ar"' in page and 'value="en"' not in page
    assert "Your role" in page and 'value="Staff"' in page
    html = page
    for data in ({"language": "en", "group": "Staff"}, {"language": "fr", "group": "Boss"},
                 {"language": "fr"}):
        assert post_with_page_token(phone, f"/w/{code}/start", html, data).status_code == 422
    response = post_with_page_token(phone, f"/w/{code}/start", html,
                                    {"language": "ar", "group": "Staff"})
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and f"Path=/w/{code}" in cookie
    step = phone.get(response.headers["Location"])
    html = step.get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert step.headers["Cache-Control"] == "no-store"
    with app.app_context():
        participant = db.session.execute(select(Participant)).scalar_one()
        assert (participant.language, participant.group_option) == ("ar", "Staff")
    # With the cookie, the start page leads straight back to the questions.
    assert phone.get(f"/w/{code}/start").headers["Location"] == f"/w/{code}/steps/policy"


# -- answering ---------------------------------------------------------------------------


def test_a_participant_answers_the_whole_questionnaire_without_javascript(app, member):
    from test_wizard import QUICK

    workshop_id = create(member)
    code = code_of(app, workshop_id)
    phone = join(app, code)
    standards = [s.id for s in QUICK.standards]
    for index, standard in enumerate(QUICK.standards):
        page = phone.get(f"/w/{code}/steps/{standard.id}").get_data(as_text=True)
        assert 'name="note-' not in page  # answers only: no free text
        answers = {q.id: "yes" for q in standard.questions
                   if q.show_if is None and "yes" in q.options}
        response = answer(phone, code, standard.id, answers)
        if standard.id == "procedures":  # QPR3.1 "yes" brings up two follow-up questions
            location = response.headers["Location"]
            assert location.startswith(f"/w/{code}/steps/procedures?new=QPR3.2&new=QPR3.3")
            again = phone.get(location).get_data(as_text=True)
            assert "Your answers brought up follow-up questions" in again
            assert 'id="q-QPR3.2" data-show-if' in again and "hidden disabled" not in \
                again[again.index('id="q-QPR3.2"'):again.index('id="q-QPR3.3"')]
            response = answer(phone, code, standard.id, {"QPR3.2": "no", "QPR3.3": "no"})
        following = (f"/w/{code}/steps/{standards[index + 1]}" if index + 1 < len(standards)
                     else f"/w/{code}/done")
        assert response.headers["Location"] == following
    done = phone.get(f"/w/{code}/done")
    assert done.status_code == 200 and "Your answers are in" in done.get_data(as_text=True)
    assert done.headers["Cache-Control"] == "no-store"
    [sheet] = stored(app).values()
    assert sheet["QPR3.2"] == "no" and len(sheet) == len(QUICK.questions)
    figures = room_json(member, workshop_id)
    assert (figures["joined"], figures["answered"], figures["finished"]) == (1, 1, 1)
    # Going back shows the answers given; back from the second step leads to the first.
    page = phone.get(f"/w/{code}/steps/policy").get_data(as_text=True)
    assert f'name="answer-{FIRST}" value="yes" checked' in page
    assert answer(phone, code, "people", {}, go="back").headers["Location"] == \
        f"/w/{code}/steps/policy"


def test_answers_that_a_changed_answer_hides_are_deleted(app, member):
    code = code_of(app, create(member))
    phone = join(app, code)
    answer(phone, code, "procedures", {"QPR3.1": "yes"})
    answer(phone, code, "procedures", {"QPR3.1": "yes", "QPR3.2": "partly", "QPR3.3": "no"})
    [sheet] = stored(app).values()
    assert {"QPR3.2", "QPR3.3"} <= set(sheet)
    response = answer(phone, code, "procedures", {"QPR3.1": "no", "QPR3.2": "yes"})
    assert response.status_code == 302
    [sheet] = stored(app).values()
    assert sheet == {"QPR3.1": "no"}


def test_a_participant_cannot_send_notes_or_answers_of_another_step(app, member):
    code = code_of(app, create(member))
    phone = join(app, code)
    response = post(phone, f"/w/{code}/steps/policy",
                    {f"answer-{FIRST}": "yes", f"note-{FIRST}": "My manager told me", "go": "next"})
    assert response.status_code == 400
    assert answer(phone, code, "policy", {"QPR3.1": "yes"}).status_code == 400
    assert answer(phone, code, "policy", {FIRST: "maybe"}).status_code == 400
    assert stored(app) == {}


def test_one_participant_never_sees_anothers_answers(app, member):
    workshop_id = create(member)
    code = code_of(app, workshop_id)
    first = join(app, code)
    answer(first, code, "policy", {FIRST: "no", SECOND: "partly"})
    second = join(app, code)
    page = second.get(f"/w/{code}/steps/policy").get_data(as_text=True)
    assert not re.search(r'value="\w+" checked', page)
    # The first phone's cookie opens nothing in another workshop.
    other_code = code_of(app, create(member, title="Another room"))
    first.set_cookie(f"kcs_workshop_{workshop_id + 1}", first.get_cookie(
        f"kcs_workshop_{workshop_id}", path=f"/w/{code}").value, path=f"/w/{other_code}")
    assert first.get(f"/w/{other_code}/steps/policy").headers["Location"] == \
        f"/w/{other_code}/start"
    assert len(re.findall(r'value="\w+" checked', first.get(f"/w/{code}/steps/policy")
                          .get_data(as_text=True))) == 2


def test_participants_cannot_read_the_room(app, member):
    workshop_id = create(member)
    code = code_of(app, workshop_id)
    phone = join(app, code)
    answer(phone, code, "policy", {FIRST: "yes"})
    for page in ("", "/room", "/room.json", "/export.csv", "/export.pdf", "/draft"):
        response = phone.get(f"/workshops/{workshop_id}{page}")
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/sign-in")
    someone = app.test_client()
    register(someone, email="someone@example.org", organisation_name="Other Hands")
    for page in ("", "/room", "/room.json", "/export.csv", "/draft"):
        assert someone.get(f"/workshops/{workshop_id}{page}").status_code == 404
    assert post(someone, f"/workshops/{workshop_id}/close").status_code == 404
    assert "Safeguarding training" not in someone.get("/workshops").get_data(as_text=True)


# -- the room ----------------------------------------------------------------------------


def test_nothing_of_a_question_is_shown_below_the_minimum_number_of_answers(app, member):
    workshop_id = create(member)
    seed(app, workshop_id, [{FIRST: "yes", SECOND: "no"}] * 3 + [{FIRST: "no"}])
    html = member.get(f"/workshops/{workshop_id}/room").get_data(as_text=True)
    block = question_block(html, FIRST)
    assert "Waiting for at least 5 answers" in block
    assert re.search(r'class="waiting"(?! hidden)', block)
    assert not re.search(r'data-count="\w+">[1-9]', block)
    assert 'data-total>0<' in block
    figures = room_json(member, workshop_id)
    assert figures["questions"][0] == {"id": FIRST, "shown": False}
    assert figures["joined"] == 4 and figures["discuss"] == [] and figures["score"] is None
    assert [row for row in csv_rows(member, workshop_id)[1:]] == []

    seed(app, workshop_id, [{FIRST: "no"}])
    html = member.get(f"/workshops/{workshop_id}/room").get_data(as_text=True)
    block = question_block(html, FIRST)
    assert 'data-count="yes">3<' in block and 'data-count="no">2<' in block
    assert re.search(r'class="waiting" hidden', block)
    assert "Waiting for at least 5 answers" in question_block(html, SECOND)
    figures = room_json(member, workshop_id)
    assert figures["questions"][0]["counts"] == {"yes": 3, "partly": 0, "no": 2,
                                                 "unknown": 0}
    assert figures["questions"][1] == {"id": SECOND, "shown": False}
    assert figures["discuss"] == [FIRST]
    rows = csv_rows(member, workshop_id)
    assert {row[2] for row in rows[1:]} == {FIRST}
    assert ["Whole room", "Policy", FIRST] == rows[1][:3] and rows[1][4:8] == ["Yes", "3", "60",
                                                                                "5"]


def test_each_group_has_the_minimum_and_never_reveals_a_smaller_one(app, member):
    workshop_id = create(member, group_question="Your role",
                         group_options="Manager\nStaff\nVolunteer")
    seed(app, workshop_id, [{FIRST: "yes"}] * 5, group="Manager")
    seed(app, workshop_id, [{FIRST: "no"}] * 4, group="Staff")
    # Nine in the room: shown. Staff (4) is below the minimum, and showing the managers
    # would give away the staff's answers (the room less the managers): both withheld.
    assert room_json(member, workshop_id)["questions"][0]["shown"] is True
    for group in ("Manager", "Staff", "Volunteer"):
        figures = room_json(member, workshop_id, group=group)
        assert figures["questions"][0] == {"id": FIRST, "shown": False}, group
        html = member.get(f"/workshops/{workshop_id}/room?group={group}").get_data(
            as_text=True)
        assert "Waiting for at least 5 answers" in question_block(html, FIRST)
    assert {row[0] for row in csv_rows(member, workshop_id)[1:]} == {"Whole room"}
    seed(app, workshop_id, [{FIRST: "no"}], group="Staff")
    assert room_json(member, workshop_id, group="Manager")["questions"][0]["counts"]["yes"] == 5
    assert room_json(member, workshop_id, group="Staff")["questions"][0]["counts"]["no"] == 5
    assert room_json(member, workshop_id, group="Volunteer")["questions"][0]["shown"] is False
    assert {row[0] for row in csv_rows(member, workshop_id)[1:]} == {"Whole room", "Manager",
                                                                      "Staff"}
    assert member.get(f"/workshops/{workshop_id}/room?group=Nobody").status_code == 404


def test_group_counts_withhold_the_smallest_group_that_would_give_away_the_rest():
    groups = {"A": {"q": {"yes": 5}}, "B": {"q": {"no": 6}}, "C": {"q": {"no": 2}}}
    kept = rooms.group_counts({"q": {"yes": 5, "no": 8}}, groups, 5)
    assert kept == {"A": {}, "B": {"q": {"no": 6}}, "C": {}}
    groups["C"] = {"q": {"no": 5}}
    kept = rooms.group_counts({"q": {"yes": 5, "no": 11}}, groups, 5)
    assert kept == groups


def test_the_room_json_is_revalidated_by_its_etag(app, member):
    workshop_id = create(member)
    seed(app, workshop_id, [{FIRST: "yes"}] * 5)
    url = f"/workshops/{workshop_id}/room.json"
    first = member.get(url)
    assert first.headers["Cache-Control"] == "no-cache"
    assert first.mimetype == "application/json"
    etag = first.headers["ETag"]
    unchanged = member.get(url, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.get_data() == b""
    seed(app, workshop_id, [{FIRST: "no"}])
    changed = member.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    compressed = member.get(url, headers={"Accept-Encoding": "gzip"})
    assert member.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match":
                                    compressed.headers["ETag"]}).status_code == 304


def test_the_room_json_takes_as_many_queries_for_fifty_participants_as_for_five(app, member):
    workshop_id = create(member, group_question="Your table", group_options="1\n2")
    url = f"/workshops/{workshop_id}/room.json"
    with app.app_context():
        engine = db.engine

    def statements(path: str) -> int:
        count = [0]

        def counting(*_args) -> None:
            count[0] += 1

        event.listen(engine, "before_cursor_execute", counting)
        try:
            assert member.get(path).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", counting)
        return count[0]

    sheets = [{FIRST: "yes", SECOND: "no"}, {FIRST: "no", SECOND: "partly"}]
    seed(app, workshop_id, sheets * 2, group="1")
    seed(app, workshop_id, sheets[:1], group="2")
    member.get(url)  # the questionnaire's snapshot is read once per process
    few = statements(url), statements(url + "?group=1")
    seed(app, workshop_id, sheets * 12, group="1")
    seed(app, workshop_id, sheets * 10 + sheets[:1], group="2")
    assert room_json(member, workshop_id)["joined"] == 50
    assert (statements(url), statements(url + "?group=1")) == few


# -- after the workshop ------------------------------------------------------------------


def test_closing_stops_the_answers(app, member):
    workshop_id = create(member)
    code = code_of(app, workshop_id)
    phone = join(app, code)
    answer(phone, code, "policy", {FIRST: "yes"})
    assert post(member, f"/workshops/{workshop_id}/close").status_code == 302
    response = answer(phone, code, "policy", {FIRST: "no"})
    assert response.status_code == 400
    assert "This workshop is closed" in response.get_data(as_text=True)
    assert list(stored(app).values()) == [{FIRST: "yes"}]
    page = phone.get(f"/w/{code}/steps/policy")
    assert page.status_code == 410 and "This workshop is closed" in page.get_data(as_text=True)
    assert phone.get(f"/w/{code}/done").status_code == 410
    assert "Close the workshop now" not in member.get(f"/workshops/{workshop_id}").get_data(
        as_text=True)
    assert post(member, f"/workshops/{workshop_id}/close").status_code == 302  # no-op
    assert audit_actions(app) == ["workshop_created", "workshop_closed"]
    assert room_json(member, workshop_id)["open"] is False


def test_the_exports_escape_what_a_spreadsheet_would_run_and_are_in_the_log(app, member):
    workshop_id = create(member, group_question="Your role", group_options="=HYPERLINK(1)\n-2")
    seed(app, workshop_id, [{FIRST: "yes"}] * 5, group="=HYPERLINK(1)")
    seed(app, workshop_id, [{FIRST: "partly"}] * 5, group="-2")
    rows = csv_rows(member, workshop_id)
    assert {row[0] for row in rows[1:]} == {"Whole room", "'=HYPERLINK(1)", "'-2"}
    french = member.get(f"/workshops/{workshop_id}/export.csv?lang=fr")
    assert french.status_code == 200 and "Oui" in french.get_data(as_text=True)
    assert member.get(f"/workshops/{workshop_id}/export.csv?lang=xx").status_code == 404
    with app.app_context(), transaction.write():  # created by a trainer working in Spanish
        db.session.get(Workshop, workshop_id).locale = "es"
    spanish = member.get(f"/workshops/{workshop_id}/export.csv")
    assert spanish.status_code == 200 and "Sí" in spanish.get_data(as_text=True)
    pdf = member.get(f"/workshops/{workshop_id}/export.pdf?lang=ar")
    assert pdf.status_code == 200 and pdf.get_data().startswith(b"%PDF")
    assert audit_actions(app) == ["workshop_created"] + ["workshop_exported"] * 4


def test_the_room_becomes_a_draft_with_the_answers_the_trainer_agrees(app, member):
    workshop_id = create(member)
    seed(app, workshop_id, [{FIRST: "yes", SECOND: "no", "QPR3.1": "yes", "QPR3.2": "yes"}] * 3
         + [{FIRST: "no", SECOND: "partly", "QPR3.1": "yes", "QPR3.2": "no"}] * 2)
    page = member.get(f"/workshops/{workshop_id}/draft").get_data(as_text=True)
    assert f'name="answer-{FIRST}" value="yes" checked' in page
    assert f'name="answer-{SECOND}" value="no" checked' in page
    assert "QPL2.3" not in page  # nobody answered it: nothing to agree on
    organisation_id = current_organisation_id(member)
    response = post(member, f"/workshops/{workshop_id}/draft", {
        "organisation": str(organisation_id), "label": "Workshop, December",
        f"answer-{FIRST}": "partly", f"answer-{SECOND}": "no", "answer-QPR3.1": "no",
        "answer-QPR3.2": "yes"})
    assert response.status_code == 302
    assessment_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert response.headers["Location"] == f"/assessments/{assessment_id}"
    with app.app_context():
        answers = dict(db.session.execute(select(Answer.question_id, Answer.value).where(
            Answer.assessment_id == assessment_id)).all())
    # QPR3.1 "no" hides QPR3.2: its answer is left out, as a participant's would be.
    assert answers == {FIRST: "partly", SECOND: "no", "QPR3.1": "no"}
    step = member.get(f"/assessments/{assessment_id}/steps/policy").get_data(as_text=True)
    assert f'name="answer-{FIRST}" value="partly" checked' in step
    assert "Workshop, December" in member.get("/").get_data(as_text=True)
    assert audit_actions(app)[-1] == "workshop_converted"


def test_a_draft_takes_only_shown_questions_and_an_organisation_the_trainer_answers_for(
        app, member):
    workshop_id = create(member)
    seed(app, workshop_id, [{FIRST: "yes", SECOND: "no"}] * 4 + [{FIRST: "yes"}])
    organisation_id = current_organisation_id(member)
    response = post(member, f"/workshops/{workshop_id}/draft", {
        "organisation": str(organisation_id), "label": "Draft", f"answer-{SECOND}": "no"})
    assert response.status_code == 400  # four answers: the room never showed it
    viewer = colleague(app, member, "viewer@example.org", "viewer")
    own = create(viewer, title="The viewer's workshop")
    seed(app, own, [{FIRST: "yes"}] * 5)
    assert "Set up an organisation" in viewer.get(f"/workshops/{own}/draft").get_data(
        as_text=True)
    response = post(viewer, f"/workshops/{own}/draft", {
        "organisation": str(organisation_id), "label": "Draft", f"answer-{FIRST}": "yes"})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.execute(select(func.count(Answer.id))).scalar_one() == 0


def test_purge_deletes_the_participants_and_keeps_the_room(app, member):
    from kcs_assess.cli import workshops as command

    old = create(member, title="Last month")
    recent = create(member, title="Last week")
    seed(app, old, [{FIRST: "yes", SECOND: "no"}] * 4 + [{FIRST: "no", SECOND: "no"}])
    seed(app, recent, [{FIRST: "yes"}] * 2)
    for workshop_id in (old, recent):
        assert post(member, f"/workshops/{workshop_id}/close").status_code == 302
    with app.app_context():
        db.session.execute(update(Workshop).where(Workshop.id == old).values(
            closed_at=utcnow() - timedelta(days=31)))
        db.session.execute(update(Workshop).where(Workshop.id == recent).values(
            closed_at=utcnow() - timedelta(days=29)))
        db.session.commit()
    before = member.get(f"/workshops/{old}/room.json").get_data()
    page_before = member.get(f"/workshops/{old}/room").get_data(as_text=True)
    result = app.test_cli_runner().invoke(command, ["purge"])
    assert result.exit_code == 0, result.output
    assert "1 workshops purged: 5 participants and 10 answers deleted" in result.output
    with app.app_context():
        left = db.session.execute(select(Participant.workshop_id)).scalars().all()
        assert set(left) == {recent} and len(left) == 2
        assert db.session.execute(select(func.count()).select_from(ParticipantAnswer)
                                  ).scalar_one() == 2
        assert db.session.get(Workshop, old).purged_at is not None
    assert member.get(f"/workshops/{old}/room.json").get_data() == before
    page = member.get(f"/workshops/{old}/room").get_data(as_text=True)
    assert question_block(page, FIRST) == question_block(page_before, FIRST)
    assert 'data-count="yes">4<' in question_block(page, FIRST)
    assert len(csv_rows(member, old)) > 1
    assert "Last month</bdi></a>" in member.get("/workshops").get_data(as_text=True)
    again = app.test_cli_runner().invoke(command, ["purge"])
    assert again.exit_code == 0 and "0 workshops purged" in again.output
    assert audit_actions(app).count("workshop_purged") == 1


def test_the_page_of_an_unknown_or_anothers_workshop_is_not_found(app, member):
    assert member.get("/workshops/999").status_code == 404
    assert member.get("/workshops/999/room.json").status_code == 404


def test_a_trainers_workshops_are_in_their_account_activity_not_in_their_organisations_log(
        app, member):
    workshop_id = create(member, title="Training for another NGO")
    post(member, f"/workshops/{workshop_id}/close")
    activity = member.get("/account").get_data(as_text=True)
    assert "Created the workshop “Training for another NGO”" in activity
    assert "Closed the workshop “Training for another NGO”" in activity
    log = member.get(f"/organisations/{current_organisation_id(member)}/audit")
    assert "Training for another NGO" not in log.get_data(as_text=True)


def test_a_workshop_can_be_kept_open_longer_or_opened_again_and_phones_keep_their_place(
        app, member):
    workshop_id = create(member, hours_open="1")
    code = code_of(app, workshop_id)
    phone = join(app, code)
    answer(phone, code, "policy", {FIRST: "yes"})
    with app.app_context():
        before = db.session.get(Workshop, workshop_id).closes_at
    response = post(member, f"/workshops/{workshop_id}/keep-open", {"hours": "2"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Workshop, workshop_id).closes_at == before + timedelta(hours=2)
    assert "open until" in member.get(f"/workshops/{workshop_id}").get_data(as_text=True)

    # Closed (or run out), it opens again for hours from now; the phone finds its answers.
    post(member, f"/workshops/{workshop_id}/close")
    assert answer(phone, code, "policy", {FIRST: "no"}).status_code == 400
    page = member.get(f"/workshops/{workshop_id}").get_data(as_text=True)
    assert "Open again" in page
    assert post(member, f"/workshops/{workshop_id}/keep-open", {"hours": "3"}).status_code == 302
    with app.app_context():
        reopened = db.session.get(Workshop, workshop_id)
        assert reopened.closed_at is None
        assert abs(reopened.closes_at - utcnow() - timedelta(hours=3)) < timedelta(minutes=1)
    assert answer(phone, code, "policy", {FIRST: "no"}).status_code == 302
    assert list(stored(app).values()) == [{FIRST: "no"}]
    assert room_json(member, workshop_id)["joined"] == 1  # the same phone, not a new one
    assert audit_actions(app) == ["workshop_created", "workshop_kept_open", "workshop_closed",
                                  "workshop_kept_open"]


def test_keeping_a_workshop_open_is_bounded_and_refused_once_purged(app, member):
    workshop_id = create(member)
    for hours in ("0", "73", "many"):
        response = post(member, f"/workshops/{workshop_id}/keep-open", {"hours": hours})
        assert response.status_code == 400
    post(member, f"/workshops/{workshop_id}/keep-open", {"hours": "72"})
    with app.app_context():
        closes = db.session.get(Workshop, workshop_id).closes_at
        assert closes - utcnow() <= timedelta(hours=72)  # never more than 72 hours ahead
    post(member, f"/workshops/{workshop_id}/close")
    with app.app_context(), transaction.write():
        workshops.purge(utcnow() + timedelta(days=31), timedelta(days=30))
    response = post(member, f"/workshops/{workshop_id}/keep-open", {"hours": "2"},
                    follow_redirects=True)
    assert "cannot be opened again" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Workshop, workshop_id).closed_at is not None
