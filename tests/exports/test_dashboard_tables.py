"""GET /municipalities/<slug>/tables/<name>.csv and .xlsx: the municipality dashboard's tables."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from impactnet.accounts.models import Role
from impactnet.audit.models import AuditAction
from impactnet.audit.services import record
from impactnet.database import local_today, utcnow
from impactnet.exports.services import as_of_cell
from impactnet.extensions import db
from impactnet.journey.models import StepProgress, StepState
from impactnet.organisations.models import OrganisationStatus as Status
from impactnet.stats.models import REGION, GrowthSnapshot
from impactnet.stats.services import compute_projections, take_snapshots
from tests import factories
from tests.exports.helpers import all_text, csv_rows, xlsx_rows

URL = "/municipalities/dordrecht/tables/"


@pytest.fixture
def network(dordrecht, zwijndrecht, path):
    """Dordrecht: six construction partners (five past the first step), two labelled in hospitality,
    one applicant; two of the builders became partner today; a target for this year."""
    builders = factories.OrganisationFactory.create_batch(
        6, municipality=dordrecht, status=Status.PARTNER, sector="bouw", size_class="2-9", name="Geheime Bouw B.V."
    )
    factories.OrganisationFactory.create_batch(2, municipality=dordrecht, status=Status.LABELLED, sector="horeca")
    factories.OrganisationFactory(municipality=dordrecht, status=Status.APPLICANT)
    for organisation in builders[:5]:
        db.session.add(
            StepProgress(
                organisation_id=organisation.id,
                step_id=path["partnerovereenkomst"].id,
                state=StepState.APPROVED,
                state_changed_at=utcnow() - timedelta(days=10, hours=1),
            )
        )
    for organisation in builders[:2]:
        record(
            None,
            AuditAction.ORGANISATION_STATUS_CHANGED,
            organisation,
            before={"status": "applicant"},
            after={"status": "partner"},
            organisation_id=organisation.id,
        )
    factories.TargetFactory(municipality=dordrecht, year=local_today().year, partners_wanted=155, labelled_wanted=110)
    factories.PartnerUserFactory(organisation=builders[0], email="persoon@bouw.example.nl", name="Piet Persoonlijk")
    take_snapshots(local_today())
    compute_projections(local_today())
    db.session.commit()


def computed_at() -> str:
    """When the latest snapshot of Dordrecht was computed, as the downloads' last column says it."""
    snapshot = db.session.scalar(
        sa.select(GrowthSnapshot).where(GrowthSnapshot.scope_key != REGION).order_by(GrowthSnapshot.day.desc()).limit(1)
    )
    return as_of_cell(snapshot.computed_at)


def test_the_funnel_as_csv_hides_small_numbers_and_their_medians(client, login_as, network):
    login_as(Role.MUNICIPALITY)
    response = client.get(URL + "funnel.csv")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=impactnet-dordrecht-funnel-{local_today().isoformat()}.csv"
    )
    rows = csv_rows(response)
    assert rows[0] == ["Stap nr.", "Stap", "Organisaties", "Mediaan dagen bij deze stap", "Berekend op"]
    as_of = computed_at()
    assert rows[1] == ["1", "Partnerovereenkomst", "< 5", "", as_of]  # two: too few to show, and no median
    assert rows[2][:3] == ["2", "Inventarisatie", "5"] and rows[2][3] in ("10,0", "11,0")  # a decimal comma


def test_the_breakdowns_as_xlsx_keep_numbers_as_numbers_and_small_ones_as_text(client, login_as, network):
    login_as(Role.STAFF)
    sectors = xlsx_rows(client.get(URL + "sectors.xlsx"))
    as_of = computed_at()
    assert sectors[0] == ("Sector", "Partners", "Met label", "Berekend op")
    assert ("Bouw en installatie", 6, "< 5", as_of) in sectors and (
        "Horeca en recreatie",
        "< 5",
        "< 5",
        as_of,
    ) in sectors
    sizes = xlsx_rows(client.get(URL + "sizes.xlsx"))
    assert ("2 tot 10 medewerkers", 6, "< 5", as_of) in sizes


def test_new_partners_and_targets(client, login_as, network):
    login_as(Role.MUNICIPALITY)
    as_of = computed_at()
    assert csv_rows(client.get(URL + "new.csv")) == [
        ["Cijfer", "Deze maand", "Dit kwartaal", "Dit jaar", "Berekend op"],
        ["Nieuwe partners", "2", "2", "2", as_of],
        ["Nieuwe labels", "0", "0", "0", as_of],
    ]
    targets = xlsx_rows(client.get(URL + "targets.xlsx"))
    assert targets[0][:8] == (
        "Jaar",
        "Doel partners",
        "Doel met label",
        "Stand op",
        "Bereikt: partners",
        "Bereikt: met label",
        "Doel gehaald",
        "Op koers",
    )
    # This year so far: 8 partners and 2 labelled of 155 and 110, not reached (yet), not on track.
    assert targets[1][:8] == (local_today().year, 155, 110, local_today().isoformat(), 8, 2, "nee", "nee")
    assert targets[0][-1] == "Berekend op" and targets[1][-1] == as_of


def test_the_tables_hold_no_personal_data(client, login_as, network):
    login_as(Role.STAFF)
    for name in ("new", "funnel", "sectors", "sizes", "targets"):
        for fmt in ("csv", "xlsx"):
            text = all_text(client.get(f"{URL}{name}.{fmt}"), fmt)
            assert "Geheime Bouw" not in text and "Piet" not in text and "persoon@" not in text, (name, fmt)


def test_access_and_hostile_names(client, app, login_as, network, zwijndrecht):
    visitor = app.test_client().get(URL + "funnel.csv")
    assert visitor.status_code == 302 and visitor.headers["Location"].startswith("/login")
    login_as(Role.MUNICIPALITY, municipality=zwijndrecht)
    assert client.get(URL + "funnel.csv").status_code == 403
    assert client.get("/municipalities/zwijndrecht/tables/funnel.csv").status_code == 200
    for name in ("unknown", "..%2F..%2Fetc%2Fpasswd", "funnel%00", "' OR 1=1 --", "x" * 5000, "trappen✓"):
        assert client.get(f"/municipalities/zwijndrecht/tables/{name}.csv").status_code in (400, 404), name
    assert client.get("/municipalities/onbekend/tables/funnel.csv").status_code == 404


def test_in_english_the_tables_have_english_headings_commas_and_decimal_points(client, login_as, network):
    login_as(Role.MUNICIPALITY)
    rows = csv_rows(client.get(URL + "funnel.csv", headers={"Accept-Language": "en"}), delimiter=",")
    assert rows[0] == ["Step no.", "Step", "Organisations", "Median days at this step", "Computed at"]
    assert rows[2][3] in ("10.0", "11.0")
    targets = csv_rows(client.get(URL + "targets.csv", headers={"Accept-Language": "en"}), delimiter=",")
    assert targets[0][:4] == ["Year", "Target partners", "Target with label", "Figures of"]
    assert targets[1][6] == "no"
