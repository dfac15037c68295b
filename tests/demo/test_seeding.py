"""Seeding the demo network from an empty or a partly filled database: deterministic, keeps what
exists, and loaded by the command with every counter the dashboards read. Each test seeds on its own."""

from datetime import date

import sqlalchemy as sa

from impactnet.demo.seed import DEMO_PASSWORD, seed_demo
from impactnet.extensions import db
from impactnet.organisations.models import Organisation
from impactnet.regions.models import Municipality
from impactnet.regions.services import municipality_by_slug
from tests import factories
from tests.demo.helpers import ACCOUNTS, tally
from tests.helpers import count


def test_seeding_is_deterministic():
    def network():
        seed_demo()
        return db.session.execute(
            sa.select(
                Organisation.kvk_number, Organisation.name, Organisation.status, Organisation.created_at
            ).order_by(Organisation.kvk_number)
        ).all()

    first = network()
    db.session.rollback()
    assert network() == first


def test_existing_municipalities_and_targets_are_kept():
    dordrecht = factories.MunicipalityFactory(name="Dordrecht", slug="dordrecht", joined_on=date(2021, 11, 1))
    factories.TargetFactory(municipality=dordrecht, year=2025, partners_wanted=160, labelled_wanted=120)

    seed_demo()
    db.session.commit()

    assert count(Municipality) == 3
    targets = {t.year: (t.partners_wanted, t.labelled_wanted) for t in municipality_by_slug("dordrecht").targets}
    assert targets == {2024: (75, 50), 2025: (160, 120)}
    for slug in ("zwijndrecht", "sliedrecht"):
        assert municipality_by_slug(slug).joined_on == date(2025, 1, 1)


def test_the_command_loads_the_demo_and_prints_the_logins(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    for _, email in ACCOUNTS:
        assert email in result.output
    assert DEMO_PASSWORD in result.output
    loaded = tally()
    assert loaded[0] > 0

    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0, again.output
    assert tally() == loaded


def test_the_seeded_demo_has_every_counter_the_dashboards_read(app):
    """The funnel and breakdown counters of today exist straight after the seed: no "< 5" for
    Dordrecht's 140 partners until the hourly snapshot job first runs."""
    from impactnet.database import local_today
    from impactnet.stats.models import BreakdownSnapshot, FunnelSnapshot, GrowthSnapshot

    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    dordrecht = db.session.scalar(sa.select(Municipality).where(Municipality.slug == "dordrecht"))
    today = local_today()
    partners = db.session.scalar(
        sa.select(GrowthSnapshot.partners).where(GrowthSnapshot.scope_key == dordrecht.id, GrowthSnapshot.day == today)
    )
    by_sector = db.session.scalar(
        sa.select(sa.func.sum(BreakdownSnapshot.partners)).where(
            BreakdownSnapshot.municipality_id == dordrecht.id,
            BreakdownSnapshot.day == today,
            BreakdownSnapshot.dimension == "sector",
        )
    )
    assert partners > 100 and by_sector == partners
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(FunnelSnapshot)
            .where(FunnelSnapshot.municipality_id == dordrecht.id, FunnelSnapshot.day == today)
        )
        > 0
    )
