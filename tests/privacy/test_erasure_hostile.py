"""Hostile and mistaken erasure requests: a Dutch message and a 4xx, never a 500, nothing erased."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from impactnet.accounts.models import Role, User
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.database import utcnow
from impactnet.extensions import db
from impactnet.journey.models import StepProgress, StepState, StepSubmission
from impactnet.mail.models import OutboxMail
from impactnet.notifications.reminders import scan_reminders
from impactnet.organisations.models import Organisation, OrganisationStatus
from tests import factories
from tests.helpers import count, login_client

KVK = "24681357"


@pytest.fixture
def target(dordrecht):
    partner = factories.PartnerUserFactory(
        organisation__municipality=dordrecht,
        organisation__kvk_number=KVK,
        organisation__name="Vishandel De Kil",
        email="kil@example.nl",
    )
    return partner.organisation


def _untouched(organisation_id: int) -> bool:
    db.session.expire_all()
    organisation = db.session.get(Organisation, organisation_id)
    return (
        organisation.erased_at is None
        and organisation.name == "Vishandel De Kil"
        and count(User, User.organisation_id == organisation_id) == 1
        and count(AuditEvent, AuditEvent.action == AuditAction.ORGANISATION_ERASED) == 0
    )


@pytest.mark.parametrize(
    "data,message",
    [
        ({"reason": "Verzoek", "confirmation": "13572468"}, "Dit is niet het KvK-nummer van deze organisatie."),
        ({"reason": "Verzoek", "confirmation": "2468135"}, "Dit is niet het KvK-nummer van deze organisatie."),
        ({"reason": "Verzoek", "confirmation": "Vishandel De Kil"}, "Dit is niet het KvK-nummer van deze organisatie."),
        (
            {"reason": "Verzoek", "confirmation": KVK + "' OR '1'='1"},
            "Dit is niet het KvK-nummer van deze organisatie.",
        ),
        ({"reason": "Verzoek", "confirmation": KVK * 5000}, "Veld mag niet langer zijn dan 40 karakters."),
        ({"reason": "Verzoek"}, "Typ het KvK-nummer ter bevestiging."),
        ({"reason": "", "confirmation": KVK}, "Geef de reden van het verzoek."),
        ({"reason": "   \t ", "confirmation": KVK}, "Geef de reden van het verzoek."),
        ({"confirmation": KVK}, "Geef de reden van het verzoek."),
        ({"reason": "x" * 100_000, "confirmation": KVK}, "Veld mag niet langer zijn dan 2000 karakters."),
        ({"reason": "<script>alert(1)</script>", "confirmation": "<b>" + KVK}, "Dit is niet het KvK-nummer"),
    ],
)
def test_bad_erasure_form_is_refused_and_erases_nothing(client, login_as, target, data, message):
    login_as(Role.STAFF)
    response = client.post(f"/organisations/{target.id}/erase", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and "<script>alert(1)</script>" not in page
    assert "<details open>" in page  # the erasure section is open at its errors
    assert _untouched(target.id)


def test_erasing_twice_is_refused(client, login_as, target):
    login_as(Role.ADMIN)
    assert (
        client.post(f"/organisations/{target.id}/erase", data={"reason": "Verzoek", "confirmation": KVK}).status_code
        == 302
    )
    db.session.expire_all()
    placeholder = db.session.get(Organisation, target.id).kvk_number
    for confirmation in (KVK, placeholder, ""):
        response = client.post(
            f"/organisations/{target.id}/erase", data={"reason": "Nog eens", "confirmation": confirmation}
        )
        assert response.status_code == 409
        assert "zijn al gewist op" in response.get_data(as_text=True)
    assert count(AuditEvent, AuditEvent.action == AuditAction.ORGANISATION_ERASED) == 1


@pytest.mark.parametrize("role", [Role.PARTNER, Role.MUNICIPALITY])
def test_other_roles_may_not_erase(client, login, target, dordrecht, role):
    user = target.users[0] if role is Role.PARTNER else factories.MunicipalityUserFactory(municipality=dordrecht)
    login(user)
    response = client.post(f"/organisations/{target.id}/erase", data={"reason": "Verzoek", "confirmation": KVK})
    assert response.status_code == 403
    assert _untouched(target.id)


def test_visitor_is_sent_to_login_and_erases_nothing(client, target):
    response = client.post(f"/organisations/{target.id}/erase", data={"reason": "Verzoek", "confirmation": KVK})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert _untouched(target.id)


@pytest.mark.parametrize("organisation_id", ["999999", "2147483648", "-1", "abc"])
def test_unknown_organisation_is_not_found(client, login_as, target, organisation_id):
    login_as(Role.STAFF)
    response = client.post(f"/organisations/{organisation_id}/erase", data={"reason": "Verzoek", "confirmation": KVK})
    assert response.status_code == 404
    assert _untouched(target.id)


def test_get_is_not_allowed(client, login_as, target):
    login_as(Role.STAFF)
    assert client.get(f"/organisations/{target.id}/erase").status_code == 405
    assert _untouched(target.id)


def test_missing_csrf_token_is_refused(make_app, target):
    csrf_app = make_app(WTF_CSRF_ENABLED=True)
    client = csrf_app.test_client()
    login_client(client, factories.UserFactory(role=Role.STAFF))
    response = client.post(f"/organisations/{target.id}/erase", data={"reason": "Verzoek", "confirmation": KVK})
    assert response.status_code == 400
    assert "Het formulier is verlopen of niet geldig" in response.get_data(as_text=True)
    assert _untouched(target.id)


def test_staff_page_offers_the_erasure_form_with_a_csrf_token(make_app, target):
    csrf_app = make_app(WTF_CSRF_ENABLED=True)
    client = csrf_app.test_client()
    login_client(client, factories.UserFactory(role=Role.STAFF))
    page = client.get(f"/organisations/{target.id}").get_data(as_text=True)
    form = page.split(f'action="/organisations/{target.id}/erase"')[1].split("</form>")[0]
    token = form.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        f"/organisations/{target.id}/erase",
        data={"reason": "Verzoek per brief", "confirmation": "2468 1357", "csrf_token": token},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(Organisation.erased_at).where(Organisation.id == target.id)) is not None


def test_an_erased_organisation_is_frozen_and_out_of_the_queue_and_the_reminders(client, login_as, target, path):
    target.status = OrganisationStatus.LABELLED
    progress = StepProgress(
        organisation_id=target.id,
        step_id=path["partnerovereenkomst"].id,
        state=StepState.SUBMITTED,
        state_changed_at=utcnow() - timedelta(days=60),
    )
    db.session.add(progress)
    db.session.flush()
    db.session.add(
        StepSubmission(
            progress_id=progress.id,
            number=1,
            state=StepState.SUBMITTED,
            statement="Getekend",
            submitted_at=utcnow() - timedelta(days=60),
        )
    )
    db.session.commit()
    login_as(Role.STAFF)
    assert "Vishandel De Kil" in client.get("/review/").get_data(as_text=True)
    assert (
        client.post(f"/organisations/{target.id}/erase", data={"reason": "Verzoek", "confirmation": KVK}).status_code
        == 302
    )
    db.session.expire_all()
    submission = db.session.scalar(sa.select(StepSubmission).where(StepSubmission.progress_id == progress.id))

    assert f"/review/submissions/{submission.id}" not in client.get("/review/").get_data(as_text=True)
    for url, data in (
        (f"/review/submissions/{submission.id}/approve", {"note": "ok"}),
        (f"/review/organisations/{target.id}/revoke", {"reason": "Terug"}),
        (f"/review/organisations/{target.id}/withdraw", {"reason": "Weg"}),
        (f"/review/organisations/{target.id}/steps/inspiratiesessie/record", {"note": "Gehouden"}),
    ):
        response = client.post(url, data=data)
        assert response.status_code == 409, url
        assert "zijn gewist" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Organisation, target.id).status is OrganisationStatus.LABELLED  # counts unchanged
    scan_reminders(utcnow() + timedelta(days=1))
    db.session.commit()
    assert not [mail for mail in db.session.scalars(sa.select(OutboxMail)) if "Geanonimiseerde" in mail.body_text]
