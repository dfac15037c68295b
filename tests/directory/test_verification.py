"""Label verification: the page, the JSON API and the badge tell the same status; unknown numbers
reveal nothing; malformed numbers are refused."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.organisations.models import OrganisationStatus as Status
from tests import factories


@pytest.fixture
def organisations(dordrecht):
    today = local_today()
    make = factories.OrganisationFactory
    return {
        # Labelled but not in the directory: a label is a public claim, so it can be verified.
        "labelled": make(
            municipality=dordrecht,
            name="Aannemer Groen",
            kvk_number="11111111",
            status=Status.LABELLED,
            label_awarded_on=today - timedelta(days=30),
            label_valid_until=today + timedelta(days=700),
        ),
        "expired": make(
            municipality=dordrecht,
            name="Café Oud",
            kvk_number="22222222",
            status=Status.LABELLED,
            label_awarded_on=today - timedelta(days=800),
            label_valid_until=today - timedelta(days=1),
        ),
        "revoked": make(
            municipality=dordrecht,
            name="Drukkerij Rood",
            kvk_number="33333333",
            status=Status.LABEL_REVOKED,
            label_awarded_on=today - timedelta(days=90),
            label_valid_until=today + timedelta(days=600),
            label_revoked_on=today,
        ),
        "listed_partner": make(
            municipality=dordrecht,
            name="Bakkerij Zoet",
            kvk_number="44444444",
            status=Status.WORKING_TOWARD_LABEL,
            public_listing=True,
        ),
        "hidden_partner": make(
            municipality=dordrecht, name="Stille Partner", kvk_number="55555555", status=Status.PARTNER
        ),
        "applicant": make(municipality=dordrecht, name="Nieuwkomer", kvk_number="66666666", public_listing=True),
    }


@pytest.mark.parametrize(
    "key, status, label",
    [
        ("labelled", "labelled", "Label geldig"),
        ("expired", "expired", "Label verlopen"),
        ("revoked", "revoked", "Label ingetrokken"),
        ("listed_partner", "working_toward_label", "Werkt aan het label"),
    ],
)
def test_page_api_and_badge_agree(client, organisations, key, status, label):
    organisation = organisations[key]
    kvk = organisation.kvk_number
    api = client.get(f"/api/v1/verify/{kvk}")
    assert api.status_code == 200
    body = json.loads(api.get_data())
    assert body["kvk"] == kvk and body["name"] == organisation.name and body["municipality"] == "dordrecht"
    assert body["status"] == status and body["checked_at"]
    assert body["label_valid_until"] == (
        organisation.label_valid_until.isoformat() if organisation.label_valid_until else None
    )
    page = client.get(f"/verify/{kvk}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and organisation.name in html and label in html
    assert "Gecontroleerd op" in html and 'src="data:image/svg+xml' in html  # the QR code
    badge = client.get(f"/badge/{kvk}.svg")
    assert badge.status_code == 200 and badge.mimetype == "image/svg+xml"
    assert label in badge.get_data(as_text=True)
    max_age = int(badge.headers["Cache-Control"].split("max-age=")[1])
    assert max_age <= 3600  # a revocation shows on partners' sites within the hour


def test_the_qr_code_leads_to_the_page(client, organisations):
    html = client.get("/verify/11111111").get_data(as_text=True)
    assert "http://portal.test/verify/11111111" in html


@pytest.mark.parametrize("key", ["hidden_partner", "applicant"])
def test_an_organisation_without_label_or_listing_is_unknown(client, organisations, key):
    kvk = organisations[key].kvk_number
    api = client.get(f"/api/v1/verify/{kvk}")
    assert api.status_code == 404 and json.loads(api.get_data()) == {"kvk": kvk, "status": "unknown"}
    page = client.get(f"/verify/{kvk}")
    assert page.status_code == 404 and organisations[key].name not in page.get_data(as_text=True)
    assert client.get(f"/badge/{kvk}.svg").status_code == 404


def test_an_unregistered_number_answers_exactly_like_a_hidden_one(client, organisations):
    hidden = client.get("/api/v1/verify/55555555")
    unknown = client.get("/api/v1/verify/99999999")
    assert hidden.status_code == unknown.status_code == 404
    assert json.loads(hidden.get_data())["status"] == json.loads(unknown.get_data())["status"] == "unknown"
    assert hidden.get_data().replace(b"55555555", b"X") == unknown.get_data().replace(b"99999999", b"X")


@pytest.mark.parametrize(
    "kvk",
    [
        "1234567",
        "123456789",
        "abcdefgh",
        "1234 5678",
        "١٢٣٤٥٦٧٨",
        "12345678%20",
        "' OR 1=1--",
        "x" * 5000,
        "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    ],
)
def test_malformed_numbers_get_a_400_in_dutch_and_english(client, organisations, kvk):
    api = client.get(f"/api/v1/verify/{kvk}")
    assert api.status_code in (400, 404)
    if api.status_code == 400:
        body = json.loads(api.get_data())
        assert body["parameter"] == "kvk" and "8 cijfers" in body["error"] and "8 digits" in body["error_en"]
    assert client.get(f"/verify/{kvk}").status_code in (400, 404)
    assert client.get(f"/badge/{kvk}.svg").status_code in (400, 404)


def test_malformed_numbers_are_400_not_404(client):
    assert client.get("/api/v1/verify/1234567").status_code == 400
    assert client.get("/verify/abcdefgh").status_code == 400
    assert client.get("/badge/1234567.svg").status_code == 400


def test_the_search_box_leads_to_the_page(client, organisations):
    response = client.get("/verify?kvk=1111 1111")
    assert response.status_code == 302 and response.headers["Location"] == "/verify/11111111"
    assert client.get("/verify?kvk=abc").status_code == 400
    assert client.get("/verify").status_code == 200


def test_an_erased_organisation_is_unknown(client, organisations):
    organisation = organisations["labelled"]
    organisation.erased_at = organisation.created_at
    db.session.commit()
    assert client.get("/api/v1/verify/11111111").status_code == 404
