import socket
from email import message_from_bytes, policy

import pytest

from impactnet.extensions import db
from impactnet.mail.messages import MailError, build_message, deliver, mail_dir
from impactnet.mail.outbox import enqueue
from tests import factories


@pytest.fixture
def message(app):
    user = factories.UserFactory(name="Jan Jansen")
    with app.test_request_context():
        return build_message(user.email, "Onderwerp", "verify_email", user=user, link="http://portal.test/x")


def test_file_backend_writes_an_eml_with_text_and_html(app, message, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "file")
    monkeypatch.setitem(app.config, "MAIL_FILE_DIR", str(tmp_path))
    deliver(message)
    assert mail_dir() == tmp_path
    (written,) = tmp_path.glob("*.eml")
    parsed = message_from_bytes(written.read_bytes(), policy=policy.default)
    assert parsed["Subject"] == "Onderwerp"
    assert "Beste Jan Jansen," in parsed.get_body(preferencelist=("plain",)).get_content()
    assert '<a href="http://portal.test/x"' in parsed.get_body(preferencelist=("html",)).get_content()


def test_smtp_delivery_reaches_the_server(message, mailbox):
    deliver(message)
    assert [m["Subject"] for m in mailbox] == ["Onderwerp"]


@pytest.mark.parametrize(
    "subject",
    [
        "Gefeliciteerd: Bakkerij De Merwede heeft het label Ondernemen met impact",
        "St MBO vraagt een aanpassing bij de stap ‘Partner agreement’ van Bakkerij De Merwede",
    ],
)
def test_a_long_subject_arrives_as_written(app, mailbox, subject):
    """Folded at 78 characters, the subject arrived with a leading space, or with the space between
    two encoded words lost ("Partneragreement")."""
    user = factories.UserFactory()
    with app.test_request_context():
        message = build_message(user.email, subject, "verify_email", user=user, link="http://portal.test/x")
    enqueue(message, dedupe_key="long-subject", kind="test")
    db.session.commit()
    assert [m["Subject"] for m in mailbox] == [subject]


def test_smtp_server_that_never_answers_times_out(app, message, monkeypatch):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts the connection, never sends a greeting
    monkeypatch.setitem(app.config, "MAIL_PORT", silent.getsockname()[1])
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 1)
    try:
        with pytest.raises(MailError):
            deliver(message)
    finally:
        silent.close()
