"""Staff see the mails that failed and send them again."""

from __future__ import annotations

import pytest

from impactnet.accounts.models import Role
from impactnet.extensions import db
from impactnet.mail.models import MailStatus, OutboxMail

SCRIPT = "<script>alert('xss')</script>"


def _mail(status=MailStatus.FAILED, **kwargs) -> OutboxMail:
    values = {
        "dedupe_key": f"test:{status}:{kwargs.get('to_address', 'x')}",
        "kind": "test",
        "to_address": "fatima@bakkerij.example.nl",
        "subject": "Herinnering",
        "body_text": "Tekst",
        "body_html": "<p>Tekst</p>",
        "status": status,
        "attempts": 6,
        "last_error": "550 mailbox unavailable",
    }
    values.update(kwargs)
    mail = OutboxMail(**values)
    db.session.add(mail)
    db.session.commit()
    return mail


def test_staff_see_failed_mails_only(client, login_as):
    login_as(Role.STAFF)
    _mail(subject=SCRIPT, last_error="x" * 1000)
    _mail(to_address="jan@example.nl", subject="Andere", last_error="421 try later")
    _mail(MailStatus.SENT, to_address="sent@example.nl")
    _mail(MailStatus.PENDING, to_address="pending@example.nl")
    page = client.get("/outbox")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "2 mislukte e-mails, nieuwste eerst" in html
    assert "fatima@bakkerij.example.nl" in html and "jan@example.nl" in html and "421 try later" in html
    assert "sent@example.nl" not in html and "pending@example.nl" not in html
    assert SCRIPT not in html and "&lt;script&gt;" in html
    assert "x" * 400 not in html  # long errors are shortened
    assert "Mislukte e-mails" in client.get("/dashboard").get_data(as_text=True)  # in the menu


def test_the_list_shows_the_newest_when_there_are_many(client, login_as, monkeypatch):
    from impactnet.notifications import views

    monkeypatch.setattr(views, "SHOWN", 1)
    login_as(Role.STAFF)
    _mail(to_address="old@example.nl")
    _mail(to_address="new@example.nl")
    html = client.get("/outbox").get_data(as_text=True)
    assert "2 mislukte e-mails, nieuwste eerst (de nieuwste 1 staan hieronder)" in html
    assert "new@example.nl" in html and "old@example.nl" not in html


def test_retry_sends_the_mail_again(client, login_as, mailbox):
    login_as(Role.ADMIN)
    mail = _mail()
    response = client.post(f"/outbox/{mail.id}/retry")
    assert response.status_code == 302 and response.headers["Location"] == "/outbox"
    db.session.refresh(mail)
    assert mail.status is MailStatus.PENDING and mail.attempts == 0 and mail.last_error is None
    assert [m["To"] for m in mailbox] == ["fatima@bakkerij.example.nl"]
    db.session.refresh(mail)
    assert mail.status is MailStatus.SENT

    again = client.post(f"/outbox/{mail.id}/retry", follow_redirects=True)  # a second click: nothing resent
    assert again.status_code == 200
    assert "er is niets opnieuw verstuurd" in again.get_data(as_text=True)
    assert len(mailbox) == 1


@pytest.mark.parametrize(
    "path", ["/outbox/999999/retry", "/outbox/99999999999/retry", "/outbox/-1/retry", "/outbox/abc/retry"]
)
def test_retry_of_an_unknown_mail_is_not_found(client, login_as, path):
    login_as(Role.STAFF)
    assert client.post(path).status_code == 404


@pytest.mark.parametrize("role", [Role.PARTNER, Role.MUNICIPALITY])
def test_others_may_not_see_or_retry(client, login_as, role):
    mail = _mail()
    login_as(role)
    assert client.get("/outbox").status_code == 403
    assert client.post(f"/outbox/{mail.id}/retry").status_code == 403
    db.session.refresh(mail)
    assert mail.status is MailStatus.FAILED
    assert "Mislukte e-mails" not in client.get("/account/reminders").get_data(as_text=True)  # not in the menu


def test_visitors_are_sent_to_the_login_page(client):
    mail = _mail()
    response = client.post(f"/outbox/{mail.id}/retry")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
