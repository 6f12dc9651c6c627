"""Accounts: register, sign in, sign out, and the protections around them."""

from __future__ import annotations

from conftest import PASSWORD, post, register, sign_in, sign_out
from sqlalchemy import select

from kcs_assess.extensions import db
from kcs_assess.models import Membership, Organisation, User


def test_registering_creates_the_user_and_their_organisation(app, client):
    response = register(client, organisation_type="contingent",
                        organisation_name="Contingent Alpha")
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Contingent Alpha" in page and "Military or police contingent" in page
    with app.app_context():
        user = db.session.execute(select(User)).scalar_one()
        organisation = db.session.execute(select(Organisation)).scalar_one()
        membership = db.session.execute(select(Membership)).scalar_one()
        assert (organisation.type, organisation.country) == ("contingent", "ML")
        assert (membership.user_id, membership.organisation_id, membership.role) == (
            user.id, organisation.id, "admin")


def test_password_is_stored_hashed(app, client):
    register(client)
    with app.app_context():
        stored = db.session.execute(select(User.password_hash)).scalar_one()
    assert PASSWORD not in stored
    assert stored.startswith("pbkdf2:sha256:")


def test_registration_errors_are_listed_and_nothing_is_created(app, client):
    response = post(client, "/register", {
        "name": "", "email": "not-an-email", "password": "short", "confirm": "other",
        "organisation_name": "X", "organisation_type": "ngo", "country": "ML",
    })
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert 'href="#email"' in page and "Enter an email address like" in page
    assert "Use at least 10 characters." in page
    with app.app_context():
        assert db.session.execute(select(User)).first() is None


def test_an_unknown_organisation_type_is_refused(client):
    response = register(client, organisation_type="army")
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_the_same_email_cannot_register_twice(client, app):
    register(client)
    sign_out(client)
    response = register(client, email="Focal.Point@Example.org ")
    assert response.status_code == 422
    assert "exists already" in response.get_data(as_text=True)


def test_sign_in_with_the_right_password(client):
    register(client)
    sign_out(client)
    response = sign_in(client, email="FOCAL.POINT@example.org")
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_wrong_password_and_unknown_email_get_the_same_message(client):
    register(client)
    sign_out(client)
    wrong_password = sign_in(client, password="wrong password!")
    unknown_email = sign_in(client, email="nobody@example.org")
    assert wrong_password.status_code == unknown_email.status_code == 422
    message = "The email address or the password is not right."
    assert message in wrong_password.get_data(as_text=True)
    assert message in unknown_email.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_pages_need_sign_in(client):
    response = client.get("/assessments/new")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


def test_sign_in_returns_to_the_page_asked_for_but_never_another_site(client):
    register(client)
    sign_out(client)
    token_page = client.get("/sign-in?next=/assessments/new")
    assert token_page.status_code == 200
    back = post(client, "/sign-in?next=/assessments/new",
                {"email": "focal.point@example.org", "password": PASSWORD})
    assert back.headers["Location"] == "/assessments/new"
    sign_out(client)
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        away = post(client, f"/sign-in?next={target}",
                    {"email": "focal.point@example.org", "password": PASSWORD})
        assert away.headers["Location"] == "/"
        sign_out(client)


def test_sign_out_ends_the_session(client):
    register(client)
    response = sign_out(client)
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_sign_out_needs_a_post_with_a_csrf_token(client):
    register(client)
    assert client.get("/sign-out").status_code == 405
    assert client.post("/sign-out").status_code == 400
    assert client.get("/").status_code == 200


def test_every_form_needs_its_csrf_token(app, client):
    response = client.post("/register", data={
        "name": "A", "email": "a@example.org", "password": PASSWORD, "confirm": PASSWORD,
        "organisation_name": "X", "organisation_type": "ngo", "country": "ML"})
    assert response.status_code == 400
    assert "Nothing was saved" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(User)).first() is None


def test_session_cookie_is_httponly_and_samesite(client):
    response = register(client)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_pages_forbid_framing_and_other_hosts(client):
    response = client.get("/sign-in")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
