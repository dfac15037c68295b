"""The OpenAPI document describes every endpoint and is valid OpenAPI 3.1."""
import json
from datetime import timedelta

from openapi_spec_validator import validate

from impactnet.database import local_today
from impactnet.organisations.models import OrganisationStatus
from tests import factories


def test_openapi_document_is_valid_and_covers_every_endpoint(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200 and response.mimetype == "application/json"
    document = json.loads(response.get_data(as_text=True))
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {"/regions", "/regions/{slug}/series", "/verify/{kvk}"}
    verify = document["paths"]["/verify/{kvk}"]["get"]
    assert set(verify["responses"]) == {"200", "400", "404"} and verify["security"] == []
    series = document["paths"]["/regions/{slug}/series"]["get"]
    assert {p["name"] for p in series["parameters"]} == {"slug", "from", "to"}
    assert set(series["responses"]) == {"200", "400", "401", "403", "404"}
    assert series["security"] == [{"bearerToken": []}]
    assert document["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"


def test_regions_payload_has_the_documented_keys(client, dordrecht):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    body = client.get("/api/v1/regions").get_json()
    assert set(body) == set(schemas["Regions"]["required"])
    assert set(body["municipalities"][0]) == set(schemas["Municipality"]["required"])


def test_verification_answers_have_the_documented_keys(client, dordrecht):
    factories.OrganisationFactory(municipality=dordrecht, kvk_number="87654321", status=OrganisationStatus.LABELLED,
                                  label_awarded_on=local_today(), label_valid_until=local_today() + timedelta(days=9))
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert set(client.get("/api/v1/verify/87654321").get_json()) == set(schemas["Verification"]["required"])
    # The identity history (tests/directory/test_identity_verification.py asks by a former number too).
    assert {"asked_kvk", "asked_kvk_until", "former_identities"} <= set(schemas["Verification"]["required"])
    assert schemas["Verification"]["properties"]["former_identities"]["items"] == {
        "$ref": "#/components/schemas/FormerIdentity"}
    assert schemas["FormerIdentity"]["required"] == ["kvk", "name", "until"]
    assert set(client.get("/api/v1/verify/11223344").get_json()) == set(schemas["Unknown"]["required"])
    assert client.get("/api/v1/verify/abc").get_json()["parameter"] == "kvk"
