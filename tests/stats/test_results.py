"""'Are we on track?': every target year's result on the dashboard and the overview, the open
(current or next) target's projection, every target in the chart; and figures computed on the
first page that needs them."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import template_rendered

from impactnet.accounts.models import Role
from impactnet.core import fragments
from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.organisations.models import OrganisationStatus as Status
from impactnet.regions.models import Target
from impactnet.stats.counters import take_dashboard_counters
from impactnet.stats.models import REGION, BreakdownSnapshot, FunnelSnapshot, GrowthSnapshot
from impactnet.stats.services import backfill_snapshots, compute_projections
from tests import factories


def text_of(page: str) -> str:
    """The page's text as read on screen (without the figure links' words for screen readers)."""
    page = page.replace('<span class="visually-hidden">: wat telt dit cijfer?</span>', "")
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def snapshot(scope_key, day, partners, labelled):
    db.session.add(
        GrowthSnapshot(
            scope_key=scope_key,
            municipality_id=scope_key or None,
            day=day,
            partners=partners,
            labelled=labelled,
            working_toward_label=partners - labelled,
        )
    )


@pytest.fixture
def history(dordrecht, zwijndrecht, path):
    return dordrecht_history(dordrecht, zwijndrecht)


def dordrecht_history(dordrecht, zwijndrecht) -> date:
    """Dordrecht's targets for the last two years (the one before reached, last year's not: 118 and
    52 of 155 and 110 on 31 December), none for this year; its figures now; the counters of today
    (the journey's steps must exist). Returns today."""
    today = local_today()
    last, before = today.year - 1, today.year - 2
    factories.TargetFactory(municipality=dordrecht, year=before, partners_wanted=75, labelled_wanted=50)
    factories.TargetFactory(municipality=dordrecht, year=last, partners_wanted=155, labelled_wanted=110)
    for day, partners, labelled in (
        (date(before, 12, 31), 80, 51),
        (date(last, 6, 30), 100, 40),
        (date(last, 12, 30), 117, 52),
        (date(last, 12, 31), 118, 52),
        (date(today.year, 1, 31), 121, 55),
        (today, 140, 60),
    ):
        snapshot(dordrecht.id, day, partners, labelled)
        snapshot(zwijndrecht.id, day, 10, 4)
        snapshot(REGION, day, partners + 10, labelled + 4)
    take_dashboard_counters(today)
    for municipality, partners, labelled in ((dordrecht, 140, 60), (zwijndrecht, 10, 4)):
        db.session.add(
            BreakdownSnapshot(
                municipality_id=municipality.id,
                day=today,
                dimension="sector",
                key="bouw",
                partners=partners,
                labelled=labelled,
            )
        )
    db.session.commit()
    return today


def test_the_dashboard_says_how_each_finished_target_year_ended(client, login_as, dordrecht, history):
    login_as(Role.MUNICIPALITY, municipality=dordrecht)
    page = client.get("/municipalities/dordrecht").get_data(as_text=True)
    text = text_of(page)
    last, before = history.year - 1, history.year - 2
    assert f"Geen doel voor {history.year} vastgesteld." in text
    assert "Hoe liepen de vorige doeljaren af?" in text
    ended = text.split(f"{last}: doel niet gehaald", 1)[1].split("Groei per maand", 1)[0]
    assert f"Stand op 31 december {last}." in ended
    assert "118 van 155 partners (76%) ✗ 37 te weinig" in ended
    assert "52 van 110 met label (47%) ✗ 58 te weinig" in ended
    assert '<progress max="155" value="118"' in page and '<progress max="110" value="52"' in page
    reached = text.split(f"{before}: doel gehaald", 1)[1].split(f"{last}:", 1)[0]
    assert "80 van 75 partners (107%) ✓ gehaald" in reached and "51 van 50 met label (102%) ✓ gehaald" in reached
    # The targets table says the same, year by year.
    assert f"{last} 155 110 118 52 niet gehaald" in text and f"{before} 75 50 80 51 gehaald" in text
    # The headline figures are today's, as the page says.
    assert "Partners 140" in text


def test_the_next_target_is_shown_with_its_projection_when_this_year_has_none(client, login_as, dordrecht, history):
    factories.TargetFactory(municipality=dordrecht, year=history.year + 1, partners_wanted=200, labelled_wanted=120)
    compute_projections(history)
    db.session.commit()
    login_as(Role.STAFF)
    text = text_of(client.get("/municipalities/dordrecht").get_data(as_text=True))
    assert f"Volgend doel: {history.year + 1}" in text
    assert f"Voor {history.year} is geen doel vastgesteld; het volgende doel is dat van {history.year + 1}." in text
    assert "140 van 200 partners (70%)" in text and "60 van 120 met label (50%)" in text
    assert f"Op koers voor het doel van {history.year + 1}?" in text
    assert re.search(r"Partners (op koers|achter met \d+) .+? \d+,\d ", text)  # needed per month, decimal comma
    svg = client.get("/municipalities/dordrecht/growth.svg").get_data(as_text=True)
    assert "Doel partners (per jaar)" in svg and "Verwachting partners" in svg


def test_the_overview_shows_each_municipality_s_target_years(client, dordrecht, history):
    text = text_of(client.get("/regions").get_data(as_text=True))
    results = text.split("Doelen per jaar: gehaald of niet", 1)[1]
    last = history.year - 1
    # (The bars' own text, "76%", is what a browser without <progress> shows.)
    assert (
        f"Dordrecht {history.year - 2}: doel gehaald Stand op 31 december {history.year - 2}. 107% 80 van 75 "
        "partners (107%) ✓ gehaald"
    ) in results
    assert (
        f"{last}: doel niet gehaald Stand op 31 december {last}. 76% 118 van 155 partners (76%) ✗ 37 te weinig "
        "47% 52 van 110 met label (47%) ✗ 58 te weinig"
    ) in results
    assert "Zwijndrecht" not in results  # no targets


def test_the_overview_shows_this_year_s_target_so_far_with_what_is_needed(client, dordrecht, history):
    factories.TargetFactory(municipality=dordrecht, year=history.year, partners_wanted=150, labelled_wanted=100)
    compute_projections(history)
    db.session.commit()
    text = text_of(client.get("/regions").get_data(as_text=True))
    results = text.split("Doelen per jaar: gehaald of niet", 1)[1]
    assert f"{history.year}: loopt nog Stand op " in results
    assert "140 van 150 partners (93%) ✗ 10 te weinig" in results
    assert re.search(
        rf"Nodig per maand tot het eind van {history.year}: \d+,\d partners en \d+,\d met label\.", results
    )


def test_the_chart_marks_every_target_in_its_year(client, login_as, dordrecht, history):
    login_as(Role.STAFF)
    page = client.get("/municipalities/dordrecht").get_data(as_text=True)
    assert f"het doel van elk jaar ({history.year - 2}, {history.year - 1})" in page
    for size in ("wide", "small"):
        svg = client.get(f"/municipalities/dordrecht/growth.svg?size={size}").get_data(as_text=True)
        assert "Doel partners (per jaar)" in svg and "Doel met label (per jaar)" in svg
    small = client.get("/municipalities/dordrecht/growth.svg?size=small").get_data(as_text=True)
    assert 'viewBox="0 0 400 520"' in small and "font-size:15px" in small
    assert client.get("/municipalities/dordrecht/growth.svg?size=huge").status_code == 404
    assert 'media="(max-width: 40rem)"' in page and "growth.svg?size=small" in page


def test_the_first_dashboard_computes_what_the_snapshot_job_has_not_yet(client, login_as, dordrecht, path):
    """A fresh database with organisations and no snapshot job run yet: the real counts, not "< 5"."""
    factories.OrganisationFactory.create_batch(7, municipality=dordrecht, status=Status.PARTNER, sector="bouw")
    factories.OrganisationFactory.create_batch(3, municipality=dordrecht, status=Status.LABELLED, sector="horeca")
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(GrowthSnapshot)) == 0
    login_as(Role.MUNICIPALITY, municipality=dordrecht)
    text = text_of(client.get("/municipalities/dordrecht").get_data(as_text=True))
    assert "Partners 10" in text and "Met label 3" in text
    assert "Bouw en installatie 7 < 5" in text  # small numbers stay hidden where they are small
    assert re.search(r"1\. Partnerovereenkomst 7 ", text)
    assert "Er zijn nog geen cijfers berekend." not in text


