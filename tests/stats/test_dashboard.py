"""The public region overview and the municipality dashboards: figures, privacy, the chart, cost."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from impactnet.accounts.models import Role
from impactnet.audit.models import AuditAction
from impactnet.audit.services import record
from impactnet.database import local_today, utcnow
from impactnet.extensions import db
from impactnet.journey.models import JourneyStep, StepProgress, StepState
from impactnet.organisations.models import Organisation
from impactnet.organisations.models import OrganisationStatus as Status
from impactnet.stats import milestones
from impactnet.stats.dashboard import funnel
from impactnet.stats.figures import period_starts
from impactnet.stats.models import REGION, GrowthSnapshot
from impactnet.stats.services import backfill_snapshots, compute_projections, take_snapshots
from tests import factories
from tests.helpers import login_client, statements
from tests.stats.network import bulk_network

MAX_STATEMENTS = 8


def snapshot(scope_key, day, partners, labelled, working):
    db.session.add(
        GrowthSnapshot(
            scope_key=scope_key,
            municipality_id=scope_key or None,
            day=day,
            partners=partners,
            labelled=labelled,
            working_toward_label=working,
        )
    )


def test_region_overview_shows_the_latest_snapshots_and_progress_for_everyone(client, dordrecht, zwijndrecht):
    year = local_today().year
    factories.TargetFactory(municipality=dordrecht, year=year, partners_wanted=155, labelled_wanted=110)
    factories.TargetFactory(municipality=dordrecht, year=year - 1, partners_wanted=75, labelled_wanted=50)
    snapshot(dordrecht.id, date(year, 1, 1), 50, 20, 30)  # older: not shown
    snapshot(dordrecht.id, date(year, 1, 2), 62, 33, 29)
    snapshot(zwijndrecht.id, date(year, 1, 2), 7, 1, 6)
    snapshot(REGION, date(year, 1, 2), 69, 34, 35)
    # A live organisation the snapshots do not know yet: the overview does not scan them.
    factories.OrganisationFactory(municipality=dordrecht, status=Status.LABELLED, name="Geheime Zaak B.V.")
    db.session.commit()

    response = client.get("/regions")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "62 van 155 partners (40%)" in page and "33 van 110 met label (30%)" in page
    assert '<progress max="155" value="62"' in page
    zwijndrecht_row = page.split("Zwijndrecht", 1)[1].split("</tr>", 1)[0]
    assert ">7<" in zwijndrecht_row and "Geen doel voor dit jaar" in zwijndrecht_row
    region_row = page.split("<tfoot>", 1)[1]
    assert ">69<" in region_row and "69 van 155 partners (45%)" in region_row
    assert "Geheime Zaak" not in page
    assert 'href="/regions"' in client.get("/").get_data(as_text=True)


def test_progress_bar_says_when_there_is_no_target(client, dordrecht):
    page = client.get("/regions").get_data(as_text=True)
    assert "Er zijn nog geen cijfers berekend." in page and "Geen doel voor dit jaar" in page


def test_period_starts():
    assert period_starts(date(2026, 11, 28)) == {
        "month": date(2026, 11, 1),
        "quarter": date(2026, 10, 1),
        "year": date(2026, 1, 1),
    }


@pytest.fixture
def dordrecht_network(dordrecht, zwijndrecht, path):
    """Six partners in construction (five past the first step for ten days), two labelled in
    hospitality, one applicant; a target for this year with its projection; today's snapshots."""
    today = local_today()
    builders = factories.OrganisationFactory.create_batch(
        6, municipality=dordrecht, status=Status.PARTNER, sector="bouw", size_class="2-9", name="Geheime Bouw B.V."
    )
    factories.OrganisationFactory.create_batch(2, municipality=dordrecht, status=Status.LABELLED, sector="horeca")
    factories.OrganisationFactory(
        municipality=dordrecht, status=Status.APPLICANT, created_at=utcnow() - timedelta(days=3)
    )
    factories.OrganisationFactory(municipality=zwijndrecht, status=Status.PARTNER)
    first = path["partnerovereenkomst"]
    for organisation in builders[:5]:
        db.session.add(
            StepProgress(
                organisation_id=organisation.id,
                step_id=first.id,
                state=StepState.APPROVED,
                state_changed_at=utcnow() - timedelta(days=10, hours=1),
            )
        )
    for organisation in builders[:2]:  # became partner today
        record(
            None,
            AuditAction.ORGANISATION_STATUS_CHANGED,
            organisation,
            before={"status": "applicant"},
            after={"status": "partner"},
            organisation_id=organisation.id,
        )
    factories.TargetFactory(municipality=dordrecht, year=today.year, partners_wanted=155, labelled_wanted=110)
    factories.PartnerUserFactory(organisation=builders[0], email="persoon@bouw.example.nl", name="Piet Persoonlijk")
    take_snapshots(today)
    compute_projections(today)
    db.session.commit()
    return today


