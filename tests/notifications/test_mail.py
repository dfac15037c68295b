import socket
from email import message_from_bytes, policy

import pytest

from impactnet.notifications.mail import MailError, build_message, deliver, mail_dir
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
    assert "<a href=\"http://portal.test/x\"" in parsed.get_body(preferencelist=("html",)).get_content()


def test_smtp_delivery_reaches_the_server(message, mailbox):
    deliver(message)
    assert [m["Subject"] for m in mailbox] == ["Onderwerp"]


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
