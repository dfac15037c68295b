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
    assert series["security"] == [{"bearerToken": []}, {"sessionCookie": []}]
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerToken"]["scheme"] == "bearer"


def test_the_session_cookie_is_declared_under_its_configured_name(make_app):
    document = make_app(SESSION_COOKIE_NAME="impactnet_session").test_client().get("/api/v1/openapi.json").get_json()
    scheme = document["components"]["securitySchemes"]["sessionCookie"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "cookie", "impactnet_session")


def test_every_response_names_its_schema_and_the_headers_the_code_sends(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path, item in paths.items():
        for status, response in item["get"]["responses"].items():
            assert "$ref" in response["content"]["application/json"]["schema"], (path, status)
    assert "WWW-Authenticate" in paths["/regions/{slug}/series"]["get"]["responses"]["401"]["headers"]
    assert "Cache-Control" in paths["/verify/{kvk}"]["get"]["responses"]["200"]["headers"]


def test_regions_payload_has_the_documented_keys(client, dordrecht):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    body = client.get("/api/v1/regions").get_json()
    assert set(body) == set(schemas["Regions"]["required"])
    assert set(body["municipalities"][0]) == set(schemas["Municipality"]["required"])
    assert set(body["region"]) == set(schemas["Figures"]["required"])


def test_the_regions_schema_names_the_five_figures_and_as_of(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    figures = {"partners", "labelled", "working_toward_label", "label_expired", "label_revoked"}
    for name in ("Figures", "Municipality"):
        properties = schemas[name]["properties"]
        assert figures | {"as_of"} <= set(properties), name
        assert properties["as_of"]["format"] == "date-time" and "null" in properties["as_of"]["type"]
    assert (
        "labelled + working_toward_label + label_expired + label_revoked"
        in schemas["Figures"]["properties"]["partners"]["description"]
    )


def test_verification_answers_have_the_documented_keys(client, dordrecht):
    factories.OrganisationFactory(
        municipality=dordrecht,
        kvk_number="87654321",
        status=OrganisationStatus.LABELLED,
        label_awarded_on=local_today(),
        label_valid_until=local_today() + timedelta(days=9),
    )
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert set(client.get("/api/v1/verify/87654321").get_json()) == set(schemas["Verification"]["required"])
    # The identity history (tests/directory/test_identity_verification.py asks by a former number too).
    assert {"asked_kvk", "asked_kvk_until", "former_identities"} <= set(schemas["Verification"]["required"])
    assert schemas["Verification"]["properties"]["former_identities"]["items"] == {
        "$ref": "#/components/schemas/FormerIdentity"
    }
    assert schemas["FormerIdentity"]["required"] == ["kvk", "name", "until"]
    assert set(client.get("/api/v1/verify/11223344").get_json()) == set(schemas["Unknown"]["required"])
    assert client.get("/api/v1/verify/abc").get_json()["parameter"] == "kvk"
