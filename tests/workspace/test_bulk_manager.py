"""One account manager for a selection: the preview says who changes from whom, the confirmation
goes through the organisation page's service (one audit event per organisation) plus one for the action."""

from __future__ import annotations

import sqlalchemy as sa

from impactnet.accounts.models import Role
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.extensions import db
from tests import factories
from tests.workspace.bulk_helpers import partners, selection, staff, token_in  # noqa: F401


def _events(action):
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def _preview(client, data, manager_id):
    return client.post(
        "/organisations/bulk/account-manager", data={**data, "account_manager": str(manager_id), "preview": "1"}
    )


def _assign(client, data, manager_id, token):
    return client.post(
        "/organisations/bulk/account-manager/assign",
        data={**data, "account_manager": str(manager_id), "token": token, "assign": "1"},
    )


def test_the_preview_says_who_changes_from_whom_and_who_has_it_already(client, staff, partners):  # noqa: F811
    karim = factories.UserFactory(role=Role.STAFF, name="Karim Bouzid")
    partners["builder"].account_manager_id = staff.id
    partners["bakery"].account_manager_id = karim.id
    third = factories.OrganisationFactory(municipality=partners["bakery"].municipality, name="Cafe Het Hof")
    db.session.commit()
    assert (
        client.get("/organisations/bulk/account-manager", query_string=selection(partners["bakery"])).status_code == 200
    )
    data = selection(partners["bakery"], partners["builder"], third)
    response = _preview(client, data, staff.id)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "2 organisaties krijgen Sanne de Vries." in page and "1 organisatie heeft die al." in page
    changes = page.split("Wat verandert", 1)[1].split("</table>", 1)[0]
    assert "Bakkerij De Molen" in changes and "Karim Bouzid" in changes and "Cafe Het Hof" in changes
    assert "Bouwbedrijf Zwijn" not in changes
    assert "Bouwbedrijf Zwijn" in page.split("Hebben deze relatiebeheerder al", 1)[1]
    assert _events(AuditAction.ACCOUNT_MANAGER_SET) == []  # the preview changes nothing
    assert db.session.get(type(third), third.id).account_manager_id is None


def test_confirming_assigns_audits_each_organisation_and_the_action(client, staff, partners):  # noqa: F811
    partners["builder"].account_manager_id = staff.id
    db.session.commit()
    data = selection(everything=True, municipality="dordrecht")  # the bakery (the erased one is left out)
    token = token_in(_preview(client, data, staff.id).get_data(as_text=True))
    response = _assign(client, data, staff.id, token)
    assert response.status_code == 302 and response.headers["Location"] == "/organisations/?municipality=dordrecht"
    db.session.expire_all()
    assert partners["bakery"].account_manager_id == staff.id and partners["erased"].account_manager_id is None
    [one] = _events(AuditAction.ACCOUNT_MANAGER_SET)
    assert one.organisation_id == partners["bakery"].id and one.after == {"account_manager_id": staff.id}
    [action] = _events(AuditAction.BULK_ACCOUNT_MANAGER_SET)
    assert action.actor_id == staff.id and action.after["changed"] == 1 and action.after["organisations"] == 1
    assert action.after["selection"] == {"scope": "all", "filters": {"municipality": "dordrecht"}}
    assert action.after["left_out"] == 1
    assert "De relatiebeheerder is gewijzigd bij 1 organisatie." in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    # A second click changes and records nothing.
    _assign(client, data, staff.id, token)
    assert (
        len(_events(AuditAction.ACCOUNT_MANAGER_SET)) == 1 and len(_events(AuditAction.BULK_ACCOUNT_MANAGER_SET)) == 1
    )


def test_nobody_takes_the_account_manager_away(client, staff, partners):  # noqa: F811
    partners["bakery"].account_manager_id = partners["builder"].account_manager_id = staff.id
    db.session.commit()
    data = selection(partners["bakery"], partners["builder"])
    page = _preview(client, data, "").get_data(as_text=True)
    assert "2 organisaties krijgen geen relatiebeheerder." in page
    _assign(client, data, "", token_in(page))
    db.session.expire_all()
    assert partners["bakery"].account_manager_id is None and partners["builder"].account_manager_id is None
    assert len(_events(AuditAction.ACCOUNT_MANAGER_SET)) == 2


def test_another_manager_than_previewed_needs_a_new_preview(client, staff, partners):  # noqa: F811
    karim = factories.UserFactory(role=Role.STAFF, name="Karim Bouzid")
    data = selection(partners["bakery"])
    token = token_in(_preview(client, data, staff.id).get_data(as_text=True))
    response = _assign(client, data, karim.id, token)
    assert response.status_code == 409 and "Karim Bouzid" in response.get_data(as_text=True)
    assert _events(AuditAction.ACCOUNT_MANAGER_SET) == []


def test_only_active_staff_can_be_the_account_manager(client, staff, partners):  # noqa: F811
    former = factories.UserFactory(role=Role.STAFF, active=False)
    viewer = factories.MunicipalityUserFactory(municipality=partners["bakery"].municipality)
    data = selection(partners["bakery"])
    for manager_id in (partners["anna"].id, viewer.id, former.id, 999999, "abc", "-1", "1e3"):
        for response in (_preview(client, data, manager_id), _assign(client, data, manager_id, "x")):
            assert response.status_code == 422, manager_id
            assert "Kies een medewerker van St MBO uit de lijst." in response.get_data(as_text=True)
    db.session.expire_all()
    assert partners["bakery"].account_manager_id is None and _events(AuditAction.ACCOUNT_MANAGER_SET) == []
