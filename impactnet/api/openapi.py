"""The API's OpenAPI 3.1 description, written by hand as data."""
from __future__ import annotations

from impactnet.api.params import MAX_YEARS
from impactnet.directory.services import PublicStatus

_INT = {"type": "integer", "minimum": 0}
_DATE_OR_NULL = {"type": ["string", "null"], "format": "date"}
_FIGURES = {"partners": _INT, "labelled": _INT, "working_toward_label": _INT}


def _object(properties: dict, **extra) -> dict:
    return {"type": "object", "required": list(properties), "properties": properties, **extra}


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


_DATE_PARAMETER = {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$"}

SCHEMAS = {
    "Figures": _object(_FIGURES),
    "Target": _object({
        "year": {"type": "integer"},
        "partners": {**_INT, "description": "Partners wanted by the end of the year."},
        "labelled": {**_INT, "description": "Labelled partners wanted by the end of the year."},
        "on_track": {"type": "boolean", "description": "False as well when no projection was computed yet."},
        "projected_partners_date": _DATE_OR_NULL,
        "projected_labelled_date": _DATE_OR_NULL,
    }),
    "Municipality": _object({
        "slug": {"type": "string"}, "name": {"type": "string"}, **_FIGURES,
        "targets": {"type": "array", "items": {"$ref": "#/components/schemas/Target"}},
    }),
    "Regions": _object({
        "generated_at": {"type": "string", "format": "date-time"},
        "region": {"$ref": "#/components/schemas/Figures"},
        "municipalities": {"type": "array", "items": {"$ref": "#/components/schemas/Municipality"}},
    }),
    "Month": _object({
        "month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
        "day": {"type": "string", "format": "date", "description": "The day of the month's latest snapshot."},
        **_FIGURES, "applicants": _INT, "new_this_month": _INT, "labels_expired": _INT,
    }),
    "Series": _object({
        "generated_at": {"type": "string", "format": "date-time"},
        "municipality": _object({"slug": {"type": "string"}, "name": {"type": "string"}}),
        "from": {"type": "string", "format": "date"},
        "to": {"type": "string", "format": "date"},
        "months": {"type": "array", "items": {"$ref": "#/components/schemas/Month"}},
    }),
    "FormerIdentity": _object({
        "kvk": {"type": "string", "pattern": "^[0-9]{8}$"},
        "name": {"type": "string"},
        "until": {"type": "string", "format": "date",
                  "description": "The last day the organisation had this number and name."},
    }),
    "Verification": _object({
        "kvk": {"type": "string", "pattern": "^[0-9]{8}$", "description": "The organisation's current KvK number."},
        "name": {"type": "string", "description": "Its current name."},
        "asked_kvk": {"type": "string", "pattern": "^[0-9]{8}$",
                      "description": "The number asked for: 'kvk', or a former number of the organisation."},
        "asked_kvk_until": {**_DATE_OR_NULL,
                            "description": "Asked by a former number: the last day it was the organisation's "
                                           "(else null)."},
        "municipality": {"type": "string", "description": "The municipality's slug."},
        "status": {"type": "string", "enum": list(PublicStatus)},
        "label_awarded_on": _DATE_OR_NULL,
        "label_valid_until": _DATE_OR_NULL,
        "former_identities": {"type": "array", "items": {"$ref": "#/components/schemas/FormerIdentity"},
                              "description": "Numbers and names the organisation had before, oldest first "
                                             "(changes approved by St MBO)."},
        "checked_at": {"type": "string", "format": "date-time"},
    }),
    "Unknown": _object({
        "kvk": {"type": "string"},
        "status": {"type": "string", "const": "unknown"},
    }),
    "Error": {
        "type": "object", "required": ["error", "status"],
        "properties": {
            "error": {"type": "string", "description": "In Dutch."},
            "error_en": {"type": "string", "description": "In English (parameter and authentication errors)."},
            "parameter": {"type": "string", "description": "The query parameter at fault (400 only)."},
            "status": {"type": "integer"},
        },
    },
}


def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "impactnet API",
            "version": "1.0.0",
            "description": "Figures of the Ondernemen met impact network (St MBO, Drechtsteden), "
                           "from the daily snapshots: aggregates only, no personal data.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/regions": {"get": {
                "operationId": "getRegions",
                "summary": "Latest figures and targets of the region and every active municipality.",
                "security": [],
                "responses": {
                    "200": {"description": "The figures.",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Regions"}}}},
                },
            }},
            "/verify/{kvk}": {"get": {
                "operationId": "verifyLabel",
                "summary": "An organisation's label status, for procurement and land-allocation officers.",
                "description": "Answers for organisations that ever had a label and for partners listed in the "
                               "public directory, by their current KvK number or by a former one (then "
                               "'asked_kvk_until' says until when it was theirs, and 'kvk' and 'name' are the "
                               "current ones); any other KvK number is 'unknown' (404), also a number that a "
                               "change not yet approved by St MBO asks for, so the answer does not reveal who "
                               "registered. An expired or revoked label reads as such.",
                "security": [],
                "parameters": [{"name": "kvk", "in": "path", "required": True,
                                "schema": {"type": "string", "pattern": "^[0-9]{8}$"}}],
                "responses": {
                    "200": {"description": "The label status.", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Verification"}}}},
                    "400": _error("Not a KvK number (8 digits); 'parameter' is 'kvk'."),
                    "404": {"description": "Nothing to verify for this number.", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Unknown"}}}},
                },
            }},
            "/regions/{slug}/series": {"get": {
                "operationId": "getSeries",
                "summary": "A municipality's figures per month (the month's latest snapshot).",
                "description": "A municipality viewer's token reads only that municipality; staff read any.",
                "security": [{"bearerToken": []}],
                "parameters": [
                    {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "from", "in": "query", "required": False, "schema": _DATE_PARAMETER,
                     "description": "YYYY-MM (its first day) or YYYY-MM-DD; by default 11 months before 'to'."},
                    {"name": "to", "in": "query", "required": False, "schema": _DATE_PARAMETER,
                     "description": f"YYYY-MM (its last day) or YYYY-MM-DD; by default today. "
                                    f"At most {MAX_YEARS} years after 'from'."},
                ],
                "responses": {
                    "200": {"description": "The series.",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Series"}}}},
                    "400": _error("A parameter is not valid; 'parameter' names it."),
                    "401": _error("No valid token (or session)."),
                    "403": _error("The token's user may not read this municipality."),
                    "404": _error("No municipality with this slug."),
                },
            }},
        },
        "components": {
            "securitySchemes": {"bearerToken": {
                "type": "http", "scheme": "bearer",
                "description": "A personal API token, created by a municipality viewer under /account/tokens.",
            }},
            "schemas": SCHEMAS,
        },
    }
