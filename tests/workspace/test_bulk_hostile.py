"""Hostile input on the bulk actions' forms, and who may use them: a Dutch message and a 4xx,
never a 500, and nothing sent, changed or recorded."""

from __future__ import annotations

import pytest

from impactnet.accounts.models import Role
from impactnet.audit.models import AuditEvent
from impactnet.mail.models import OutboxMail
from tests import factories
from tests.helpers import count, login_client
from tests.workspace.bulk_helpers import (  # noqa: F401
    BODY,
    SUBJECT,
    partners,
    preview_message,
    selection,
    send_message,
    staff,
    token_in,
)

SCRIPT = "<script>alert('xss')</script>"


@pytest.mark.parametrize(
    "subject, body, message",
    [
        ("Nieuwjaar\r\nBcc: iedereen@example.nl", BODY, "Het onderwerp moet op één regel passen"),
        ("Nieuwjaar\nBcc: iedereen@example.nl", BODY, "Het onderwerp moet op één regel passen"),
        ("Nieuw\x00jaar", BODY, None),  # NUL: refused before any form (400)
        ("x" * 151, BODY, "Het onderwerp mag hoogstens 150 tekens lang zijn."),
        ("   ", BODY, "Vul het onderwerp in."),
        (SUBJECT, "", "Schrijf het bericht."),
        (SUBJECT, "x" * 5001, "Het bericht mag hoogstens 5000 tekens lang zijn."),
        (SUBJECT, "x" * 300_000, "Het bericht mag hoogstens 5000 tekens lang zijn."),
    ],
)
def test_a_bad_message_is_refused(client, staff, partners, subject, body, message):  # noqa: F811
    data = selection(partners["bakery"])
    for response in (preview_message(client, data, subject, body), send_message(client, data, "x", subject, body)):
        if message is None:
            assert response.status_code == 400
        else:
            assert response.status_code == 422
            page = response.get_data(as_text=True)
            assert message in page and "Controleer het formulier" in page
    assert count(OutboxMail) == count(AuditEvent) == 0


def test_script_in_the_message_is_shown_as_text(client, staff, partners):  # noqa: F811
    page = preview_message(client, selection(partners["bakery"]), SCRIPT, SCRIPT).get_data(as_text=True)
    assert SCRIPT not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize(
    "ids, filter_, scope, status, message",
    [
        ("abc", "", "selected", 400, "De selectie bevat iets dat geen organisatie is"),
        ("1;DROP TABLE organisations", "", "selected", 400, "De selectie bevat iets dat geen organisatie is"),
        ("-5", "", "selected", 400, "De selectie bevat iets dat geen organisatie is"),
        ("１２", "", "selected", 400, "De selectie bevat iets dat geen organisatie is"),
        ("99999999999999999999", "", "selected", 400, "De selectie bevat iets dat geen organisatie is"),
        ("2147483647", "", "selected", 422, "Geen van de gekozen organisaties kan meedoen"),
        ("", "status=evil", "all", 400, "Kies een status uit de lijst."),
        ("", "manager=12345", "all", 400, "Kies een relatiebeheerder uit de lijst."),
        ("", "q=" + "x" * 2000, "all", 400, "De selectie is niet te lezen"),
        ("", "", "everything", 400, "De selectie is niet te lezen"),
    ],
)
def test_a_tampered_selection_is_refused(client, staff, partners, ids, filter_, scope, status, message):  # noqa: F811
    data = {"ids": ids, "filter": filter_, "scope": scope}
    for response in (
        client.get("/organisations/bulk/message", query_string=data),
        preview_message(client, data),
        send_message(client, data, "x"),
        client.post("/organisations/bulk/account-manager/assign", data={**data, "account_manager": ""}),
        client.post("/organisations/bulk/download", data={**data, "fmt": "csv"}),
    ):
        assert response.status_code == status
        assert message in response.get_data(as_text=True)
    assert count(OutboxMail) == count(AuditEvent) == 0


def test_every_form_needs_its_csrf_token(make_app, partners):  # noqa: F811
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    login_client(client, factories.UserFactory(role=Role.STAFF))
    data = {**selection(partners["bakery"]), "subject": SUBJECT, "body": BODY, "account_manager": "", "fmt": "csv"}
    for url in (
        "/organisations/bulk/message",
        "/organisations/bulk/message/send",
        "/organisations/bulk/account-manager",
        "/organisations/bulk/account-manager/assign",
        "/organisations/bulk/download",
    ):
        response = client.post(url, data=data)
        assert response.status_code == 400, url
    assert count(OutboxMail) == count(AuditEvent) == 0


ROUTES = [
    ("GET", "/organisations/bulk/message"),
    ("POST", "/organisations/bulk/message"),
    ("POST", "/organisations/bulk/message/send"),
    ("GET", "/organisations/bulk/account-manager"),
    ("POST", "/organisations/bulk/account-manager"),
    ("POST", "/organisations/bulk/account-manager/assign"),
    ("GET", "/organisations/bulk/download"),
    ("POST", "/organisations/bulk/download"),
]


@pytest.mark.parametrize("who", ["partner", "other partner", "viewer", "visitor"])
def test_partners_viewers_and_visitors_get_none_of_it(app, staff, partners, who):  # noqa: F811
    # A valid preview of staff, replayed by someone else.
    staff_client = app.test_client()
    login_client(staff_client, staff)
    data = selection(partners["bakery"])
    token = token_in(preview_message(staff_client, data).get_data(as_text=True))
    client = app.test_client()
    user = {
        "partner": partners["anna"],
        "other partner": partners["bert"],
        "viewer": factories.MunicipalityUserFactory(municipality=partners["bakery"].municipality),
        "visitor": None,
    }[who]
    if user is not None:
        login_client(client, user)
    form = {**data, "subject": SUBJECT, "body": BODY, "token": token, "account_manager": "", "fmt": "csv"}
    for method, url in ROUTES:
        response = client.open(
            url, method=method, query_string=data if method == "GET" else None, data=form if method == "POST" else None
        )
        if user is None:
            assert response.status_code == 302 and response.headers["Location"].startswith("/login"), url
        else:
            assert response.status_code == 403, url
        assert "gekozen" not in response.get_data(as_text=True)
    assert count(OutboxMail) == 0 and count(AuditEvent) == 0
    assert "bulk-pick" not in client.get("/organisations/").get_data(as_text=True)
