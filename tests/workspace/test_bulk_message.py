"""A message from St MBO to the users of a selection of organisations: the preview's counts, one
mail per user through the outbox, nothing twice, real delivery, and the audit trail."""

from __future__ import annotations

import sqlalchemy as sa

from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.extensions import db
from impactnet.mail.models import OutboxMail
from tests.helpers import count
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


def _events():
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == AuditAction.BULK_MESSAGE_SENT)))


def test_the_form_shows_the_selection(client, staff, partners):  # noqa: F811
    page = client.get("/organisations/bulk/message", query_string=selection(partners["bakery"], partners["builder"]))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "2 organisaties gekozen" in text and "Bakkerij De Molen" in text and "Bouwbedrijf Zwijn" in text
    assert 'name="subject"' in text and 'maxlength="150"' in text


def test_the_preview_counts_distinct_recipients_and_says_who_is_left_out(client, staff, partners):  # noqa: F811
    data = selection(partners["bakery"], partners["builder"], partners["erased"])
    response = preview_message(client, data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "2 organisaties gekozen" in page  # the erased one is left out ...
    assert "1 aangevinkte organisatie doet niet mee" in page  # ... and the page says so
    assert "3 ontvangers" in page and "bij 2 organisaties." in page  # Anna, Bram (reminders off) and Bert
    assert "1 gebruiker</li>" not in page
    for reason in ("account gedeactiveerd", "uitgenodigd, nog niet aangemeld", "e-mailadres nog niet bevestigd"):
        assert f"1 gebruiker: {reason}" in page
    assert "Beste Anna," in page and SUBJECT in page and "Op 14 januari komen alle partners samen" in page
    assert "anna@molen.example.nl" in page
    assert 'value="Versturen"' in page
    assert count(OutboxMail) == 0 and _events() == []  # a preview sends and records nothing


def test_sending_queues_one_mail_per_user_and_records_the_action(client, staff, partners):  # noqa: F811
    data = selection(partners["bakery"], partners["builder"], status="")
    token = token_in(preview_message(client, data).get_data(as_text=True))
    response = send_message(client, data, token)
    assert response.status_code == 302 and response.headers["Location"] == "/organisations/"
    mails = list(db.session.scalars(sa.select(OutboxMail).order_by(OutboxMail.to_address)))
    assert [m.to_address for m in mails] == ["anna@molen.example.nl", "bert@zwijn.example.nl", "bram@molen.example.nl"]
    assert {m.kind for m in mails} == {"bulk_message"} and {m.subject for m in mails} == {SUBJECT}
    assert len({m.dedupe_key for m in mails}) == 3
    assert mails[1].organisation_id == partners["builder"].id
    [event] = _events()
    assert event.actor_id == staff.id
    assert event.after["subject"] == SUBJECT and event.after["recipients"] == 3 and event.after["queued"] == 3
    assert event.after["organisations"] == 2 and event.after["excluded"] == {
        "deactivated": 1,
        "invited": 1,
        "unverified": 1,
    }
    assert event.after["selection"] == {
        "scope": "selected",
        "filters": {},
        "ids": [partners["bakery"].id, partners["builder"].id],
    }
    page = client.get("/organisations/").get_data(as_text=True)
    assert "Het bericht gaat naar 3 ontvangers bij 2 organisaties." in page and "Mislukte e-mails" in page


def test_a_resubmit_or_double_click_sends_nothing_new(client, staff, partners):  # noqa: F811
    data = selection(partners["bakery"], partners["builder"])
    token = token_in(preview_message(client, data).get_data(as_text=True))
    send_message(client, data, token)
    again = send_message(client, data, token)
    assert again.status_code == 302
    assert count(OutboxMail) == 3 and len(_events()) == 1
    assert "Dit bericht was al verstuurd. Er is niets opnieuw verstuurd." in client.get("/organisations/").get_data(
        as_text=True
    )
    # A new preview of the same message is a new action: sending it sends again, on purpose.
    token = token_in(preview_message(client, data).get_data(as_text=True))
    send_message(client, data, token)
    assert count(OutboxMail) == 6 and len(_events()) == 2


def test_the_mails_arrive_over_smtp_with_subject_body_and_the_frame(client, staff, partners, mailbox):  # noqa: F811
    data = selection(partners["bakery"])
    body = "Beste partners,\n\nWe openen <b>de inschrijving</b> & meer.\nTweede regel."
    token = token_in(preview_message(client, data, body=body).get_data(as_text=True))
    send_message(client, data, token, body=body)
    delivered = {m["To"]: m for m in mailbox}
    assert set(delivered) == {"anna@molen.example.nl", "bram@molen.example.nl"}  # reminders off: still a service mail
    message = delivered["anna@molen.example.nl"]
    assert message["Subject"] == SUBJECT
    text = message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    assert text.startswith("Beste Anna,") and "We openen <b>de inschrijving</b> & meer.\nTweede regel." in text
    assert "contactpersoon van Bakkerij De Molen" in text and "http://portal.test/dashboard" in text
    assert "herinnering" not in text  # no reminder footer: this is not a reminder
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "&lt;b&gt;de inschrijving&lt;/b&gt; &amp; meer." in html and "<b>de" not in html


def test_a_changed_text_or_selection_needs_a_new_preview(client, staff, partners):  # noqa: F811
    data = selection(partners["bakery"])
    token = token_in(preview_message(client, data).get_data(as_text=True))
    changed = send_message(client, data, token, body=BODY + " Tot dan!")
    assert changed.status_code == 409
    page = changed.get_data(as_text=True)
    assert "veranderd sinds de voorvertoning" in page and "Tot dan!" in page and token_in(page) != token
    wider = send_message(client, selection(partners["bakery"], partners["builder"]), token)
    assert wider.status_code == 409
    assert count(OutboxMail) == 0 and _events() == []


def test_a_forged_or_foreign_token_sends_nothing(app, client, staff, partners, login_as):  # noqa: F811
    data = selection(partners["bakery"])
    token = token_in(preview_message(client, data).get_data(as_text=True))
    assert send_message(client, data, token[:-3] + "abc").status_code == 400
    assert send_message(client, data, "").status_code == 400
    colleague = app.test_client()
    from tests import factories
    from tests.helpers import login_client

    login_client(colleague, factories.UserFactory(role="staff"))
    response = send_message(colleague, data, token)  # someone else's preview
    assert response.status_code == 400 and "hoort niet bij een voorvertoning" in response.get_data(as_text=True)
    assert count(OutboxMail) == 0


def test_nobody_to_mail_offers_no_send_button_and_sends_nothing(client, staff, partners):  # noqa: F811
    partners["bert"].active = False
    db.session.commit()
    data = selection(partners["builder"])
    page = preview_message(client, data).get_data(as_text=True)
    assert "0 ontvangers" in page and "Niemand in deze selectie kan dit bericht ontvangen" in page
    assert 'value="Versturen"' not in page
    assert send_message(client, data, token_in(page)).status_code == 302
    assert count(OutboxMail) == 0 and _events() == []
    assert "Er is niets verstuurd." in client.get("/organisations/").get_data(as_text=True)


def test_edit_goes_back_to_the_form_with_the_text(client, staff, partners):  # noqa: F811
    data = selection(partners["bakery"])
    response = client.post("/organisations/bulk/message", data={**data, "subject": SUBJECT, "body": BODY, "edit": "1"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'value="{SUBJECT}"' in page and "Op 14 januari" in page and "Voorvertoning bekijken" in page


def test_each_recipient_gets_the_frame_in_their_own_language(client, staff, partners, mailbox):  # noqa: F811
    partners["bert"].locale = "en"
    db.session.commit()
    data = selection(partners["builder"])
    send_message(client, data, token_in(preview_message(client, data).get_data(as_text=True)))
    [message] = list(mailbox)
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert text.startswith("Dear Bert,") and "Op 14 januari" in text  # St MBO's own words as written
    assert "as a contact person of Bouwbedrijf Zwijn" in text
