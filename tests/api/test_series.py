"""GET /api/v1/regions/<slug>/series: who may read it and which parameters it takes."""

from datetime import date, datetime

import pytest

from impactnet.accounts.models import Role
from impactnet.api import services
from impactnet.extensions import db
from impactnet.stats.models import GrowthSnapshot
from tests import factories
from tests.api.helpers import bearer

URL = "/api/v1/regions/dordrecht/series"


@pytest.fixture
def history(dordrecht, zwijndrecht):
    """Dordrecht: snapshots on the 15th and the last day of January to June 2025."""
    for month in range(1, 7):
        for day, partners in ((15, 10 * month), (28, 10 * month + 5)):
            db.session.add(
                GrowthSnapshot(
                    scope_key=dordrecht.id,
                    municipality_id=dordrecht.id,
                    day=date(2025, month, day),
                    partners=partners,
                    labelled=month,
                    working_toward_label=partners - month,
                    applicants=2,
                    new_this_month=3,
                )
            )
    db.session.add(
        GrowthSnapshot(scope_key=zwijndrecht.id, municipality_id=zwijndrecht.id, day=date(2025, 3, 28), partners=99)
    )
    db.session.commit()
    return dordrecht


@pytest.fixture
def viewer(dordrecht):
    return factories.MunicipalityUserFactory(municipality=dordrecht)


def test_a_viewer_token_reads_the_monthly_series_of_its_municipality(client, history, viewer):
    response = client.get(URL + "?from=2025-02&to=2025-04-20", headers=bearer(viewer))

    assert response.status_code == 200
    body = response.get_json()
    assert body["municipality"] == {"slug": "dordrecht", "name": "Dordrecht"}
    assert (body["from"], body["to"]) == ("2025-02-01", "2025-04-20")
    for month in body["months"]:
        assert datetime.fromisoformat(month.pop("as_of")).tzinfo is not None
    assert body["months"] == [
        {
            "month": "2025-02",
            "day": "2025-02-28",
            "partners": 25,
            "labelled": 2,
            "working_toward_label": 23,
            "label_expired": 0,
            "label_revoked": 0,
            "applicants": 2,
            "new_this_month": 3,
            "labels_expired": 0,
        },
        {
            "month": "2025-03",
            "day": "2025-03-28",
            "partners": 35,
            "labelled": 3,
            "working_toward_label": 32,
            "label_expired": 0,
            "label_revoked": 0,
            "applicants": 2,
            "new_this_month": 3,
            "labels_expired": 0,
        },
        {
            "month": "2025-04",
            "day": "2025-04-15",
            "partners": 40,
            "labelled": 4,
            "working_toward_label": 36,
            "label_expired": 0,
            "label_revoked": 0,
            "applicants": 2,
            "new_this_month": 3,
            "labels_expired": 0,
        },
    ]


def test_a_month_means_its_first_day_in_from_and_its_last_in_to(client, history, viewer):
    body = client.get(URL + "?from=2025-06&to=2025-06", headers=bearer(viewer)).get_json()
    assert (body["from"], body["to"]) == ("2025-06-01", "2025-06-30")
    assert [month["partners"] for month in body["months"]] == [65]


def test_without_a_token_or_session_401_in_json(app, history):
    response = app.test_client().get(URL)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["status"] == 401


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwdw==",
        "Bearer not-a-token",
        "Bearer " + "x" * 5000,
        "bearer ' OR 1=1 --",
        "Bearer ☃",
    ],
)
def test_a_header_without_a_valid_token_is_401(app, history, header):
    response = app.test_client().get(URL, headers={"Authorization": header})
    assert response.status_code == 401 and response.is_json


def test_a_revoked_token_stops_working(app, history, viewer):
    token, plain = services.create_token(viewer, "dashboard")
    db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.get(URL, headers=headers).status_code == 200
    services.revoke_token(viewer, token.id)
    db.session.commit()
    assert client.get(URL, headers=headers).status_code == 401


def test_the_token_of_a_deactivated_user_stops_working(app, history, viewer):
    headers = bearer(viewer)
    viewer.active = False
    db.session.commit()
    assert app.test_client().get(URL, headers=headers).status_code == 401


