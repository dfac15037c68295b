"""The public directory and its open data: who is listed, search and filters, pagination, cost."""

from __future__ import annotations

import html
import json
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from impactnet.database import local_today
from impactnet.directory import services as directory_services
from impactnet.extensions import db
from impactnet.journey.models import DrechtsDoel, ImpactAction, StepProgress, StepState, StepSubmission
from impactnet.organisations.models import OrganisationStatus as Status
from tests import factories
from tests.exports.helpers import csv_rows
from tests.helpers import statements

MAX_STATEMENTS = 8


def listed(municipality, name, status=Status.LABELLED, **kwargs):
    today = local_today()
    if status in (Status.LABELLED, Status.LABEL_EXPIRED, Status.LABEL_REVOKED):
        kwargs.setdefault("label_awarded_on", today - timedelta(days=100))
        kwargs.setdefault("label_valid_until", today + timedelta(days=600))
    return factories.OrganisationFactory(
        municipality=municipality, name=name, status=status, public_listing=True, **kwargs
    )


def approve_plan(organisation, path, *goal_numbers):
    progress = StepProgress(organisation_id=organisation.id, step_id=path["impactplan"].id, state=StepState.APPROVED)
    db.session.add(progress)
    db.session.flush()
    submission = StepSubmission(progress_id=progress.id, number=1, state=StepState.APPROVED, statement="Plan")
    db.session.add(submission)
    db.session.flush()
    for number in goal_numbers:
        goal = db.session.scalar(sa.select(DrechtsDoel).where(DrechtsDoel.number == number))
        db.session.add(
            ImpactAction(
                submission_id=submission.id,
                goal_id=goal.id,
                description="BBL-plaatsen",
                commitment="2 per jaar",
                target_date=date(2027, 9, 1),
            )
        )


@pytest.fixture
def directory(dordrecht, zwijndrecht, path):
    """Listed: Aannemer Groen (labelled, construction, DDD 1 and 2), Bakkerij Zoet (working toward the
    label, hospitality, Zwijndrecht), Café Oud (label past its end date), Drukkerij Rood (revoked). Not
    listed: Geheim B.V. (labelled but not opted in), Nieuwkomer (an opted-in applicant), Weg B.V.
    (opted in but withdrawn without a label)."""
    today = local_today()
    groen = listed(
        dordrecht,
        "Aannemer Groen",
        impact_statement="Wij leiden jongeren op in de bouw.",
        website="https://groen.example.nl",
    )
    approve_plan(groen, path, 1, 2)
    listed(zwijndrecht, "Bakkerij Zoet", Status.WORKING_TOWARD_LABEL, sector="horeca")
    listed(dordrecht, "Café Oud", Status.LABELLED, sector="horeca", label_valid_until=today - timedelta(days=1))
    listed(dordrecht, "Drukkerij Rood", Status.LABEL_REVOKED, label_revoked_on=today)
    factories.OrganisationFactory(
        municipality=dordrecht, name="Geheim B.V.", status=Status.LABELLED, label_awarded_on=today
    )
    listed(dordrecht, "Nieuwkomer", Status.APPLICANT)
    listed(dordrecht, "Weg B.V.", Status.WITHDRAWN)
    db.session.commit()
    return groen


def names(response) -> list[str]:
    return [item["name"] for item in json.loads(response.get_data())["items"]]


def test_the_directory_lists_only_opted_in_partners(client, directory):
    page = client.get("/directory").get_data(as_text=True)
    for name in ("Aannemer Groen", "Bakkerij Zoet", "Café Oud", "Drukkerij Rood"):
        assert name in page
    for name in ("Geheim B.V.", "Nieuwkomer", "Weg B.V."):
        assert name not in page
    assert "4 organisaties gevonden." in page
    assert "Wij leiden jongeren op in de bouw." in page and "DDD 1, DDD 2" in page
    assert "Label verlopen" in page and "Label ingetrokken" in page and "Werkt aan het label" in page


def test_the_json_items_and_their_statuses(client, directory):
    data = json.loads(client.get("/directory.json").get_data())
    assert data["total"] == 4 and data["page"] == 1
    by_name = {item["name"]: item for item in data["items"]}
    groen = by_name["Aannemer Groen"]
    assert groen["kvk"] == directory.kvk_number and groen["municipality"] == "dordrecht"
    assert groen["sector"] == "bouw" and groen["status"] == "labelled" and groen["goals"] == [1, 2]
    assert groen["label_valid_until"] == directory.label_valid_until.isoformat()
    assert by_name["Café Oud"]["status"] == "expired"  # past its end date, before the nightly job
    assert by_name["Drukkerij Rood"]["status"] == "revoked"
    assert by_name["Bakkerij Zoet"]["status"] == "working_toward_label"
    assert by_name["Bakkerij Zoet"]["label_valid_until"] is None


