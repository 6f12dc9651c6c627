"""Mail through a real SMTP server (aiosmtpd on 127.0.0.1), in the recipient's language."""

from __future__ import annotations

import logging
import re

import pytest
from conftest import (
    PASSWORD,
    accept_invitation,
    current_organisation_id,
    mails,
    make_app,
    post,
    post_with_page_token,
    register,
    sign_in,
)

from kcs_assess.extensions import db
from kcs_assess.i18n import Translator


@pytest.fixture
def mailing_app(database_url: str, smtp):
    app = make_app(database_url, **smtp.config)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def link(message, path: str) -> str:
    match = re.search(r"https?://[^/\s]+(" + re.escape(path) + r"\S+)", message.get_content())
    assert match, message.get_content()
    return match.group(1)


def register_through_smtp(client, smtp, email: str = "focal.point@example.org", **extra):
    post(client, "/register", {
        "name": "Amina Diallo", "email": email, "password": PASSWORD, "confirm": PASSWORD,
        "organisation_name": "Safe Futures", "organisation_type": "ngo", "country": "ML",
        **extra})
    [message] = smtp.to(email)
    target = link(message, "/register/confirm/")
    return post_with_page_token(client, target, client.get(target).get_data(as_text=True))


def test_registration_is_confirmed_through_the_mail_server(mailing_app, smtp):
    client = mailing_app.test_client()
    response = register_through_smtp(client, smtp)
    assert response.headers["Location"] == "/"
    [message] = smtp.messages
    assert message["From"] == "KCS Assess <kcs@example.org>"
    assert message["Subject"] == "Confirm your email address for KCS Assess"
    assert message["Content-Language"] == "en"
    assert mails(mailing_app) == []  # with SMTP, nothing is written to the folder


def test_an_invitation_arrives_in_the_language_chosen_for_it(mailing_app, smtp):
    admin = mailing_app.test_client()
    register_through_smtp(admin, smtp)
    organisation_id = current_organisation_id(admin)
    response = post(admin, f"/organisations/{organisation_id}/invitations",
                    {"email": "fatima@example.org", "role": "editor", "locale": "fr"})
    page = response.get_data(as_text=True)
    assert "An email with the link is on its way." in page
    [message] = smtp.to("fatima@example.org")
    assert message["Content-Language"] == "fr"
    french = Translator.for_locale("fr").gettext(
        "%(inviter)s invites you to %(organisation)s on KCS Assess", inviter="Amina Diallo",
        organisation="Safe Futures")
    assert message["Subject"] == french and "invites you" not in french
    shown = re.search(r'id="invitation-link"[^>]*value="https?://[^/"]+([^"]+)"', page).group(1)
    assert link(message, "/invitations/") == shown
    assert accept_invitation(mailing_app.test_client(), shown).status_code == 302


def test_a_password_reset_arrives_in_the_users_language(mailing_app, smtp):
    client = mailing_app.test_client()
    post(client, "/language", {"locale": "es", "next": "/register"})
    register_through_smtp(client, smtp)
    stranger = mailing_app.test_client()
    post(stranger, "/password/forgot", {"email": "focal.point@example.org"})
    message = smtp.to("focal.point@example.org")[-1]
    assert message["Content-Language"] == "es"
    spanish = Translator.for_locale("es").gettext("Choose a new password for KCS Assess")
    assert message["Subject"] == spanish and "password" not in spanish
    new = "a new passphrase for Amina"
    target = link(message, "/password/reset/")
    response = post_with_page_token(stranger, target, stranger.get(target).get_data(
        as_text=True), {"password": new, "confirm": new})
    assert response.headers["Location"] == "/"
    assert sign_in(mailing_app.test_client(), password=new).status_code == 302


def test_an_email_change_is_confirmed_from_the_new_address(mailing_app, smtp):
    client = mailing_app.test_client()
    register_through_smtp(client, smtp)
    post(client, "/account/email", {"email": "amina@new.example.org", "current": PASSWORD})
    [notice] = smtp.to("focal.point@example.org")[1:]
    assert "amina@new.example.org" in notice.get_content()
    [confirmation] = smtp.to("amina@new.example.org")
    target = link(confirmation, "/account/email/confirm/")
    post_with_page_token(client, target, client.get(target).get_data(as_text=True))
    assert sign_in(mailing_app.test_client(), email="amina@new.example.org").status_code == 302


def test_without_smtp_messages_go_to_the_log_and_the_mail_folder(app, client, caplog):
    with caplog.at_level(logging.WARNING, logger="kcs_assess.services.mail"):
        register(client)
    [message] = mails(app)
    assert message["To"] == "focal.point@example.org"
    confirm = link(message, "/register/confirm/")
    assert confirm in caplog.text  # a newcomer can follow the link from the console


def test_when_the_mail_server_is_down_the_invitation_is_kept_and_its_link_shown(
        member, another_app):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    down = another_app(MAIL_HOST="127.0.0.1", MAIL_PORT=closed_port, MAIL_SECURITY="none",
                       MAIL_TIMEOUT=2)
    admin = down.test_client()
    admin.set_cookie("session", member.get_cookie("session").value)
    organisation_id = current_organisation_id(admin)
    response = post(admin, f"/organisations/{organisation_id}/invitations",
                    {"email": "fatima@example.org", "role": "editor", "locale": "en"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "No email was sent: send the link yourself." in page
    shown = re.search(r'id="invitation-link"[^>]*value="https?://[^/"]+([^"]+)"', page).group(1)
    assert "fatima@example.org" in admin.get(f"/organisations/{organisation_id}").get_data(
        as_text=True)
    assert accept_invitation(down.test_client(), shown).status_code == 302