def test_backfilled_days_get_their_counters_on_the_first_page(client, login_as, dordrecht, path):
    factories.OrganisationFactory.create_batch(8, municipality=dordrecht, status=Status.PARTNER, sector="bouw")
    db.session.commit()
    today = local_today()
    backfill_snapshots(today - timedelta(days=3), today)  # growth only, like the demo seed did
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FunnelSnapshot)) == 0
    login_as(Role.STAFF)
    text = text_of(client.get("/municipalities/dordrecht").get_data(as_text=True))
    assert "Bouw en installatie 8 < 5" in text and re.search(r"1\. Partnerovereenkomst 8 ", text)


def test_the_first_overview_computes_the_figures(client, dordrecht):
    factories.OrganisationFactory.create_batch(6, municipality=dordrecht, status=Status.PARTNER)
    db.session.commit()
    text = text_of(client.get("/regions").get_data(as_text=True))
    assert "Er zijn nog geen cijfers berekend." not in text
    assert re.search(r"Dordrecht 6 0 6 ", text)


def test_an_empty_network_still_says_no_figures_yet(client, dordrecht):
    text = text_of(client.get("/regions").get_data(as_text=True))
    assert "Er zijn nog geen cijfers berekend." in text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(GrowthSnapshot)) == 0


def test_results_keep_the_pages_within_their_statements(app, dordrecht, history):
    """The year ends cost one query; the pages stay within the dashboards' budget."""
    from tests.helpers import login_client, statements
    from tests.stats.test_dashboard import MAX_STATEMENTS

    staff = factories.UserFactory(role=Role.STAFF)
    for url in ("/regions", "/municipalities/dordrecht"):
        client = app.test_client()
        login_client(client, staff)
        with statements() as seen:
            assert client.get(url).status_code == 200
        assert len(seen) <= MAX_STATEMENTS, (url, len(seen))


