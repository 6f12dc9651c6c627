"""Accounts: registering with a confirmed address, signing in and out, passwords, protections."""

from __future__ import annotations

import re

import pytest
import werkzeug.security
from conftest import (
    PASSWORD,
    follow_mail_link,
    link_in,
    mails,
    post,
    register,
    sign_in,
    sign_out,
)
from sqlalchemy import select

from kcs_assess.extensions import db
from kcs_assess.models import AuditEvent, Membership, Organisation, PendingRegistration, User


def registration(**changes: str) -> dict[str, str]:
    return {"name": "Amina Diallo", "email": "focal.point@example.org", "password": PASSWORD,
            "confirm": PASSWORD, "organisation_name": "Safe Futures",
            "organisation_type": "ngo", "country": "ML", **changes}


def test_registering_creates_the_user_and_their_organisation_once_confirmed(app, client):
    response = post(client, "/register", registration(organisation_type="contingent",
                                                      organisation_name="Contingent Alpha"))
    assert response.headers["Location"] == "/register/check-email"
    with app.app_context():
        assert db.session.execute(select(User)).first() is None  # not before the link
    page = client.get("/register/check-email").get_data(as_text=True)
    assert "We have sent a message to focal.point@example.org" in page
    response = follow_mail_link(client, "focal.point@example.org", "/register/confirm/")
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Contingent Alpha" in page and "Military or police contingent" in page
    with app.app_context():
        user = db.session.execute(select(User)).scalar_one()
        organisation = db.session.execute(select(Organisation)).scalar_one()
        membership = db.session.execute(select(Membership)).scalar_one()
        assert (organisation.type, organisation.country) == ("contingent", "ML")
        assert (membership.user_id, membership.organisation_id, membership.role) == (
            user.id, organisation.id, "admin")
        assert db.session.execute(select(PendingRegistration)).first() is None


def test_a_confirmation_link_works_once(client):
    post(client, "/register", registration())
    link = link_in(mails(client.application)[-1], "/register/confirm/")
    assert follow_mail_link(client, "focal.point@example.org", "/register/confirm/") \
        .status_code == 302
    sign_out(client)
    page = client.get(link)
    again = post(client, link)
    assert page.status_code == 200 and again.status_code == 400
    assert "This link no longer works" in again.get_data(as_text=True)


def test_opening_the_link_alone_creates_nothing(app, client):
    """Mail scanners open links: the account is made by the button on the page."""
    post(client, "/register", registration())
    link = link_in(mails(app)[-1], "/register/confirm/")
    assert client.get(link).status_code == 200
    with app.app_context():
        assert db.session.execute(select(User)).first() is None


def test_registering_an_address_with_an_account_reveals_nothing(app, client):
    register(client)
    sign_out(client)
    first = mails(app)
    response = post(client, "/register", registration(email="Focal.Point@Example.org ",
                                                      organisation_name="Other"))
    assert response.status_code == 302
    assert response.headers["Location"] == "/register/check-email"
    page = client.get("/register/check-email").get_data(as_text=True)
    assert "exists" not in page and "We have sent a message" in page
    notice = mails(app)[len(first):]
    assert [m["Subject"] for m in notice] == [
        "Someone tried to register with your address on KCS Assess"]
    assert "/register/confirm/" not in notice[0].get_content()
    with app.app_context():
        assert db.session.execute(select(Organisation.name)).scalars().all() == ["Safe Futures"]


def test_registration_does_the_same_hashing_work_for_a_known_and_an_unknown_address(
        client, monkeypatch):
    register(client)
    sign_out(client)
    work = []
    original = werkzeug.security._hash_internal

    def counting(method: str, salt: str, password: str):
        work.append(method)
        return original(method, salt, password)

    monkeypatch.setattr(werkzeug.security, "_hash_internal", counting)
    post(client, "/register", registration(email="new.person@example.org"))
    new_address = list(work)
    work.clear()
    post(client, "/register", registration())
    assert work == new_address and len(work) == 1


def test_sign_in_does_the_same_hashing_work_for_an_unknown_address(client, monkeypatch):
    register(client)
    sign_out(client)
    work = []
    original = werkzeug.security._hash_internal

    def counting(method: str, salt: str, password: str):
        work.append(method)
        return original(method, salt, password)

    monkeypatch.setattr(werkzeug.security, "_hash_internal", counting)
    sign_in(client, password="wrong password!")
    wrong_password = list(work)
    work.clear()
    sign_in(client, email="nobody@example.org")
    assert work == wrong_password and len(work) == 1


def test_password_is_stored_hashed(app, client):
    register(client)
    with app.app_context():
        stored = db.session.execute(select(User.password_hash)).scalar_one()
    assert PASSWORD not in stored
    assert stored.startswith("pbkdf2:sha256:1000$")


def test_a_hash_made_with_older_settings_is_upgraded_at_sign_in(app, client, another_app):
    register(client)
    sign_out(client)
    stronger = another_app(PASSWORD_HASH_METHOD="pbkdf2:sha256:2000")
    other = stronger.test_client()
    assert sign_in(other).status_code == 302
    with stronger.app_context():
        stored = db.session.execute(select(User.password_hash)).scalar_one()
    assert stored.startswith("pbkdf2:sha256:2000$")
    assert sign_in(app.test_client()).status_code == 302  # the old app still checks it