def test_funnel_counts_organisations_at_their_first_unapproved_step(dordrecht, dordrecht_network):
    steps = {step.position: step for step in funnel(dordrecht.id, dordrecht_network)}
    assert len(steps) == db.session.scalar(sa.select(sa.func.count()).select_from(JourneyStep))
    assert (steps[1].organisations, steps[2].organisations, steps[3].organisations) == (2, 5, 0)
    # Days are whole calendar days, so around midnight one may count a day more.
    assert steps[2].median_days in (10, 11) and steps[3].median_days is None
    assert steps[1].median_days in (1.5, 2.5)  # registered three days ago and today


def test_dashboard_shows_figures_and_hides_small_numbers(client, login_as, dordrecht, dordrecht_network):
    login_as(Role.MUNICIPALITY, municipality=dordrecht)
    page = client.get("/municipalities/dordrecht").get_data(as_text=True)
    assert "&lt; 5" in page and "< 5" not in page  # escaped, so the HTML stays valid
    seen = page.replace('<span class="visually-hidden">: wat telt dit cijfer?</span>', "")  # as read on screen
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", seen)))
    assert "Partners 8" in text and "Met label 2" in text  # headline, from today's snapshot
    assert "8 van 155 partners (5%)" in text and "2 van 110 met label (2%)" in text
    assert "Bouw en installatie 6 < 5" in text  # six partners, none labelled
    assert "Horeca en recreatie < 5 < 5" in text
    assert "2 tot 10 medewerkers 6 < 5" in text
    assert re.search(r"2\. Inventarisatie 5 1[01] ", text) and "1. Partnerovereenkomst < 5 –" in text
    assert "Nieuwe partners 2 2 2" in text and "Nieuwe labels 0 0 0" in text
    # One snapshot: no pace yet, so no date; 147 partners still needed by the end of the year.
    assert re.search(
        r"Partners niet op koers: nog geen groei niet in dit tempo \d+,\d ", text
    )  # a decimal comma in Dutch
    assert 'src="/municipalities/dordrecht/growth.svg"' in page and "alt=" in page
    # The region's totals, when they were computed, and the parts that add up to them.
    assert re.search(r"Regio Drechtsteden Stand van \d{1,2} \w+ \d{4}, \d\d:\d\d Partners 9 ", text)
    assert "8 partners = 2 met label + 6 werken aan het label + 0 label verlopen + 0 label ingetrokken." in text
    assert 'href="/zo-tellen-we#label_revoked"' in page and "<details" in page


def test_no_personal_data_on_the_pages(client, login_as, dordrecht, dordrecht_network):
    login_as(Role.STAFF)
    for url in ("/regions", "/municipalities/dordrecht", "/municipalities/dordrecht/growth.svg"):
        page = client.get(url).get_data(as_text=True)
        for secret in ("Geheime Bouw", "persoon@bouw.example.nl", "Piet Persoonlijk", "Voorstraat", "3311"):
            assert secret not in page, (url, secret)


def test_growth_chart_is_a_self_contained_svg(client, login_as, dordrecht, dordrecht_network):
    login_as(Role.MUNICIPALITY, municipality=dordrecht)
    response = client.get("/municipalities/dordrecht/growth.svg")
    svg = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert "<script" not in svg
    assert set(re.findall(r"https?://[^\s\"'<>]+", svg)) <= {"http://www.w3.org/2000/svg"}
    assert "stroke-dasharray" in svg and "Partners" in svg and "Doel partners" in svg
    # Only this image may carry inline styles; the pages keep the strict policy.
    assert "style-src 'unsafe-inline'" in response.headers["Content-Security-Policy"]
    assert "script-src" not in response.headers["Content-Security-Policy"]
    page = client.get("/municipalities/dordrecht")
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]


