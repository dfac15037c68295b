"""Schemathesis against the API in-process: the code answers as its OpenAPI document says.

Every built-in check of the installed schemathesis is on (status codes, content types, headers and
bodies against their schemas, valid data accepted, invalid data refused, authentication not
ignored, the Allow header of a 405, ...). Hypothesis is derandomized and bounded, so each run tries
the same cases and the whole module takes seconds.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.specs.openapi.checks import positive_data_acceptance

from impactnet.api.openapi import openapi_document
from impactnet.core.params import DATE_PATTERN
from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.organisations.models import OrganisationStatus
from impactnet.stats.services import backfill_snapshots, compute_projections, take_snapshots
from tests import factories
from tests.api.helpers import bearer
from tests.stats.network import bulk_network

load_all_checks()
SESSION_COOKIE = "session"  # Flask's default SESSION_COOKIE_NAME, which impactnet keeps
ALL_CHECKS = [check for check in CHECKS.get_all() if not isinstance(check, type)]


@pytest.fixture
def network(dordrecht, zwijndrecht):
    """Two municipalities with targets, organisations, half a year of snapshots and projections, and a
    labelled organisation to verify."""
    for municipality in (dordrecht, zwijndrecht):
        factories.TargetFactory(municipality=municipality, year=2025, partners_wanted=40, labelled_wanted=20)
    bulk_network([dordrecht.id, zwijndrecht.id], 24)
    backfill_snapshots(date(2025, 1, 1), date(2025, 6, 30))
    take_snapshots(date(2025, 7, 1))
    compute_projections(date(2025, 7, 1))
    factories.OrganisationFactory(
        municipality=dordrecht,
        kvk_number="12345678",
        status=OrganisationStatus.LABELLED,
        label_awarded_on=local_today(),
        label_valid_until=local_today() + timedelta(days=700),
    )
    db.session.commit()
    return dordrecht


@pytest.fixture
def token(network):
    return bearer(factories.MunicipalityUserFactory(municipality=network))


# The document as the app serves it (test_the_document_tested_is_the_one_served). Loaded from the
# function rather than with schemathesis.pytest.from_fixture(...) from the app: that lazy loader
# fails under pytest 9.2 (it sets Node._nodeid, which pytest no longer has).
schema = schemathesis.openapi.from_dict(openapi_document(SESSION_COOKIE))


def test_the_document_tested_is_the_one_served(client):
    assert client.get("/api/v1/openapi.json").get_json() == openapi_document(SESSION_COOKIE)


def test_every_check_schemathesis_has_is_used():
    assert {check.__name__ for check in ALL_CHECKS} >= {
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
        "positive_data_acceptance",
        "missing_required_header",
        "unsupported_method",
        "allow_header_conformance",
        "ignored_auth",
    }


@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    database=None,
    deadline=None,
    # The data is made once per operation and only read: GET requests change nothing but a
    # token's last_used_at.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_the_api_answers_as_its_document_says(app, case, token):
    # Requests go to the app in-process, as from_wsgi would arrange (also for the checks that send again).
    case.operation.schema.app = case.operation.app = app
    if case.meta is not None and case.meta.generation.mode.is_positive and _breaks_the_range_rule(case.query or {}):
        # Valid parameters one by one, but 'from' after 'to' or 20 years or more before it: the
        # document says so in words (OpenAPI has no way to relate two parameters), and the answer
        # must be that 400. Every other check still applies.
        response = case.call_and_validate(
            headers=token, checks=[check for check in ALL_CHECKS if check is not positive_data_acceptance]
        )
        assert response.status_code == 400 and response.json()["parameter"] == "from"
        return
    case.call_and_validate(headers=token, checks=ALL_CHECKS)


def _day(value: str, last: bool) -> date:
    if len(value) == 10:
        return date.fromisoformat(value)
    year, month = int(value[:4]), int(value[5:])
    return (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)) if last else date(year, month, 1)


def _breaks_the_range_rule(query: dict) -> bool:
    """Whether schema-valid 'from' and 'to' break the rule between them that the document states in words."""
    values = {name: query.get(name) for name in ("from", "to")}
    if not all(
        value is None or (isinstance(value, str) and re.fullmatch(DATE_PATTERN, value)) for value in values.values()
    ):
        return False  # not a valid value: refused on its own, as the document says
    try:
        end = _day(values["to"], last=True) if values["to"] else local_today()
        start = _day(values["from"], last=False) if values["from"] else None
    except ValueError:
        return False  # no such day: the document's pattern should not have allowed it
    if start is None:
        return False  # 'from' by default 11 months before 'to'
    return start > end or (end.year - start.year) * 12 + end.month - start.month >= 20 * 12
