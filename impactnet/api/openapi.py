"""The API's OpenAPI 3.1 description, written by hand as data."""

from __future__ import annotations

from impactnet.core.params import DATE_PATTERN, FIRST_YEAR, LAST_YEAR, MAX_YEARS, MONTH_PATTERN
from impactnet.directory.services import PublicStatus

_INT = {"type": "integer", "minimum": 0}
_DATE_OR_NULL = {"type": ["string", "null"], "format": "date"}
# Partners and its parts (impactnet.stats.definitions; "Zo tellen we" at /zo-tellen-we says each in words).
_FIGURES = {
    "partners": {
        **_INT,
        "description": "Organisations that signed the partner agreement and did not withdraw: "
        "labelled + working_toward_label + label_expired + label_revoked.",
    },
    "labelled": {**_INT, "description": "Partners with a valid label (awarded, its end date not passed)."},
    "working_toward_label": {**_INT, "description": "Partners without the label, working through the steps."},
    "label_expired": {**_INT, "description": "Partners whose label passed its end date and was not renewed."},
    "label_revoked": {**_INT, "description": "Partners whose label St MBO revoked."},
}
_AS_OF = {
    "type": ["string", "null"],
    "format": "date-time",
    "description": "When these figures were computed (ISO 8601 with offset); null: not computed yet.",
}


def _object(properties: dict, **extra) -> dict:
    # additionalProperties: false, so that a key the code adds without the document fails the tests.
    return {
        "type": "object",
        "required": list(properties),
        "properties": properties,
        "additionalProperties": False,
        **extra,
    }


def _json(schema: str) -> dict:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}


def _error(description: str, **headers: dict) -> dict:
    response = {"description": description, "content": _json("Error")}
    if headers:
        response["headers"] = headers
    return response


def _header(description: str, **schema) -> dict:
    return {"description": description, "required": True, "schema": {"type": "string", **schema}}


# Any endpoint: a NUL character in the URL, or a host name the portal does not answer to (ALLOWED_HOSTS).
_BAD_REQUEST = "The request is not valid: a NUL character in the URL, or a host the portal does not answer to."
_DATE_PARAMETER = {"type": "string", "pattern": DATE_PATTERN}
_DATE_RULES = (
    f"A month YYYY-MM or an existing day YYYY-MM-DD, in the years {FIRST_YEAR} to {LAST_YEAR}; "
    "an empty value is refused (400), leave the parameter out for the default."
)

SCHEMAS = {
    "Figures": _object(
        {**_FIGURES, "as_of": _AS_OF}, description="The region's figures: the sum of its municipalities'."
    ),
    "Target": _object(
        {
            "year": {"type": "integer"},
            "partners": {**_INT, "description": "Partners wanted by the end of the year."},
            "labelled": {**_INT, "description": "Labelled partners wanted by the end of the year."},
            "on_track": {"type": "boolean", "description": "False as well when no projection was computed yet."},
            "projected_partners_date": _DATE_OR_NULL,
            "projected_labelled_date": _DATE_OR_NULL,
        }
    ),
    "Municipality": _object(
        {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            **_FIGURES,
            "as_of": _AS_OF,
            "targets": {"type": "array", "items": {"$ref": "#/components/schemas/Target"}},
        }
    ),
    "Regions": _object(
        {
            "generated_at": {"type": "string", "format": "date-time"},
            "region": {"$ref": "#/components/schemas/Figures"},
            "municipalities": {"type": "array", "items": {"$ref": "#/components/schemas/Municipality"}},
        }
    ),
    "Month": _object(
        {
            "month": {"type": "string", "pattern": MONTH_PATTERN},
            "day": {"type": "string", "format": "date", "description": "The day of the month's latest snapshot."},
            **_FIGURES,
            "as_of": _AS_OF,
            "applicants": _INT,
            "new_this_month": _INT,
            "labels_expired": {
                **_INT,
                "deprecated": True,
                "description": "The same as label_expired (its former name).",
            },
        }
    ),
    "Series": _object(
        {
            "generated_at": {"type": "string", "format": "date-time"},
            "municipality": _object({"slug": {"type": "string"}, "name": {"type": "string"}}),
            "from": {"type": "string", "format": "date"},
            "to": {"type": "string", "format": "date"},
            "months": {"type": "array", "items": {"$ref": "#/components/schemas/Month"}},
        }
    ),
    "FormerIdentity": _object(
        {
            "kvk": {"type": "string", "pattern": "^[0-9]{8}$"},
            "name": {"type": "string"},
            "until": {
                "type": "string",
                "format": "date",
                "description": "The last day the organisation had this number and name.",
            },
        }
    ),
    "Verification": _object(
        {
            "kvk": {"type": "string", "pattern": "^[0-9]{8}$", "description": "The organisation's current KvK number."},
            "name": {"type": "string", "description": "Its current name."},
            "asked_kvk": {
                "type": "string",
                "pattern": "^[0-9]{8}$",
                "description": "The number asked for: 'kvk', or a former number of the organisation.",
            },
            "asked_kvk_until": {
                **_DATE_OR_NULL,
                "description": "Asked by a former number: the last day it was the organisation's (else null).",
            },
            "municipality": {"type": "string", "description": "The municipality's slug."},
            "status": {"type": "string", "enum": list(PublicStatus)},
            "label_awarded_on": _DATE_OR_NULL,
            "label_valid_until": _DATE_OR_NULL,
            "former_identities": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/FormerIdentity"},
                "description": "Numbers and names the organisation had before, oldest first "
                "(changes approved by St MBO).",
            },
            "checked_at": {"type": "string", "format": "date-time"},
        }
    ),
    "Unknown": _object(
        {
            "kvk": {"type": "string"},
            "status": {"type": "string", "const": "unknown"},
        }
    ),
    "Error": {
        "type": "object",
        "required": ["error", "status"],
        "additionalProperties": False,
        "properties": {
            "error": {"type": "string", "description": "In Dutch."},
            "error_en": {"type": "string", "description": "In English (parameter and authentication errors)."},
            "parameter": {"type": "string", "description": "The query parameter at fault (400 only)."},
            "status": {"type": "integer"},
        },
    },
}