def test_a_chart_without_figures_or_targets_draws_in_both_sizes(client, login_as, dordrecht):
    login_as(Role.STAFF)
    for size in ("wide", "small"):
        response = client.get(f"/municipalities/dordrecht/growth.svg?size={size}")
        assert response.status_code == 200 and "Doel partners" not in response.get_data(as_text=True)


def test_a_kept_result_is_rendered_once_per_value_and_language_and_never_shown_stale(
    app, client, dordrecht, zwijndrecht, history
):
    """The results are kept as rendered (impactnet/core/fragments.py), keyed by every value they show:
    an overview rendered again after a change elsewhere renders only the results that changed; a
    changed target shows at once; English gets its own."""
    rendered = []

    def note(_app, template, context, **_extra):
        rendered.append(template.name)

    app.extensions.pop(fragments.EXTENSION, None)  # earlier tests' renderings of the same values
    template_rendered.connect(note, app)
    try:
        first = text_of(client.get("/regions").get_data(as_text=True))
        assert rendered.count("regions/_results.html") == 1  # Dordrecht's (Zwijndrecht has no targets)
        factories.TargetFactory(municipality=zwijndrecht, year=history.year - 1, partners_wanted=9, labelled_wanted=5)
        db.session.commit()  # the figures change: the overview is rendered again
        second = text_of(client.get("/regions").get_data(as_text=True))
        assert rendered.count("regions/_overview.html") == 2
        assert rendered.count("regions/_results.html") == 2  # Zwijndrecht's; Dordrecht's was kept
        assert first.split("Zwijndrecht")[0] in second and "10 van 9 partners" in second

        target = db.session.scalar(
            sa.select(Target).where(Target.municipality_id == dordrecht.id, Target.year == history.year - 1)
        )
        target.partners_wanted = 160
        db.session.commit()
        changed = text_of(client.get("/regions").get_data(as_text=True))
        assert "118 van 160 partners (74%) ✗ 42 te weinig" in changed and "37 te weinig" not in changed
        english = text_of(client.get("/regions", headers={"Accept-Language": "en"}).get_data(as_text=True))
        assert "42 short" in english and "te weinig" not in english
    finally:
        template_rendered.disconnect(note, app)
