"""GET /api/v1/regions: public figures from the latest snapshots and projections."""

from datetime import date, datetime, timedelta

from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.organisations.models import OrganisationStatus as Status
from impactnet.stats.models import GrowthSnapshot
from impactnet.stats.services import compute_projections, projection_for, take_snapshots
from tests import factories


def without_as_of(figures: dict, computed: bool = True) -> dict:
    """``figures`` without its ``as_of``, which is checked: an ISO time with an offset (None when
    the figures were never computed)."""
    figures = dict(figures)
    as_of = figures.pop("as_of")
    if computed:
        assert datetime.fromisoformat(as_of).tzinfo is not None
    else:
        assert as_of is None
    return figures


def organisations(municipality, *statuses):
    for status in statuses:
        factories.OrganisationFactory(municipality=municipality, status=status)


def test_figures_targets_and_projections_come_from_the_snapshots(client, dordrecht, zwijndrecht):
    today = local_today()
    organisations(
        dordrecht, Status.LABELLED, Status.LABELLED, Status.PARTNER, Status.WORKING_TOWARD_LABEL, Status.APPLICANT
    )
    organisations(zwijndrecht, Status.PARTNER)
    # 90 days ago Dordrecht had 1 partner and no label: 3 partners and 2 labels more since.
    db.session.add(
        GrowthSnapshot(
            scope_key=dordrecht.id, municipality_id=dordrecht.id, day=today - timedelta(days=90), partners=1, labelled=0
        )
    )
    goal = factories.TargetFactory(municipality=dordrecht, year=today.year, partners_wanted=10, labelled_wanted=5)
    factories.TargetFactory(municipality=dordrecht, year=today.year - 1, partners_wanted=3, labelled_wanted=1)
    take_snapshots(today)
    compute_projections(today)
    db.session.commit()
    on_track = projection_for(goal.id).on_track
    # Not in the snapshots: joined after the daily job, or no longer active.
    factories.MunicipalityFactory(name="Sliedrecht", slug="sliedrecht", joined_on=date(2025, 1, 2))
    factories.MunicipalityFactory(name="Oud", slug="oud", active=False)
    organisations(dordrecht, Status.LABELLED)  # after the snapshot: not counted until the next one

    response = client.get("/api/v1/regions")

    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    generated_at = datetime.fromisoformat(body.pop("generated_at"))
    assert generated_at.tzinfo is not None
    body["region"] = without_as_of(body["region"])
    as_of = [m.pop("as_of") for m in body["municipalities"]]
    assert as_of[0] == as_of[1] == client.get("/api/v1/regions").get_json()["region"]["as_of"]
    assert as_of[2] is None  # Sliedrecht: no snapshot yet
    assert body == {
        "region": {"partners": 5, "labelled": 2, "working_toward_label": 3, "label_expired": 0, "label_revoked": 0},
        "municipalities": [
            {
                "slug": "dordrecht",
                "name": "Dordrecht",
                "partners": 4,
                "labelled": 2,
                "working_toward_label": 2,
                "label_expired": 0,
                "label_revoked": 0,
                "targets": [
                    {
                        "year": today.year - 1,
                        "partners": 3,
                        "labelled": 1,
                        "on_track": False,
                        "projected_partners_date": None,
                        "projected_labelled_date": None,
                    },
                    {
                        "year": today.year,
                        "partners": 10,
                        "labelled": 5,
                        "on_track": on_track,
                        # 6 partners to go at 3 per 90 days: 180 days; 3 labels at 2 per 90 days: 135 days.
                        "projected_partners_date": (today + timedelta(days=180)).isoformat(),
                        "projected_labelled_date": (today + timedelta(days=135)).isoformat(),
                    },
                ],
            },
            {
                "slug": "zwijndrecht",
                "name": "Zwijndrecht",
                "partners": 1,
                "labelled": 0,
                "working_toward_label": 1,
                "label_expired": 0,
                "label_revoked": 0,
                "targets": [],
            },
            {
                "slug": "sliedrecht",
                "name": "Sliedrecht",
                "partners": 0,
                "labelled": 0,
                "working_toward_label": 0,
                "label_expired": 0,
                "label_revoked": 0,
                "targets": [],
            },
        ],
    }


def test_the_latest_snapshot_counts_and_no_snapshot_at_all_is_zero(client, dordrecht):
    assert without_as_of(client.get("/api/v1/regions").get_json()["region"], computed=False) == {
        "partners": 0,
        "labelled": 0,
        "working_toward_label": 0,
        "label_expired": 0,
        "label_revoked": 0,
    }
    for day, partners in ((date(2025, 5, 31), 7), (date(2025, 6, 30), 9), (date(2025, 6, 1), 8)):
        for scope in (0, dordrecht.id):
            db.session.add(
                GrowthSnapshot(
                    scope_key=scope,
                    municipality_id=scope or None,
                    day=day,
                    partners=partners,
                    labelled=1,
                    working_toward_label=partners - 1,
                )
            )
    db.session.commit()

    body = client.get("/api/v1/regions").get_json()

    assert without_as_of(body["region"]) == {
        "partners": 9,
        "labelled": 1,
        "working_toward_label": 8,
        "label_expired": 0,
        "label_revoked": 0,
    }
    assert body["municipalities"][0]["partners"] == 9


def test_regions_is_public_and_needs_no_token(app):
    response = app.test_client().get("/api/v1/regions", headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 200