def test_a_token_reads_no_other_municipality(client, history, zwijndrecht):
    other = factories.MunicipalityUserFactory(municipality=zwijndrecht)
    response = client.get(URL, headers=bearer(other))
    assert response.status_code == 403 and response.is_json
    assert (
        client.get("/api/v1/regions/zwijndrecht/series?from=2025-01&to=2025-12", headers=bearer(other)).get_json()[
            "months"
        ][0]["partners"]
        == 99
    )


def test_staff_read_any_series_with_their_session(client, login_as, history):
    login_as(Role.STAFF)
    response = client.get(URL + "?from=2025-01&to=2025-06")
    assert response.status_code == 200
    assert len(response.get_json()["months"]) == 6


def test_a_viewer_session_reads_its_own_series_only(client, login, history, viewer):
    login(viewer)
    assert client.get(URL).status_code == 200
    assert client.get("/api/v1/regions/zwijndrecht/series").status_code == 403


def test_a_bad_token_is_401_even_with_a_staff_session(client, login_as, history):
    login_as(Role.STAFF)
    assert client.get(URL, headers={"Authorization": "Bearer expired-or-typo"}).status_code == 401


def test_partners_may_not_read_series(client, login_as, history):
    login_as(Role.PARTNER)
    assert client.get(URL).status_code == 403


def test_an_unknown_slug_is_404_in_json(client, history, viewer):
    for slug in ("nergens", "dordrecht'--", "dördrecht"):
        response = client.get(f"/api/v1/regions/{slug}/series", headers=bearer(viewer))
        assert response.status_code == 404 and response.get_json()["status"] == 404


def test_the_token_records_when_it_was_last_used(client, history, viewer):
    token, plain = services.create_token(viewer, "dashboard")
    db.session.commit()
    client.get(URL, headers={"Authorization": f"Bearer {plain}"})
    db.session.refresh(token)
    assert token.last_used_at is not None


def test_an_empty_parameter_is_refused_not_read_as_the_default(client, history, viewer):
    body = client.get(URL + "?from=2025-01&to=", headers=bearer(viewer)).get_json()
    assert body["parameter"] == "to" and "leeg" in body["error"] and "empty" in body["error_en"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("from=abc", "from"),
        ("from=2025-13", "from"),
        ("from=2025-00", "from"),
        ("to=2025-02-30", "to"),
        ("to=2025-2-3", "to"),
        ("from=0000-01", "from"),
        ("from=2025-06&to=2025-05-31", "from"),
        ("from=1900-01&to=2025-01", "from"),
        ("from=0001-01&to=9999-12", "to"),  # both out of range: "to" is read first
        ("from=2025-01%27%20OR%201=1--", "from"),
        ("to=2025-01;DROP%20TABLE%20users", "to"),
        ("from=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%95-01", "from"),  # full-width digits
        ("to=2025-01-01%C3%A9", "to"),
        ("to=%F0%9F%98%80", "to"),
        ("from=+2025-01", "from"),
        ("from=2025-01-01T00:00", "from"),
        ("to=99999-01", "to"),
        ("from=", "from"),
        ("to=", "to"),
        ("from=2025-01&to=", "to"),
        ("from", "from"),
        ("to=0001-01", "to"),
        ("to=9999-12-31", "to"),
        ("from=1999-12", "from"),
        ("to=2100-01", "to"),
        ("to=2025-04-31", "to"),
        ("to=2025-02-29", "to"),
        ("to=2100-02-29", "to"),
        ("from=2025-06-00", "from"),
        ("from=2025-06-32", "from"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(client, history, viewer, query, parameter):
    response = client.get(f"{URL}?{query}", headers=bearer(viewer))
    assert response.status_code == 400
    body = response.get_json()
    assert body["parameter"] == parameter
    assert parameter in body["error"] and parameter in body["error_en"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "from=2005-01&to=2024-12",
        "from=2025-01-01",
        "unknown=1&from=2025-01",
        "from=2000-01&to=2000-12",
        "to=2099-12-31&from=2099-01",
        "from=2024-02-29",
        "from=2000-02-29&to=2000-03",
        "from=2025-01-31&to=2025-12-31",
    ],
)
def test_edge_parameters_are_accepted(client, history, viewer, query):
    assert client.get(f"{URL}?{query}", headers=bearer(viewer)).status_code == 200