def test_dashboard_access(client, app, login_as, dordrecht, zwijndrecht):
    for url in ("/municipalities/zwijndrecht", "/municipalities/zwijndrecht/growth.svg"):
        visitor = app.test_client().get(url)
        assert visitor.status_code == 302 and visitor.headers["Location"].startswith("/login")
    login_as(Role.MUNICIPALITY, municipality=dordrecht)
    assert client.get("/municipalities/zwijndrecht").status_code == 403
    assert client.get("/municipalities/zwijndrecht/growth.svg").status_code == 403
    assert client.get("/municipalities/dordrecht/growth.svg").status_code == 200
    assert client.get("/municipalities/onbekend").status_code == 404


def _grow(municipality_ids, how_many, first, steps):
    """``how_many`` more organisations, each with the first step approved; snapshots and projections."""
    bulk_network(municipality_ids, how_many, first=first)
    ids = db.session.scalars(sa.select(Organisation.id).where(Organisation.kvk_number >= f"{50000000 + first:08d}"))
    db.session.execute(
        sa.insert(StepProgress),
        [
            {
                "organisation_id": i,
                "step_id": steps["partnerovereenkomst"].id,
                "state": StepState.APPROVED,
                "state_changed_at": utcnow() - timedelta(days=i % 40),
            }
            for i in ids
        ],
    )
    milestones.recompute()  # the set-based insert bypassed the flush that keeps them
    today = local_today()
    backfill_snapshots(date(2025, 1, 1), date(2025, 12, 31))
    take_snapshots(today)
    compute_projections(today)
    db.session.commit()


def _statement_counts(app, viewer, staff) -> list[int]:
    counts = []
    for user, url in (
        (None, "/regions"),
        (viewer, "/municipalities/dordrecht"),
        (viewer, "/municipalities/dordrecht/growth.svg"),
        (staff, "/municipalities/dordrecht"),
    ):
        client = app.test_client()
        if user is not None:
            login_client(client, user)
        with statements() as seen:
            assert client.get(url).status_code == 200
        counts.append(len(seen))
    return counts


def test_dashboards_send_the_same_few_statements_for_10_and_100_organisations(app, dordrecht, zwijndrecht, path):
    for municipality in (dordrecht, zwijndrecht):
        factories.TargetFactory(
            municipality=municipality, year=local_today().year, partners_wanted=80, labelled_wanted=40
        )
    viewer = factories.MunicipalityUserFactory(municipality=dordrecht)
    staff = factories.UserFactory(role=Role.STAFF)
    _grow([dordrecht.id, zwijndrecht.id], 10, 0, path)
    small = _statement_counts(app, viewer, staff)
    _grow([dordrecht.id, zwijndrecht.id], 90, 10, path)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 100
    large = _statement_counts(app, viewer, staff)
    print("statements (overview, dashboard viewer, chart, dashboard staff):", large)
    assert small == large, (small, large)
    assert max(large) <= MAX_STATEMENTS, large


def test_the_chart_caption_names_only_the_lines_the_chart_draws(
    client, login_as, dordrecht, zwijndrecht, dordrecht_network
):
    login_as(Role.STAFF)
    with_target = client.get("/municipalities/dordrecht").get_data(as_text=True)
    year = dordrecht_network.year
    assert f"Lange strepen met een stip op 31 december: het doel van elk jaar ({year})." in with_target
    assert "geen doellijnen" not in with_target
    without = client.get("/municipalities/zwijndrecht").get_data(as_text=True)
    assert "Lange strepen" not in without and "Korte stippen" not in without
    assert "Er is nog geen doel vastgesteld, dus de grafiek toont geen doellijnen." in without
    svg = client.get("/municipalities/zwijndrecht/growth.svg").get_data(as_text=True)
    assert "Doel partners" not in svg and "Doel partners" in client.get(
        "/municipalities/dordrecht/growth.svg"
    ).get_data(as_text=True)


def test_the_funnel_and_breakdowns_are_the_last_snapshot_s_not_live(client, login_as, dordrecht, dordrecht_network):
    login_as(Role.STAFF)
    factories.OrganisationFactory.create_batch(5, municipality=dordrecht, status=Status.PARTNER, sector="horeca")
    db.session.commit()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get("/municipalities/dordrecht").get_data(as_text=True)))
    assert "Horeca en recreatie &lt; 5 &lt; 5" in text  # the five new partners are not counted yet
    take_snapshots(local_today())
    db.session.commit()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get("/municipalities/dordrecht").get_data(as_text=True)))
    assert "Horeca en recreatie 7 &lt; 5" in text
