"""The OpenAPI document describes both endpoints and is valid OpenAPI 3.1."""
import json

from openapi_spec_validator import validate


def test_openapi_document_is_valid_and_covers_both_endpoints(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200 and response.mimetype == "application/json"
    document = json.loads(response.get_data(as_text=True))
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {"/regions", "/regions/{slug}/series"}
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
