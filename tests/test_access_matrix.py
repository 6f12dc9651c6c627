"""Every route of the url map, tried by every kind of visitor: who may do what, on the server.

A new route without an entry in MATRIX fails `test_every_route_has_an_entry`. A request
that is refused (403, 404 or the sign-in page) must leave the database exactly as it was.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import (
    colleague,
    current_organisation_id,
    make_app,
    migrate_to_head,
    post,
    register,
    start_assessment,
    submit_assessment,
)
from sqlalchemy import select, text

from kcs_assess.extensions import db
from kcs_assess.models import (
    Action,
    Grant,
    Invitation,
    Membership,
    User,
    UserSession,
    Workshop,
)

PERSONAS = ("anonymous", "outsider", "adviser", "viewer", "editor", "admin")
SIGN_IN = "sign-in"  # a redirect to the sign-in page
OK = "ok"  # allowed: anything but 403, 404, 405, 5xx and the sign-in page
FORBIDDEN, HIDDEN = 403, 404

# (endpoint, method) -> the outcome for each persona, in PERSONAS order. The outsider is the
# admin of another organisation; the adviser holds a grant (results and plan only) from the
# organisation under test; viewer, editor and admin are its members.
MEMBERS_ONLY = (SIGN_IN, HIDDEN, HIDDEN, OK, OK, OK)
RESULTS = (SIGN_IN, HIDDEN, OK, OK, OK, OK)  # an adviser's grant reads these
ANSWERS = (SIGN_IN, HIDDEN, FORBIDDEN, OK, OK, OK)  # not with a results-only grant
EDITORS = (SIGN_IN, HIDDEN, FORBIDDEN, FORBIDDEN, OK, OK)
ADMINS = (SIGN_IN, HIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK)
ORGANISATION_ADMINS = (SIGN_IN, HIDDEN, HIDDEN, FORBIDDEN, FORBIDDEN, OK)
SIGNED_IN = (SIGN_IN, OK, OK, OK, OK, OK)
ANYONE = (OK,) * 6
TRAINER = (SIGN_IN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, OK)  # the admin runs the workshop
MATRIX: dict[tuple[str, str], tuple[object, ...]] = {
    ("static", "GET"): ANYONE,
    ("operations.health", "GET"): ANYONE,
    ("assess.index", "GET"): ANYONE,  # the front page for visitors
    ("assess.new", "GET"): (SIGN_IN, OK, FORBIDDEN, FORBIDDEN, OK, OK),
    ("assess.new", "POST"): (SIGN_IN, OK, FORBIDDEN, FORBIDDEN, OK, OK),
    ("assess.overview", "GET"): RESULTS,
    ("assess.step", "GET"): ANSWERS,
    ("assess.step", "POST"): EDITORS,
    ("assess.check", "GET"): ANSWERS,
    ("assess.check", "POST"): EDITORS,
    ("assess.reopen", "GET"): ADMINS,
    ("assess.reopen", "POST"): ADMINS,
    ("assess.delete", "GET"): ADMINS,
    ("assess.delete", "POST"): ADMINS,
    ("results.show", "GET"): RESULTS,
    ("results.plan_pdf", "GET"): RESULTS,
    ("results.blank_pdf", "GET"): ANYONE,
    ("rounds.next_round", "GET"): EDITORS,
    ("rounds.next_round", "POST"): EDITORS,
    ("rounds.compare", "GET"): RESULTS,
    ("rounds.compare_pdf", "GET"): RESULTS,
    ("rounds.trend", "GET"): RESULTS,
    ("actions.plan", "GET"): RESULTS,
    ("actions.edit", "GET"): RESULTS,
    ("actions.edit", "POST"): EDITORS,
    ("actions.comment", "POST"): EDITORS,
    ("exports.assessment", "GET"): ANSWERS,
    ("advisers.portfolio", "GET"): SIGNED_IN,
    ("advisers.portfolio_export", "GET"): SIGNED_IN,
    ("advisers.invite", "POST"): ORGANISATION_ADMINS,
    ("advisers.revoke", "POST"): ORGANISATION_ADMINS,
    ("auth.register", "GET"): ANYONE,
    ("auth.register", "POST"): ANYONE,
    ("auth.check_email", "GET"): ANYONE,
    ("auth.confirm_registration", "GET"): ANYONE,
    ("auth.confirm_registration", "POST"): ANYONE,
    ("auth.sign_in", "GET"): ANYONE,
    ("auth.sign_in", "POST"): ANYONE,
    ("auth.sign_out", "POST"): SIGNED_IN,
    ("auth.forgot_password", "GET"): ANYONE,
    ("auth.forgot_password", "POST"): ANYONE,
    ("auth.reset_password", "GET"): ANYONE,
    ("auth.reset_password", "POST"): ANYONE,
    ("language.choose", "POST"): ANYONE,
    ("account.show", "GET"): SIGNED_IN,
    ("account.change_name", "POST"): SIGNED_IN,
    ("account.change_language", "POST"): SIGNED_IN,
    ("account.change_email", "POST"): SIGNED_IN,
    ("account.change_password", "POST"): SIGNED_IN,
    # The session named in the url is the admin's: anyone else's attempt finds nothing.
    ("account.end_session", "POST"): (SIGN_IN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, OK),
    ("account.end_all_sessions", "POST"): SIGNED_IN,
    ("account.confirm_email", "GET"): SIGNED_IN,
    ("account.confirm_email", "POST"): SIGNED_IN,
    ("teams.show", "GET"): MEMBERS_ONLY,
    ("teams.update_details", "POST"): ORGANISATION_ADMINS,
    ("teams.change_role", "POST"): ORGANISATION_ADMINS,
    ("teams.remove_member", "POST"): ORGANISATION_ADMINS,
    ("teams.leave", "POST"): MEMBERS_ONLY,
    ("teams.invite", "POST"): ORGANISATION_ADMINS,
    ("teams.renew_invitation", "POST"): ORGANISATION_ADMINS,
    ("teams.revoke_invitation", "POST"): ORGANISATION_ADMINS,
    ("teams.audit_log", "GET"): ORGANISATION_ADMINS,
    ("teams.upload_logo", "POST"): ORGANISATION_ADMINS,
    ("teams.remove_logo", "POST"): ORGANISATION_ADMINS,
    ("teams.logo", "GET"): ORGANISATION_ADMINS,
    ("teams.new", "GET"): SIGNED_IN,
    ("teams.new", "POST"): SIGNED_IN,
    ("teams.switch", "POST"): MEMBERS_ONLY,
    # The token in the url is not an invitation's: nobody finds anything there.
    ("teams.accept", "GET"): (HIDDEN,) * 6,
    ("teams.accept", "POST"): (HIDDEN,) * 6,
    ("workshops.index", "GET"): SIGNED_IN,
    ("workshops.new", "GET"): SIGNED_IN,
    ("workshops.new", "POST"): SIGNED_IN,
    ("workshops.show", "GET"): TRAINER,
    ("workshops.room", "GET"): TRAINER,
    ("workshops.room_json", "GET"): TRAINER,
    ("workshops.close", "POST"): TRAINER,
    ("workshops.keep_open", "POST"): TRAINER,
    ("workshops.export_csv", "GET"): TRAINER,
    ("workshops.export_pdf", "GET"): TRAINER,
    ("workshops.draft", "GET"): TRAINER,
    ("workshops.draft", "POST"): TRAINER,
    # Participants have no account: the code (and their cookie) is what lets them in.
    ("workshops.join", "GET"): ANYONE,
    ("workshops.join", "POST"): ANYONE,
    ("workshops.join_code", "GET"): ANYONE,
    ("workshops.start", "GET"): ANYONE,
    ("workshops.start", "POST"): ANYONE,
    ("workshops.step", "GET"): ANYONE,  # without a participant's cookie: to the start
    ("workshops.step", "POST"): ANYONE,
    ("workshops.done", "GET"): ANYONE,
}

# Form fields a real page would send, so that an allowed request gets past validation.
FORMS: dict[str, dict[str, str]] = {
    "assess.new": {"label": "Matrix", "questionnaire": "quick-check"},
    "assess.step": {"answer-{first_question}": "no", "go": "later"},
    "assess.reopen": {"reason": "Matrix test"},
    "language.choose": {"locale": "fr", "next": "/"},
    "teams.update_details": {"organisation_name": "Renamed", "organisation_type": "ngo",
                             "country": "ML"},
    "teams.change_role": {"role": "viewer"},
    "teams.invite": {"email": "new.person@example.org", "role": "viewer", "locale": "en"},
    "account.change_name": {"name": "Renamed Person"},
    "account.change_language": {"locale": "es"},
    "teams.switch": {"organisation": "{organisation_id}", "next": "/"},
    "rounds.next_round": {"label": "Next round"},
    "actions.edit": {"owner": "", "owner_name": "Someone", "due": "2027-06-30",
                     "status": "in_progress", "reason": ""},
    "actions.comment": {"text": "Matrix comment"},
    "advisers.invite": {"adviser-email": "another.adviser@example.org",
                        "adviser-scope": "results", "adviser-months": "6",
                        "adviser-locale": "en"},
    "workshops.new": {"title": "Matrix", "questionnaire": "quick-check", "languages": "en",
                      "min_answers": "5", "hours_open": "4"},
    "workshops.draft": {"organisation": "{organisation_id}", "label": "Matrix draft"},
    "workshops.join": {"code": "{code}"},
    "workshops.start": {"language": "en"},
    "workshops.step": {"answer-{first_question}": "no", "go": "next"},
}
# Query strings a real link would carry.
QUERIES: dict[str, dict[str, str]] = {
    "rounds.compare": {"with": "{submitted_id}"},
    "rounds.compare_pdf": {"with": "{submitted_id}", "lang": "en"},
    "results.plan_pdf": {"lang": "en"},
    "exports.assessment": {"lang": "en"},
    "workshops.export_csv": {"lang": "en"},
    "workshops.export_pdf": {"lang": "en"},
}


@dataclass(frozen=True)
class World:
    database: Path
    cookies: dict[str, str]  # persona -> session cookie
    values: dict[str, object]  # url parameters


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """Two organisations, three members of one in each role and an adviser with a grant;
    a draft and a submitted round with its actions."""
    from test_advisers import grant_access
    from test_logo import picture
    from test_logo import upload as upload_logo
    from test_wizard import QUICK, answer_all

    database = tmp_path_factory.mktemp("matrix") / "world.sqlite3"
    migrate_to_head(make_app(f"sqlite:///{database}"))
    app = make_app(f"sqlite:///{database}")
    admin = app.test_client()
    register(admin)
    draft = start_assessment(admin, "quick-check", label="Draft round")
    submitted = start_assessment(admin, "quick-check", label="Submitted round")
    answer_all(admin, submitted, QUICK, {q.id: "no" for q in QUICK.questions[:3]})
    assert submit_assessment(admin, submitted).status_code == 302
    editor = colleague(app, admin, "editor@example.org", "editor")
    viewer = colleague(app, admin, "viewer@example.org", "viewer")
    adviser = grant_access(app, admin, "adviser@example.org", "results")
    outsider = app.test_client()
    register(outsider, email="outsider@example.org", organisation_name="Other Hands")
    post(admin, f"/organisations/{current_organisation_id(admin)}/invitations",
         {"email": "pending@example.org", "role": "viewer", "locale": "en"})
    assert upload_logo(admin, current_organisation_id(admin), picture()).status_code == 302
    assert post(admin, "/workshops/new", FORMS["workshops.new"]).status_code == 302
    with app.app_context():
        organisation = db.session.execute(select(Membership.organisation_id).join(User).where(
            User.email == "focal.point@example.org")).scalar_one()
        editor_membership = db.session.execute(select(Membership.id).join(User).where(
            User.email == "editor@example.org")).scalar_one()
        invitation = db.session.execute(select(Invitation.id).where(
            Invitation.email == "pending@example.org")).scalar_one()
        own_session = db.session.execute(select(UserSession.id)).scalars().first()
        action = db.session.execute(select(Action.id).where(
            Action.assessment_id == submitted)).scalars().first()
        grant = db.session.execute(select(Grant.id)).scalar_one()
        workshop_id, code = db.session.execute(select(Workshop.id, Workshop.code)).one()
        db.session.remove()
        db.engine.dispose()
    cookies = {name: client.get_cookie("session").value for name, client in (
        ("admin", admin), ("editor", editor), ("viewer", viewer), ("outsider", outsider),
        ("adviser", adviser))}
    return World(database, cookies, {
        "assessment_id": draft, "submitted_id": submitted,
        "standard_id": QUICK.standards[0].id,
        "first_question": QUICK.standards[0].questions[0].id,
        "organisation_id": organisation, "membership_id": editor_membership,
        "invitation_id": invitation, "session_id": own_session, "token": "not-a-token",
        "questionnaire_id": "quick-check", "filename": "app.css", "action_id": action,
        "grant_id": grant, "file_format": "csv", "workshop_id": workshop_id, "code": code,
    })


def rules():
    app = make_app("sqlite://")
    return sorted({(rule.endpoint, method) for rule in app.url_map.iter_rules()
                   for method in rule.methods - {"HEAD", "OPTIONS"}})


def test_every_route_has_an_entry():
    missing = [route for route in rules() if route not in MATRIX]
    assert missing == [], f"add these routes to MATRIX: {missing}"
    assert set(MATRIX) <= set(rules()), "MATRIX names routes that no longer exist"


def snapshot(app) -> dict[str, list]:
    """Every row of every table, but a session's last use (touched by any request)."""
    with app.app_context():
        tables = {}
        for table in db.metadata.sorted_tables:
            rows = db.session.execute(text(f'SELECT * FROM "{table.name}" ORDER BY 1')).all()
            tables[table.name] = [tuple(row) for row in rows]
            if table.name == "user_session":
                index = list(table.columns.keys()).index("last_used_at")
                tables[table.name] = [row[:index] + row[index + 1:] for row in rows]
        return tables


