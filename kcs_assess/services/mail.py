"""Email: one small service over SMTP, or the log and a folder when no SMTP is configured.

Messages are plain text, rendered from `templates/mail/<name>.txt` in the recipient's
language, and sent only once the transaction that asked for them has committed (a reset
link must not arrive for a token that was rolled back). A message that cannot be sent is
logged; it never undoes what was saved.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

from flask import current_app, g
from flask_babel import force_locale

from . import transaction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str
    locale: str


def compose(template: str, to: str, locale: str, **context: Any) -> Message:
    """Render mail/<template>.txt in a language; the template sets `subject`."""
    # The web layer keeps one translator per request (g.kcs_translator): drop it while the
    # mail is rendered in another language, and after, so the page's language comes back.
    g.pop("kcs_translator", None)
    try:
        with force_locale(locale):
            module = current_app.jinja_env.get_template(f"mail/{template}.txt").make_module(
                {**context, "locale": locale})
            return Message(to=to, subject=str(module.subject).strip(),
                           body=str(module).strip() + "\n", locale=locale)
    finally:
        g.pop("kcs_translator", None)


def queue(message: Message) -> None:
    """Send the message once the current transaction has committed."""
    transaction.current().after_commit(lambda: deliver(message))


def deliver(message: Message) -> bool:
    """Send a message now; return whether it left (or was written to the mail folder)."""
    config = current_app.config
    email = _email(message, config)
    if not config.get("MAIL_HOST"):
        return _write(email, message)
    try:
        _send(email, config)
    except (OSError, smtplib.SMTPException):
        log.exception("could not send mail %r to %s", message.subject, message.to)
        return False
    log.info("mail sent to %s: %s", message.to, message.subject)
    return True


def configured() -> bool:
    return bool(current_app.config.get("MAIL_HOST"))


def folder() -> Path:
    configured_folder = current_app.config.get("MAIL_FOLDER")
    return Path(configured_folder) if configured_folder else \
        Path(current_app.instance_path) / "mail"


def _email(message: Message, config: Any) -> EmailMessage:
    email = EmailMessage()
    email.set_content(message.body)  # first: it clears every Content-* header
    email["From"] = config["MAIL_SENDER"]
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Date"] = format_datetime(datetime.now(UTC))
    email["Message-ID"] = make_msgid(domain=config["MAIL_SENDER"].rpartition("@")[2]
                                     .strip("> ") or None)
    email["Content-Language"] = message.locale.replace("_", "-")
    email["Auto-Submitted"] = "auto-generated"
    return email


def _send(email: EmailMessage, config: Any) -> None:
    security = config["MAIL_SECURITY"]
    timeout = config["MAIL_TIMEOUT"]
    host, port = config["MAIL_HOST"], int(config["MAIL_PORT"])
    if security == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout,
                                              context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        if security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(email)


def _write(email: EmailMessage, message: Message) -> bool:
    """Without SMTP: log the message and keep it in the mail folder, links and all."""
    target = folder()
    name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}.eml"
    try:
        target.mkdir(parents=True, exist_ok=True)
        (target / name).write_bytes(bytes(email))
    except OSError:
        log.exception("could not write mail %r to %s", message.subject, target)
        return False
    log.warning("no SMTP server configured (KCS_MAIL_HOST): mail to %s written to %s\n"
                "Subject: %s\n\n%s", message.to, target / name, message.subject, message.body)
    return True
