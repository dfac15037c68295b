"""The one way mail leaves impactnet.

Mails are rendered from ``templates/emails/<name>.txt`` and ``.html`` (plain
text plus HTML) and queued in the outbox (:mod:`impactnet.mail.outbox`);
the worker hands them over here. The backend is chosen by ``MAIL_BACKEND``:
``smtp`` sends with a timeout; ``file`` (the embedded default) writes .eml
files to ``instance/mail/`` so that a person can open them.
"""

from __future__ import annotations

import logging
import os
import smtplib
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email import policy
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app, has_request_context, render_template, url_for

from impactnet.database import utcnow

log = logging.getLogger(__name__)


# Headers are folded only beyond 998 characters (RFC 5322's hard limit). Folding at 78, Python's
# email package splits a long subject between encoded words and loses the space there (or leaves a
# leading one): "‘Partner agreement’" arrived as "‘Partneragreement’".
POLICY = policy.default.clone(max_line_length=998)


def new_message() -> EmailMessage:
    return EmailMessage(policy=POLICY)


class MailError(Exception):
    """The mail could not be handed over (server down, refused, timed out)."""


def build_message(to: str, subject: str, template: str, **context) -> EmailMessage:
    message = new_message()
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
    # Written under another name and renamed: whoever watches the folder (a person, a test) never
    # reads a mail that is half written.
    partial = directory / f"{name}.part"
    partial.write_bytes(bytes(message))
    os.replace(partial, directory / name)


@contextmanager
def connection() -> Iterator[Callable[[EmailMessage], None]]:
    """One connection for a batch of mails: yields ``send(message)``.

    Raises MailError when the server cannot be reached; ``send`` raises
    MailError for a mail the server refuses (the connection stays usable).
    """
    if current_app.config["MAIL_BACKEND"] != "smtp":
        yield _write_file
        return
    config = current_app.config
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    try:
        smtp = smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"])
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(str(exc)) from exc

    def send(message: EmailMessage) -> None:
        try:
            smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(str(exc)) from exc
        log.info("mail %r sent to %s", message["Subject"], message["To"])

    try:
        yield send
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


def deliver(message: EmailMessage) -> None:
    """Send one built message now. Raises MailError when it could not go out."""
    with connection() as send:
        send(message)


def public_url(endpoint: str, **values) -> str:
    """An absolute link for a mail: PUBLIC_URL and the endpoint's path."""
    return current_app.config["PUBLIC_URL"] + url_for(endpoint, **values)


@contextmanager
def links() -> Iterator[None]:
    """Links are built with url_for, which needs a request context; a task has none."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context():
        yield
