"""As of when: every page, download and API answer with figures says when they were computed
(the snapshot's computed_at, in Dutch time: "Stand van 1 december 2026, 14:05")."""

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from impactnet.accounts.models import Role
from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.organisations.models import OrganisationStatus as Status
from impactnet.stats.models import GrowthSnapshot
from impactnet.stats.services import take_snapshots
from tests import factories
from tests.exports.helpers import csv_rows, xlsx_rows

# 13:05 UTC on a winter day is 14:05 in Dordrecht.
COMPUTED = datetime(2026, 12, 1, 13, 5, tzinfo=UTC)
SHOWN = {"nl": "Stand van 1 december 2026, 14:05", "en": "As of 1 December 2026, 14:05"}
CELL = "2026-12-01 14:05"


@pytest.fixture
def computed(dordrecht, zwijndrecht, path):
    """Today's snapshots and counters, computed (as the test pretends) at COMPUTED."""
    for status in (Status.PARTNER, Status.LABELLED, Status.LABEL_REVOKED, Status.APPLICANT):
        factories.OrganisationFactory(municipality=dordrecht, status=status)
    factories.TargetFactory(municipality=dordrecht, year=local_today().year)
    take_snapshots(local_today())
    db.session.execute(sa.update(GrowthSnapshot).values(computed_at=COMPUTED))
    db.session.commit()


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize(
    ("url", "role"),
    [
        ("/", None),
        ("/regions", None),
        ("/municipalities/dordrecht", Role.MUNICIPALITY),
        ("/dashboard", Role.STAFF),
        ("/municipalities/", Role.STAFF),
    ],
)
def test_every_page_with_figures_says_when_they_were_computed(client, login_as, computed, url, role, language):
    if role is not None:
        login_as(role)
    page = client.get(url, headers={"Accept-Language": language}).get_data(as_text=True)
    assert SHOWN[language].lower() in text_of(page).lower(), url  # a caption says it in lower case
    assert f'<time datetime="{COMPUTED.isoformat()}">' in page


def test_the_growth_chart_says_when_its_figures_were_computed(client, login_as, computed):
    login_as(Role.STAFF)
    svg = client.get("/municipalities/dordrecht/growth.svg").get_data(as_text=True)
    assert SHOWN["nl"] in svg


def test_the_api_gives_as_of_per_municipality_and_for_the_region(client, computed):
    body = client.get("/api/v1/regions").get_json()
    assert datetime.fromisoformat(body["region"]["as_of"]) == COMPUTED
    assert [datetime.fromisoformat(m["as_of"]) for m in body["municipalities"]] == [COMPUTED, COMPUTED]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(
    "url",
    [
        "/regions",
        "/municipalities/dordrecht/series",
        *(f"/municipalities/dordrecht/tables/{name}" for name in ("new", "funnel", "sectors", "sizes", "targets")),
    ],
)
def test_every_download_of_figures_has_a_computed_at_column(client, login_as, computed, url, fmt):
    login_as(Role.STAFF)
    response = client.get(f"{url}.{fmt}")
    rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)
    column = list(rows[0]).index("Berekend op")
    assert len(rows) > 1 and all(row[column] == CELL for row in rows[1:]), url
