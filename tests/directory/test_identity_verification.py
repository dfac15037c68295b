"""Verification across a change of KvK number or name: a requested number is nobody's until St MBO
approves; afterwards the new and the old number answer for the organisation, with its identity
history; and nothing more is revealed than before for numbers that may not be verified."""

from __future__ import annotations

import pytest

from impactnet.accounts.models import Role
from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.organisations import identity
from impactnet.organisations.models import OrganisationStatus as Status
from tests import factories
from tests.organisations.helpers import details_of, labelled


def _change(organisation, *, approved: bool, **changes) -> None:
    """The organisation's partner asks for ``changes``; St MBO approves them, or not yet."""
    partner = factories.PartnerUserFactory(organisation=organisation)
    assert identity.save_details(partner, organisation, details_of(organisation, **changes)).identity == "requested"
    if approved:
        identity.approve(factories.UserFactory(role=Role.STAFF), identity.pending_change(organisation))
    db.session.commit()


def _api(client, kvk: str):
    response = client.get(f"/api/v1/verify/{kvk}")
    return response.status_code, response.get_json()


def _answers_like_an_unregistered_number(client, kvk: str) -> None:
    asked, unregistered = client.get(f"/api/v1/verify/{kvk}"), client.get("/api/v1/verify/98989898")
    assert asked.status_code == unregistered.status_code == 404
    assert asked.get_data().replace(kvk.encode(), b"X") == unregistered.get_data().replace(b"98989898", b"X")
    page = client.get(f"/verify/{kvk}")
    assert page.status_code == 404
    assert page.get_data(as_text=True).replace(kvk, "X") == client.get("/verify/98989898").get_data(
        as_text=True
    ).replace("98989898", "X")
    assert client.get(f"/badge/{kvk}.svg").status_code == 404


def test_a_requested_number_is_nobodys_until_approved(client, dordrecht):
    organisation = labelled(dordrecht)
    _change(organisation, approved=False, kvk_number="22222222", name="Overnemer B.V.")

    _answers_like_an_unregistered_number(client, "22222222")
    status, body = _api(client, "11111111")
    assert status == 200 and body["name"] == "Aannemer Groen" and body["former_identities"] == []
    assert "Overnemer" not in client.get("/verify/11111111").get_data(as_text=True)


def test_a_former_number_of_an_organisation_that_may_not_be_verified_stays_unknown(client, dordrecht):
    hidden = factories.OrganisationFactory(municipality=dordrecht, kvk_number="33333333", status=Status.PARTNER)
    _change(hidden, approved=True, kvk_number="44444444")

    _answers_like_an_unregistered_number(client, "33333333")
    _answers_like_an_unregistered_number(client, "44444444")


def test_a_name_change_keeps_the_number_and_shows_the_former_name(client, dordrecht):
    organisation = labelled(dordrecht)
    _change(organisation, approved=True, name="Groen Bouw B.V.")

    status, body = _api(client, "11111111")
    assert status == 200
    assert (body["kvk"], body["name"], body["asked_kvk_until"]) == ("11111111", "Groen Bouw B.V.", None)
    assert body["former_identities"] == [
        {"kvk": "11111111", "name": "Aannemer Groen", "until": local_today().isoformat()}
    ]
    page = client.get("/verify/11111111").get_data(as_text=True)
    assert "Eerder bekend als" in page and "hoorde tot" not in page


def test_two_changes_and_the_oldest_number_still_answers(client, dordrecht):
    organisation = labelled(dordrecht)
    _change(organisation, approved=True, kvk_number="22222222", name="Tweede Naam B.V.")
    _change(organisation, approved=True, kvk_number="33333333", name="Derde Naam B.V.")

    for kvk in ("11111111", "22222222", "33333333"):
        status, body = _api(client, kvk)
        assert status == 200 and (body["kvk"], body["name"], body["asked_kvk"]) == ("33333333", "Derde Naam B.V.", kvk)
        assert [f["kvk"] for f in body["former_identities"]] == ["11111111", "22222222"]
        assert (body["asked_kvk_until"] is None) == (kvk == "33333333")
    html = client.get("/verify/11111111").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in html and "http://portal.test/verify/33333333" in html  # QR: current number


def test_the_current_holder_of_a_former_number_answers_first(client, dordrecht):
    organisation = labelled(dordrecht)
    _change(organisation, approved=True, kvk_number="22222222")
    newcomer = labelled(dordrecht, name="Nieuwe Eigenaar", kvk="11111111")  # got the old number, has a label

    status, body = _api(client, "11111111")
    assert status == 200 and (body["name"], body["asked_kvk_until"]) == ("Nieuwe Eigenaar", None)
    assert newcomer.kvk_number == body["kvk"]


def test_a_former_number_now_held_by_a_hidden_applicant_answers_for_the_former_holder(client, dordrecht):
    organisation = labelled(dordrecht)
    _change(organisation, approved=True, kvk_number="22222222", name="Overnemer B.V.")
    factories.OrganisationFactory(municipality=dordrecht, name="Stille Aanmelder", kvk_number="11111111")

    status, body = _api(client, "11111111")
    assert status == 200 and (body["kvk"], body["name"]) == ("22222222", "Overnemer B.V.")
    assert "Stille Aanmelder" not in client.get("/verify/11111111").get_data(as_text=True)


@pytest.mark.parametrize("kvk", ["11111111", "22222222"])
def test_the_answers_have_the_documented_keys(client, dordrecht, kvk):
    _change(labelled(dordrecht), approved=True, kvk_number="22222222")
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    status, body = _api(client, kvk)
    assert status == 200 and set(body) == set(schemas["Verification"]["required"])
    assert set(body["former_identities"][0]) == set(schemas["FormerIdentity"]["required"])


def test_erased_after_a_change_both_numbers_are_unknown(client, dordrecht):
    organisation = labelled(dordrecht)
    _change(organisation, approved=True, kvk_number="22222222")
    organisation.erased_at = organisation.created_at
    db.session.commit()
    for kvk in ("11111111", "22222222"):
        assert _api(client, kvk)[0] == 404