@pytest.mark.parametrize(("endpoint", "method"), sorted(MATRIX))
def test_route_by_role(world: World, tmp_path: Path, endpoint: str, method: str):
    database = tmp_path / "world.sqlite3"
    shutil.copy(world.database, database)
    app = make_app(f"sqlite:///{database}")
    try:
        path = _path(app, endpoint, world)
        for persona, expected in zip(PERSONAS, MATRIX[(endpoint, method)], strict=True):
            client = app.test_client()
            if persona != "anonymous":
                client.set_cookie("session", world.cookies[persona])
            before = snapshot(app) if expected != OK else None
            response = _send(client, method, path, endpoint, world)
            response.close()
            outcome = _outcome(response)
            assert outcome == expected, (persona, response.status_code,
                                         response.headers.get("Location"))
            if before is not None:
                assert snapshot(app) == before, f"{persona} was refused but something changed"
            if persona != "anonymous" and method == "POST" and expected == OK:
                shutil.copy(world.database, database)  # the next persona starts afresh
                app = _fresh(app, database)
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _fresh(app, database: Path):
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return make_app(f"sqlite:///{database}")


def _path(app, endpoint: str, world: World) -> str:
    from flask import url_for

    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values = {name: world.values[name] for name in rule.arguments}
    if endpoint in ("assess.reopen", "rounds.next_round") or endpoint.startswith("actions."):
        values["assessment_id"] = world.values["submitted_id"]
    if endpoint.startswith("rounds.compare"):
        values["assessment_id"] = world.values["assessment_id"]
    values.update({name: value.format(**world.values)
                   for name, value in QUERIES.get(endpoint, {}).items()})
    with app.test_request_context():
        return url_for(endpoint, **values)


def _send(client, method: str, path: str, endpoint: str, world: World):
    if method == "GET":
        return client.get(path)
    token_page = "/" if client.get_cookie("session") else "/sign-in"
    html = client.get(token_page).get_data(as_text=True)
    if client.get_cookie("session") and 'name="csrf_token"' not in html:
        html = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    form = {name.format(**world.values): value.format(**world.values)
            for name, value in FORMS.get(endpoint, {}).items()}
    return client.post(path, data={"csrf_token": token, **form})


def _outcome(response) -> object:
    if response.status_code == 302 and response.headers["Location"].startswith("/sign-in?"):
        return SIGN_IN
    if response.status_code in (403, 404):
        return response.status_code
    assert response.status_code != 405 and response.status_code < 500, response.status_code
    return OK
