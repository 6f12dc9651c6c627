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
from kcs_assess.models import Invitation, Membership, User, UserSession

PERSONAS = ("anonymous", "outsider", "viewer", "editor", "admin")
SIGN_IN = "sign-in"  # a redirect to the sign-in page
OK = "ok"  # allowed: anything but 403, 404, 405, 5xx and the sign-in page
FORBIDDEN, HIDDEN = 403, 404

# (endpoint, method) -> the outcome for each persona, in PERSONAS order. The outsider is the
# admin of another organisation; viewer, editor and admin are members of the one under test.
MEMBERS_ONLY = (SIGN_IN, HIDDEN, OK, OK, OK)
EDITORS = (SIGN_IN, HIDDEN, FORBIDDEN, OK, OK)
ADMINS = (SIGN_IN, HIDDEN, FORBIDDEN, FORBIDDEN, OK)
SIGNED_IN = (SIGN_IN, OK, OK, OK, OK)
ANYONE = (OK, OK, OK, OK, OK)
MATRIX: dict[tuple[str, str], tuple[object, ...]] = {
    ("static", "GET"): ANYONE,
    ("assess.index", "GET"): SIGNED_IN,
    ("assess.new", "GET"): (SIGN_IN, OK, FORBIDDEN, OK, OK),
    ("assess.new", "POST"): (SIGN_IN, OK, FORBIDDEN, OK, OK),
    ("assess.overview", "GET"): MEMBERS_ONLY,
    ("assess.step", "GET"): MEMBERS_ONLY,
    ("assess.step", "POST"): EDITORS,
    ("assess.check", "GET"): MEMBERS_ONLY,
    ("assess.check", "POST"): EDITORS,
    ("assess.reopen", "GET"): ADMINS,
    ("assess.reopen", "POST"): ADMINS,
    ("assess.delete", "GET"): ADMINS,
    ("assess.delete", "POST"): ADMINS,
    ("results.show", "GET"): MEMBERS_ONLY,
    ("results.plan_pdf", "GET"): MEMBERS_ONLY,
    ("results.blank_pdf", "GET"): ANYONE,
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
    ("account.end_session", "POST"): (SIGN_IN, HIDDEN, HIDDEN, HIDDEN, OK),
    ("account.end_all_sessions", "POST"): SIGNED_IN,
    ("account.confirm_email", "GET"): SIGNED_IN,
    ("account.confirm_email", "POST"): SIGNED_IN,
    ("teams.show", "GET"): MEMBERS_ONLY,
    ("teams.update_details", "POST"): ADMINS,
    ("teams.change_role", "POST"): ADMINS,
    ("teams.remove_member", "POST"): ADMINS,
    ("teams.leave", "POST"): MEMBERS_ONLY,
    ("teams.invite", "POST"): ADMINS,
    ("teams.renew_invitation", "POST"): ADMINS,
    ("teams.revoke_invitation", "POST"): ADMINS,
    ("teams.audit_log", "GET"): ADMINS,
    ("teams.new", "GET"): SIGNED_IN,
    ("teams.new", "POST"): SIGNED_IN,
    ("teams.switch", "POST"): MEMBERS_ONLY,
    # The token in the url is not an invitation's: nobody finds anything there.
    ("teams.accept", "GET"): (HIDDEN,) * 5,
    ("teams.accept", "POST"): (HIDDEN,) * 5,
}

# Form fields a real page would send, so that an allowed request gets past validation.
FORMS: dict[str, dict[str, str]] = {
    "assess.new": {"label": "Matrix", "questionnaire": "quick-check"},
    "assess.step": {"answer-PL1.1": "no", "go": "later"},
    "assess.reopen": {"reason": "Matrix test"},
    "language.choose": {"locale": "fr", "next": "/"},
    "teams.update_details": {"organisation_name": "Renamed", "organisation_type": "ngo",
                             "country": "ML"},
    "teams.change_role": {"role": "viewer"},
    "teams.invite": {"email": "new.person@example.org", "role": "viewer", "locale": "en"},
    "account.change_name": {"name": "Renamed Person"},
    "account.change_language": {"locale": "es"},
    "teams.switch": {"organisation": "{organisation_id}", "next": "/"},
}


@dataclass(frozen=True)
class World:
    database: Path
    cookies: dict[str, str]  # persona -> session cookie
    values: dict[str, object]  # url parameters


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """Two organisations, three members of one in each role, a draft and a submitted round."""
    from test_wizard import ICSS, answer_all

    database = tmp_path_factory.mktemp("matrix") / "world.sqlite3"
    migrate_to_head(make_app(f"sqlite:///{database}"))
    app = make_app(f"sqlite:///{database}")
    admin = app.test_client()
    register(admin)
    draft = start_assessment(admin, label="Draft round")
    submitted = start_assessment(admin, label="Submitted round")
    answer_all(admin, submitted, ICSS, {})
    assert submit_assessment(admin, submitted).status_code == 302
    editor = colleague(app, admin, "editor@example.org", "editor")
    viewer = colleague(app, admin, "viewer@example.org", "viewer")
    outsider = app.test_client()
    register(outsider, email="outsider@example.org", organisation_name="Other Hands")
    post(admin, f"/organisations/{current_organisation_id(admin)}/invitations",
         {"email": "pending@example.org", "role": "viewer", "locale": "en"})
    with app.app_context():
        organisation = db.session.execute(select(Membership.organisation_id).join(User).where(
            User.email == "focal.point@example.org")).scalar_one()
        editor_membership = db.session.execute(select(Membership.id).join(User).where(
            User.email == "editor@example.org")).scalar_one()
        invitation = db.session.execute(select(Invitation.id).where(
            Invitation.email == "pending@example.org")).scalar_one()
        own_session = db.session.execute(select(UserSession.id)).scalars().first()
        db.session.remove()
        db.engine.dispose()
    cookies = {name: client.get_cookie("session").value for name, client in (
        ("admin", admin), ("editor", editor), ("viewer", viewer), ("outsider", outsider))}
    return World(database, cookies, {
        "assessment_id": draft, "submitted_id": submitted, "standard_id": "policy",
        "organisation_id": organisation, "membership_id": editor_membership,
        "invitation_id": invitation, "session_id": own_session, "token": "not-a-token",
        "questionnaire_id": "quick-check", "filename": "app.css",
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
    if endpoint == "assess.reopen":
        values["assessment_id"] = world.values["submitted_id"]
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
    form = {name: value.format(**world.values) for name, value in FORMS.get(endpoint, {}).items()}
    return client.post(path, data={"csrf_token": token, **form})


def _outcome(response) -> object:
    if response.status_code == 302 and response.headers["Location"].startswith("/sign-in?"):
        return SIGN_IN
    if response.status_code in (403, 404):
        return response.status_code
    assert response.status_code != 405 and response.status_code < 500, response.status_code
    return OK
