"""The one way mail leaves impactnet.

Mails are rendered from ``templates/emails/<name>.txt`` and ``.html`` (plain
text plus HTML). The backend is chosen by ``MAIL_BACKEND``: ``smtp`` sends
with a timeout; ``file`` (the embedded default) writes .eml files to
``instance/mail/`` so that a person can open them.
"""
from __future__ import annotations

import logging
import smtplib
import uuid
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import after_this_request, current_app, render_template

from impactnet.database import utcnow

log = logging.getLogger(__name__)


class MailError(Exception):
    """The mail could not be handed over (server down, refused, timed out)."""


def build_message(to: str, subject: str, template: str, **context) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="impactnet")
    message.set_content(render_template(f"emails/{template}.txt", subject=subject, **context))
    message.add_alternative(render_template(f"emails/{template}.html", subject=subject, **context), subtype="html")
    return message


def mail_dir() -> Path:
    configured = current_app.config.get("MAIL_FILE_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "mail"


def _write_file(message: EmailMessage) -> None:
    directory = mail_dir()
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
    (directory / name).write_bytes(bytes(message))


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    try:
        with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(str(exc)) from exc


def deliver(message: EmailMessage) -> None:
    """Send a built message now. Raises MailError when it could not go out."""
    if current_app.config["MAIL_BACKEND"] == "smtp":
        _send_smtp(message)
    else:
        _write_file(message)
    log.info("mail %r sent to %s", message["Subject"], message["To"])


def deliver_after_response(message: EmailMessage) -> None:
    """Send once the response has gone out (from a view).

    The answer then takes as long, and reads the same, whether or not a mail
    was sent: nothing reveals which email addresses have an account.
    """
    app = current_app._get_current_object()

    def send() -> None:
        with app.app_context():
            try:
                deliver(message)
            except MailError:
                log.exception("mail %r to %s failed", message["Subject"], message["To"])

    @after_this_request
    def _send_on_close(response):
        response.call_on_close(send)
        return response