def test_new_passwords_are_hashed_with_scrypt_by_default(another_app):
    from kcs_assess.config import DEFAULTS

    app = another_app(PASSWORD_HASH_METHOD=DEFAULTS["PASSWORD_HASH_METHOD"])
    assert register(app.test_client()).status_code == 302
    with app.app_context():
        assert db.session.execute(select(User.password_hash)).scalar_one().startswith("scrypt:")


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
        assert db.session.execute(select(PendingRegistration)).first() is None
    assert mails(app) == []


@pytest.mark.parametrize(("password", "message"), [
    ("Password123", "one of the most common ones"),
    ("1234567890", "one of the most common ones"),
    ("focal.point@example.org", "Do not use your name or email address"),
    ("amina diallo", "Do not use your name or email address"),
])
def test_common_and_personal_passwords_are_refused(client, password: str, message: str):
    response = post(client, "/register", registration(password=password, confirm=password))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_an_unknown_organisation_type_is_refused(client):
    response = register(client, organisation_type="army")
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_sign_in_with_the_right_password(app, client):
    register(client)
    sign_out(client)
    response = sign_in(client, email="FOCAL.POINT@example.org")
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    with app.app_context():
        actions = db.session.execute(select(AuditEvent.action)).scalars().all()
    assert actions.count("signed_in") == 2  # on confirming, and now


def test_wrong_password_and_unknown_email_get_the_same_message(app, client):
    register(client)
    sign_out(client)
    wrong_password = sign_in(client, password="wrong password!")
    unknown_email = sign_in(client, email="nobody@example.org")
    assert wrong_password.status_code == unknown_email.status_code == 422
    message = "The email address or the password is not right."
    assert message in wrong_password.get_data(as_text=True)
    assert message in unknown_email.get_data(as_text=True)
    assert client.get("/account").status_code == 302
    with app.app_context():
        failed = db.session.execute(select(AuditEvent).where(
            AuditEvent.action == "sign_in_failed")).scalars().all()
    assert len(failed) == 1  # recorded for the account that exists


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
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example",
                   "/\r\nX-Injected: 1", "/%0d%0aX-Injected:%201"):
        away = post(client, "/sign-in", {"email": "focal.point@example.org",
                                         "password": PASSWORD},
                    query_string={"next": target})
        assert away.status_code == 302
        assert "X-Injected" not in away.headers
        assert away.headers["Location"] in ("/", "/%0d%0aX-Injected:%201")
        sign_out(client)


def test_sign_out_ends_the_session(client):
    register(client)
    response = sign_out(client)
    assert response.status_code == 302
    assert client.get("/account").status_code == 302


def test_a_cookie_copied_before_sign_out_no_longer_signs_in(app, client):
    register(client)
    copied = client.get_cookie("session").value
    assert sign_out(client).status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_sign_out_needs_a_post_with_a_csrf_token(client):
    register(client)
    assert client.get("/sign-out").status_code == 405
    assert client.post("/sign-out").status_code == 400
    assert client.get("/account").status_code == 200


def test_every_form_needs_its_csrf_token(app, client):
    response = client.post("/register", data=registration(email="a@example.org"))
    assert response.status_code == 400
    assert "Nothing was saved" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(PendingRegistration)).first() is None


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
    assert "Strict-Transport-Security" not in response.headers  # development, plain http


def production_app(another_app, **config: object):
    return another_app(ENV="production", SECRET_KEY="a long production secret", **config)


def test_production_marks_cookies_secure_and_sends_hsts(another_app, monkeypatch):
    monkeypatch.delenv("KCS_SESSION_COOKIE_SECURE", raising=False)
    app = production_app(another_app)
    response = app.test_client().get("/sign-in", base_url="https://kcs.example.org")
    assert "Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_production_cookies_stay_insecure_only_when_asked(another_app, monkeypatch):
    monkeypatch.setenv("KCS_SESSION_COOKIE_SECURE", "false")
    app = production_app(another_app)
    response = app.test_client().get("/sign-in")
    assert "Secure" not in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_can_be_configured(another_app):
    app = production_app(another_app, HSTS_SECONDS=600)
    assert app.test_client().get("/sign-in").headers["Strict-Transport-Security"] == \
        "max-age=600"


def test_behind_a_trusted_proxy_the_client_address_and_scheme_count(another_app):
    app = another_app(TRUSTED_PROXIES=1)
    client = app.test_client()
    post(client, "/register", registration(), headers={
        "X-Forwarded-Proto": "https", "X-Forwarded-Host": "kcs.example.org",
        "X-Forwarded-For": "203.0.113.7",
        "Referer": "https://kcs.example.org/register"})  # CSRF's check over HTTPS
    link = mails(app)[-1].get_content()
    assert "https://kcs.example.org/register/confirm/" in link


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(another_app):
    app = another_app()
    post(app.test_client(), "/register", registration(),
         headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"})
    assert "http://localhost/register/confirm/" in mails(app)[-1].get_content()


def test_visitors_get_a_front_page_that_says_what_the_tool_is(client):
    page = client.get("/").get_data(as_text=True)
    assert "Assess how well your organisation keeps children safe" in page
    assert 'href="/register"' in page and 'href="/sign-in"' in page
    assert "/questionnaires/quick-check/blank.pdf?lang=fr" in page
    assert "only the members of your organisation see them" in page
    assert re.search(r"\d+ questions, about \d+ minutes", page)
