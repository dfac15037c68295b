"""Every user chooses whether reminder mails come; the scan respects it."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from impactnet.accounts.models import Role, User
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.database import utcnow
from impactnet.extensions import db
from impactnet.journey.models import StepProgress, StepState
from impactnet.notifications.reminders import scan_reminders
from impactnet.organisations.models import OrganisationStatus
from tests.helpers import count


def _events() -> list[AuditEvent]:
    return list(
        db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == AuditAction.USER_PREFERENCES_CHANGED))
    )


@pytest.mark.parametrize("role", list(Role))
def test_every_role_can_switch_reminders_off_and_on(client, login_as, role):
    user = login_as(role)
    page = client.get("/account/reminders").get_data(as_text=True)
    assert "Herinneringen per e-mail ontvangen" in page and "checked" in page
    assert '<li><a href="/account/reminders" aria-current="page">Herinneringen</a></li>' in page  # in the menu, current

    response = client.post("/account/reminders", data={"submit": "Opslaan"})
    assert response.status_code == 302
    assert db.session.get(User, user.id).reminders_enabled is False
    assert "checked" not in client.get("/account/reminders").get_data(as_text=True)
    (event,) = _events()
    assert (event.actor_id, event.object_id, event.before, event.after) == (
        user.id,
        user.id,
        {"reminders_enabled": True},
        {"reminders_enabled": False},
    )
    assert event.organisation_id == user.organisation_id

    client.post("/account/reminders", data={"submit": "Opslaan"})  # no change: no event
    assert len(_events()) == 1
    client.post("/account/reminders", data={"enabled": "y", "submit": "Opslaan"})
    db.session.expire_all()
    assert db.session.get(User, user.id).reminders_enabled is True
    assert len(_events()) == 2


def test_visitors_are_sent_to_the_login_page(client):
    assert client.get("/account/reminders").headers["Location"].startswith("/login")
    assert client.post("/account/reminders", data={"enabled": "y"}).headers["Location"].startswith("/login")
    assert count(AuditEvent) == 0


@pytest.mark.parametrize("value", ["<script>alert(1)</script>", "x" * 5000, "１", "true' OR '1'='1"])
def test_junk_in_the_checkbox_never_errors(client, login_as, value):
    user = login_as(Role.PARTNER, reminders_enabled=False)
    response = client.post("/account/reminders", data={"enabled": value, "submit": "Opslaan"})
    assert response.status_code == 302
    assert db.session.get(User, user.id).reminders_enabled is True  # any value of a ticked box means ticked


def test_nul_character_is_refused(client, login_as):
    user = login_as(Role.PARTNER)
    assert client.post("/account/reminders", data={"enabled": "\x00", "submit": "Opslaan"}).status_code == 400
    assert db.session.get(User, user.id).reminders_enabled is True


def test_the_scan_respects_the_choice(client, login_as, mailbox, path):
    now = utcnow()
    partner = login_as(Role.PARTNER)
    organisation = partner.organisation
    organisation.status = OrganisationStatus.PARTNER
    db.session.add(
        StepProgress(
            organisation_id=organisation.id,
            step_id=path["partnerovereenkomst"].id,
            state=StepState.DRAFT,
            state_changed_at=now - timedelta(days=15),
        )
    )
    db.session.commit()
    client.post("/account/reminders", data={"submit": "Opslaan"})
    assert scan_reminders(now) == 0
    client.post("/account/reminders", data={"enabled": "y", "submit": "Opslaan"})
    assert scan_reminders(now) == 1
    db.session.commit()
    assert [m["To"] for m in mailbox] == [partner.email]