def openapi_document(session_cookie: str) -> dict:
    """The document; ``session_cookie`` is the name of the portal's session cookie (SESSION_COOKIE_NAME),
    which the series endpoint accepts as well as a token."""
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
            "/regions": {
                "get": {
                    "operationId": "getRegions",
                    "summary": "Latest figures and targets of the region and every active municipality.",
                    "security": [],
                    "responses": {
                        "200": {"description": "The figures.", "content": _json("Regions")},
                        "400": _error(_BAD_REQUEST),
                    },
                }
            },
            "/verify/{kvk}": {
                "get": {
                    "operationId": "verifyLabel",
                    "summary": "An organisation's label status, for procurement and land-allocation officers.",
                    "description": "Answers for organisations that ever had a label and for partners listed in the "
                    "public directory, by their current KvK number or by a former one (then "
                    "'asked_kvk_until' says until when it was theirs, and 'kvk' and 'name' are the "
                    "current ones); any other KvK number is 'unknown' (404), also a number that a "
                    "change not yet approved by St MBO asks for, so the answer does not reveal who "
                    "registered. An expired or revoked label reads as such.",
                    "security": [],
                    "parameters": [
                        {
                            "name": "kvk",
                            "in": "path",
                            "required": True,
                            "example": "12345678",
                            "schema": {"type": "string", "pattern": "^[0-9]{8}$"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The label status.",
                            "content": _json("Verification"),
                            "headers": {
                                "Cache-Control": _header(
                                    "A status may change at any moment: ask again each time.", const="no-cache"
                                )
                            },
                        },
                        "400": _error("Not a KvK number (8 digits): 'parameter' is 'kvk'. " + _BAD_REQUEST),
                        "404": {"description": "Nothing to verify for this number.", "content": _json("Unknown")},
                    },
                }
            },
            "/regions/{slug}/series": {
                "get": {
                    "operationId": "getSeries",
                    "summary": "A municipality's figures per month (the month's latest snapshot).",
                    "description": "A municipality viewer reads only that municipality, staff read any, with a token "
                    "or with the portal's session cookie. An Authorization header without a valid "
                    "token is 401 even when a session cookie is sent.",
                    "security": [{"bearerToken": []}, {"sessionCookie": []}],
                    "parameters": [
                        {
                            "name": "slug",
                            "in": "path",
                            "required": True,
                            "example": "dordrecht",
                            "schema": {"type": "string", "minLength": 1},
                        },
                        {
                            "name": "from",
                            "in": "query",
                            "required": False,
                            "schema": _DATE_PARAMETER,
                            "example": "2025-01",
                            "description": f"{_DATE_RULES} A month means its first day. By default 11 months before 'to'. "
                            f"Not after 'to', and less than {MAX_YEARS} years before it.",
                        },
                        {
                            "name": "to",
                            "in": "query",
                            "required": False,
                            "schema": _DATE_PARAMETER,
                            "example": "2025-06-30",
                            "description": f"{_DATE_RULES} A month means its last day. By default today.",
                        },
                    ],
                    "responses": {
                        "200": {"description": "The series.", "content": _json("Series")},
                        "400": _error(
                            "A parameter is not valid ('parameter' names it), or 'from' is after 'to' or "
                            f"{MAX_YEARS} years or more before it. " + _BAD_REQUEST
                        ),
                        "401": _error(
                            "No valid token, and no session (or an Authorization header without a valid token).",
                            **{"WWW-Authenticate": _header("The scheme to use.", pattern="^Bearer ")},
                        ),
                        "403": _error("The user may not read this municipality."),
                        "404": _error("No municipality with this slug."),
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {
                "bearerToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal API token, created by a municipality viewer under /account/tokens.",
                },
                "sessionCookie": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": session_cookie,
                    "description": "The portal's session cookie of a signed-in staff member or municipality "
                    "viewer (for pages of the portal itself).",
                },
            },
            "schemas": SCHEMAS,
        },
    }
