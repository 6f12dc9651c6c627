"""Signed-in browsers are rows in the database: listed, ended one by one or all, and expiring."""

from __future__ import annotations

import re
from datetime import timedelta
from email.utils import parsedate_to_datetime

from conftest import (
    PASSWORD,
    follow_mail_link,
    post,
    post_with_page_token,
    register,
    sign_in,
)
from sqlalchemy import func, select, update

from kcs_assess.extensions import db
from kcs_assess.models import AuditEvent, UserSession, utcnow

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0"
PHONE = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/131.0.0.0 Mobile Safari/537.36")


def live_sessions(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count(UserSession.id))).scalar_one()


def browser(app, user_agent: str):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    return client


def test_the_session_id_is_stored_only_as_a_hash(app, member):
    cookie_token = None
    with member.session_transaction() as session:
        cookie_token = session["sid"]
    with app.app_context():
        stored = db.session.execute(select(UserSession.token_hash)).scalar_one()
    assert cookie_token not in stored and len(stored) == 64


def test_the_account_page_lists_each_signed_in_browser(app, member):
    sign_in(browser(app, FIREFOX))
    sign_in(browser(app, PHONE))
    page = member.get("/account").get_data(as_text=True)
    assert "Firefox on Windows" in page and "Chrome on Android" in page
    assert page.count("Sign out this browser") == 3
    assert page.count("This browser") == 1


def test_signing_out_one_browser_from_the_account_page_ends_it(app, member):
    phone = browser(app, PHONE)
    sign_in(phone)
    page = member.get("/account").get_data(as_text=True)
    ids = re.findall(r"/account/sessions/(\d+)/end", page)
    phone_id = max(ids, key=int)
    post(member, f"/account/sessions/{phone_id}/end")
    assert phone.get("/account").status_code == 302
    assert member.get("/account").status_code == 200


def test_a_user_cannot_end_someone_elses_session(app, member):
    other = app.test_client()
    register(other, email="fatima@example.org", organisation_name="Hope Trust")
    with app.app_context():
        theirs = db.session.execute(select(UserSession.id).order_by(UserSession.id.desc())
                                    ).scalars().first()
    assert post(member, f"/account/sessions/{theirs}/end").status_code == 404
    assert other.get("/account").status_code == 200


def test_sign_out_everywhere_ends_every_browser(app, member):
    phone = browser(app, PHONE)
    sign_in(phone)
    response = post(member, "/account/sessions/end-all")
    assert response.headers["Location"] == "/sign-in"
    assert member.get("/account").status_code == 302 and phone.get("/account").status_code == 302
    assert live_sessions(app) == 0


def test_a_password_change_signs_out_every_other_browser(app, member):
    phone = browser(app, PHONE)
    sign_in(phone)
    new = "a different passphrase"
    response = post(member, "/account/password",
                    {"current": PASSWORD, "password": new, "confirm": new})
    assert response.status_code == 302
    assert member.get("/account").status_code == 200  # this browser carries on
    assert phone.get("/account").status_code == 302
    assert live_sessions(app) == 1
    assert sign_in(app.test_client(), password=new).status_code == 302


def test_a_password_change_needs_the_current_password(app, member):
    response = post(member, "/account/password",
                    {"current": "not it at all", "password": "a different passphrase",
                     "confirm": "a different passphrase"})
    assert response.status_code == 422
    assert "The password is not right." in response.get_data(as_text=True)
    assert sign_in(app.test_client()).status_code == 302


def test_a_password_reset_signs_out_every_browser_and_works_once(app, member):
    phone = browser(app, PHONE)
    sign_in(phone)
    stranger = app.test_client()
    post(stranger, "/password/forgot", {"email": "focal.point@example.org"})
    new = "my brand new passphrase"
    response = follow_mail_link(stranger, "focal.point@example.org", "/password/reset/",
                                {"password": new, "confirm": new})
    assert response.headers["Location"] == "/"
    assert stranger.get("/account").status_code == 200
    assert member.get("/account").status_code == 302 and phone.get("/account").status_code == 302
    assert sign_in(app.test_client(), password=PASSWORD).status_code == 422
    assert sign_in(app.test_client(), password=new).status_code == 302
    with app.app_context():
        assert "password_reset" in db.session.execute(select(AuditEvent.action)).scalars().all()