@pytest.mark.parametrize(
    "query, expected",
    [
        ("q=bakkerij", ["Bakkerij Zoet"]),
        ("q=AANNEMER", ["Aannemer Groen"]),
        ("municipality=zwijndrecht", ["Bakkerij Zoet"]),
        ("sector=horeca", ["Bakkerij Zoet", "Café Oud"]),
        ("goal=2", ["Aannemer Groen"]),
        ("goal=3", []),
        ("status=expired", ["Café Oud"]),
        ("status=labelled", ["Aannemer Groen"]),
        ("status=revoked&municipality=dordrecht", ["Drukkerij Rood"]),
        ("q=%25", []),  # a LIKE wildcard is a plain character
        ("q=_", []),
        ("q=' OR 1=1 --", []),
        ("q=", ["Aannemer Groen", "Bakkerij Zoet", "Café Oud", "Drukkerij Rood"]),
    ],
)
def test_search_and_filters(client, directory, query, expected):
    assert names(client.get(f"/directory.json?{query}")) == expected


def test_search_by_kvk_number(client, directory):
    assert names(client.get(f"/directory.json?q={directory.kvk_number}")) == ["Aannemer Groen"]


def test_the_csv_has_the_same_rows(client, directory):
    response = client.get("/directory.csv?municipality=dordrecht")
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv_rows(response, delimiter=",")  # open data: commas and its documented machine names, in any language
    assert rows[0] == [
        "kvk",
        "name",
        "municipality",
        "sector",
        "status",
        "label_awarded_on",
        "label_valid_until",
        "goals",
        "website",
        "impact_statement",
    ]
    in_english = csv_rows(
        client.get("/directory.csv?municipality=dordrecht", headers={"Accept-Language": "en"}), delimiter=","
    )
    assert in_english == rows
    assert [row[1] for row in rows[1:]] == ["Aannemer Groen", "Café Oud", "Drukkerij Rood"]
    assert rows[1][7] == "1;2"


def test_pagination(client, dordrecht, path):
    for n in range(45):
        listed(dordrecht, f"Bedrijf {n:02d}", Status.PARTNER)
    db.session.commit()
    page = client.get("/directory?page=3").get_data(as_text=True)
    assert "Pagina 3 van 3" in page and "Bedrijf 44" in page and "Bedrijf 39" not in page
    assert 'href="/directory?page=2"' in page
    data = json.loads(client.get("/directory.json?page=1").get_data())
    assert data["total"] == 45 and len(data["items"]) == 45  # open data: 100 a page
    assert json.loads(client.get("/directory.json?page=2").get_data())["items"] == []


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("page=99999999999999999999", "page"),
        ("page=١", "page"),
        ("status=gekeurd", "status"),
        ("municipality=../../etc", "municipality"),
        ("sector=<script>", "sector"),
        ("goal=0", "goal"),
        ("goal=1.5", "goal"),
        ("q=" + "x" * 101, "q"),
    ],
)
def test_hostile_parameters_get_a_400_naming_the_parameter(client, directory, query, parameter):
    response = client.get(f"/directory.json?{query}")
    assert response.status_code == 400
    body = json.loads(response.get_data())
    assert body["parameter"] == parameter and body["error"] and body["error_en"]
    assert client.get(f"/directory.csv?{query}").status_code == 400
    page = client.get(f"/directory?{query}")
    assert page.status_code == 400 and body["error"] in html.unescape(page.get_data(as_text=True))


def test_huge_and_strange_input_never_breaks_the_page(client, directory):
    for q in ("x" * 100, "Ω≈ç√∫˜µ≤≥÷", "🏳️‍🌈", "\\", "%00", "a%0Ab", "<img src=x onerror=alert(1)>"):
        response = client.get("/directory", query_string={"q": q})
        assert response.status_code in (200, 400), q
        assert "<img src=x" not in response.get_data(as_text=True)
    assert client.get("/directory", query_string={"q": "x" * 100000}).status_code in (400, 414)


def test_the_directory_sends_the_same_few_statements_for_10_and_60_partners(app, dordrecht, path):
    counts = []
    for how_many in (10, 50):
        for n in range(how_many):
            organisation = listed(dordrecht, f"Partner {len(counts)}-{n:02d}", Status.LABELLED)
            if n % 3 == 0:
                approve_plan(organisation, path, 1)
        db.session.commit()
        client = app.test_client()
        for url in ("/directory", "/directory.json", "/directory.csv", "/directory?goal=1&q=partner"):
            client.get(url)
            with statements() as seen:
                assert client.get(url).status_code == 200
            counts.append(len(seen))
    small, large = counts[:4], counts[4:]
    assert small == large and max(large) <= MAX_STATEMENTS, counts


def test_the_count_stops_at_the_cap_and_pages_still_go_on(client, dordrecht, monkeypatch):
    monkeypatch.setattr(directory_services, "COUNT_CAP", 30)
    for n in range(45):
        listed(dordrecht, f"Bedrijf {n:02d}", Status.PARTNER)
    db.session.commit()
    page = client.get("/directory?page=2").get_data(as_text=True)
    assert "Meer dan 30 organisaties gevonden." in page and "Pagina 2<" in page
    assert 'href="/directory?page=3"' in page and "Bedrijf 20" in page
    last = client.get("/directory?page=3").get_data(as_text=True)
    assert "Bedrijf 44" in last and "page=4" not in last
    data = json.loads(client.get("/directory.json").get_data())
    assert data["total"] is None and data["has_next"] is False and len(data["items"]) == 45