def test_a_reset_link_is_valid_for_one_hour(app, member):
    stranger = app.test_client()
    post(stranger, "/password/forgot", {"email": "focal.point@example.org"})
    from conftest import link_in, mails

    link = link_in(mails(app, "focal.point@example.org")[-1], "/password/reset/")
    from kcs_assess.models import UserToken

    with app.app_context():
        token = db.session.execute(select(UserToken)).scalar_one()
        assert token.expires_at - token.created_at == timedelta(hours=1)
        db.session.execute(update(UserToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    response = stranger.get(link)
    assert response.status_code == 400 and "This link no longer works" in \
        response.get_data(as_text=True)


def test_forgot_password_answers_the_same_whether_or_not_the_address_exists(app, member):
    from conftest import mails

    before = len(mails(app))
    known = post(app.test_client(), "/password/forgot", {"email": "focal.point@example.org"})
    unknown = post(app.test_client(), "/password/forgot", {"email": "nobody@example.org"})
    strip = re.compile(r"focal\.point@example\.org|nobody@example\.org|"
                       r'name="csrf_token"[^>]*>')
    assert known.status_code == unknown.status_code == 200
    assert strip.sub("", known.get_data(as_text=True)) == strip.sub(
        "", unknown.get_data(as_text=True))
    assert len(mails(app)) == before + 1  # only the account that exists gets a link


def test_a_session_unused_for_longer_than_the_idle_limit_has_expired(app, member):
    with app.app_context():
        db.session.execute(update(UserSession).values(
            last_used_at=utcnow() - timedelta(days=14, minutes=1)))
        db.session.commit()
    response = member.get("/account")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_the_idle_limit_is_configurable(another_app):
    short = another_app(SESSION_IDLE_DAYS=1)
    client = short.test_client()
    register(client)
    with short.app_context():
        db.session.execute(update(UserSession).values(
            last_used_at=utcnow() - timedelta(hours=25)))
        db.session.commit()
    assert client.get("/account").status_code == 302


def test_use_keeps_a_session_alive(app, member):
    with app.app_context():
        db.session.execute(update(UserSession).values(
            last_used_at=utcnow() - timedelta(days=13)))
        db.session.commit()
    assert member.get("/account").status_code == 200
    with app.app_context():
        used = db.session.execute(select(UserSession.last_used_at)).scalar_one()
    assert utcnow() - used < timedelta(minutes=1)


def test_use_keeps_the_cookie_alive_without_sending_it_again_on_every_page(app, member):
    member.get("/account")
    assert "Set-Cookie" not in member.get("/account").headers  # used a moment ago
    with app.app_context():
        db.session.execute(update(UserSession).values(
            last_used_at=utcnow() - timedelta(days=13)))
        db.session.commit()
    cookie = member.get("/account").headers["Set-Cookie"]
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", cookie).group(1))
    assert cookie.startswith("session=")
    assert expires - utcnow() > timedelta(days=13, hours=23)


def test_signing_out_on_one_worker_ends_the_session_on_another(app, member, another_app):
    """Workers and hosts share the sessions through the database."""
    second_worker = another_app()
    copied = member.get_cookie("session").value
    elsewhere = second_worker.test_client()
    elsewhere.set_cookie("session", copied)
    assert elsewhere.get("/account").status_code == 200
    from conftest import sign_out

    sign_out(member)
    assert elsewhere.get("/account").status_code == 302


def test_changing_the_email_needs_the_link_sent_to_the_new_address(app, member):
    from conftest import mails

    response = post(member, "/account/email",
                    {"email": "amina@new.example.org", "current": PASSWORD})
    assert response.status_code == 302
    notice = mails(app, "focal.point@example.org")[-1]
    assert "amina@new.example.org" in notice.get_content()
    assert sign_in(app.test_client(), email="focal.point@example.org").status_code == 302
    follow_mail_link(member, "amina@new.example.org", "/account/email/confirm/")
    assert sign_in(app.test_client(), email="amina@new.example.org").status_code == 302
    assert sign_in(app.test_client(), email="focal.point@example.org").status_code == 422


def test_an_address_taken_meanwhile_is_not_given_to_a_second_account(app, member):
    post(member, "/account/email", {"email": "fatima@example.org", "current": PASSWORD})
    register(app.test_client(), email="fatima@example.org", organisation_name="Hope Trust")
    from conftest import link_in, mails

    link = link_in([m for m in mails(app, "fatima@example.org")
                    if "/account/email/confirm/" in m.get_content()][-1],
                   "/account/email/confirm/")
    response = post_with_page_token(member, link, member.get(link).get_data(as_text=True))
    assert response.status_code == 409
    assert sign_in(app.test_client(), email="focal.point@example.org").status_code == 302


def test_name_and_language_are_changed_on_the_account_page(member):
    assert post(member, "/account/name", {"name": "Amina D."}).status_code == 302
    assert post(member, "/account/language", {"locale": "fr"}).status_code == 302
    page = member.get("/account").get_data(as_text=True)
    assert 'lang="fr"' in page and 'value="Amina D."' in page


def test_the_purge_command_deletes_expired_sessions_and_links(app, member):
    sign_in(browser(app, PHONE))
    post(app.test_client(), "/password/forgot", {"email": "focal.point@example.org"})
    with app.app_context():
        db.session.execute(update(UserSession).where(UserSession.user_agent == PHONE).values(
            last_used_at=utcnow() - timedelta(days=15)))
        from kcs_assess.models import UserToken

        db.session.execute(update(UserToken).values(expires_at=utcnow()))
        db.session.commit()
    from kcs_assess.cli import accounts

    result = app.test_cli_runner().invoke(accounts, ["purge"])
    assert result.exit_code == 0, result.output
    assert "1 sessions, 1 links, 0 registrations deleted" in result.output
    assert live_sessions(app) == 1 and member.get("/account").status_code == 200
