"""Daily snapshots: today's from the statuses, the past's replayed from the audit trail."""

from datetime import date

import pytest
import sqlalchemy as sa

from impactnet.audit.models import AuditAction
from impactnet.audit.services import record
from impactnet.extensions import db
from impactnet.organisations.models import OrganisationStatus as S
from impactnet.stats.cli import backfill_snapshots_command
from impactnet.stats.figures import FIGURES
from impactnet.stats.models import REGION, GrowthSnapshot
from impactnet.stats.services import backfill_snapshots, series, take_snapshots
from tests import factories
from tests.helpers import count
from tests.stats.network import noon, organisation, utc

DAY = date(2025, 3, 15)


@pytest.fixture
def network(dordrecht, zwijndrecht):
    """Six organisations in Dordrecht and two in Zwijndrecht (both joined on 1 January 2025)."""
    organisation(
        dordrecht,
        noon(2024, 11, 4),
        (noon(2024, 12, 2), S.PARTNER),
        (noon(2025, 1, 13), S.WORKING_TOWARD_LABEL),
        (noon(2025, 3, 3), S.LABELLED),
    )
    organisation(
        dordrecht, noon(2024, 11, 5), (noon(2025, 1, 8), S.PARTNER), (noon(2025, 2, 3), S.WORKING_TOWARD_LABEL)
    )
    organisation(dordrecht, noon(2025, 2, 10), (noon(2025, 3, 4), S.PARTNER))
    waiting = organisation(dordrecht, noon(2025, 3, 10))
    organisation(
        dordrecht,
        noon(2024, 10, 1),
        (noon(2024, 10, 15), S.PARTNER),
        (noon(2024, 11, 1), S.WORKING_TOWARD_LABEL),
        (noon(2024, 12, 1), S.LABELLED),
        (noon(2025, 3, 2), S.LABEL_EXPIRED),
    )
    organisation(dordrecht, noon(2024, 10, 2), (noon(2024, 10, 20), S.PARTNER), (noon(2025, 2, 20), S.WITHDRAWN))
    # 23:30 UTC on 28 February is 00:30 on 1 March in Dordrecht: a partner of March.
    organisation(zwijndrecht, noon(2025, 1, 6), (utc(2025, 2, 28, 23, 30), S.PARTNER))
    organisation(zwijndrecht, noon(2025, 3, 14))
    return {"dordrecht": dordrecht.id, "zwijndrecht": zwijndrecht.id, "waiting": waiting}


HEADLINE = ("partners", "labelled", "working_toward_label", "applicants", "new_this_month", "label_expired")
NEW = ("new_partners_quarter", "new_partners_year", "new_labels_month", "new_labels_quarter", "new_labels_year")


def figures(scope_key: int, day: date, names=HEADLINE) -> tuple[int, ...] | None:
    """(partners, labelled, working toward the label, applicants, new this month, labels expired),
    or the columns ``names``."""
    row = db.session.execute(
        sa.select(*(getattr(GrowthSnapshot, name) for name in names)).where(
            GrowthSnapshot.scope_key == scope_key, GrowthSnapshot.day == day
        )
    ).one_or_none()
    return tuple(row) if row is not None else None


def all_rows() -> list[tuple]:
    return db.session.execute(
        sa.select(
            GrowthSnapshot.scope_key,
            GrowthSnapshot.municipality_id,
            GrowthSnapshot.day,
            *(getattr(GrowthSnapshot, name) for name in FIGURES),
        ).order_by(GrowthSnapshot.day, GrowthSnapshot.scope_key)
    ).all()


def test_todays_figures_per_municipality_and_for_the_region(network):
    assert take_snapshots(DAY) == 3
    db.session.commit()

    assert figures(network["dordrecht"], DAY) == (4, 1, 2, 1, 1, 1)
    assert figures(network["zwijndrecht"], DAY) == (1, 0, 1, 1, 1, 0)
    assert figures(REGION, DAY) == (5, 1, 3, 2, 2, 1)
    region = db.session.scalar(sa.select(GrowthSnapshot).where(GrowthSnapshot.scope_key == REGION))
    assert region.municipality_id is None and region.computed_at is not None


def test_taking_a_day_again_replaces_its_figures(network):
    take_snapshots(DAY)
    db.session.commit()
    waiting = network["waiting"]
    waiting.status = S.PARTNER
    record(
        None,
        AuditAction.ORGANISATION_STATUS_CHANGED,
        waiting,
        before={"status": "applicant"},
        after={"status": "partner"},
        organisation_id=waiting.id,
        occurred_at=noon(2025, 3, 15),
    )
    db.session.commit()

    assert take_snapshots(DAY) == 3
    db.session.commit()

    assert count(GrowthSnapshot) == 3
    assert figures(network["dordrecht"], DAY) == (5, 1, 3, 0, 2, 1)
    assert figures(REGION, DAY) == (6, 1, 4, 1, 3, 1)


def test_a_municipality_without_organisations_appears_from_the_day_it_joins(network):
    joining = factories.MunicipalityFactory(name="Papendrecht", slug="papendrecht", joined_on=date(2025, 7, 1))
    take_snapshots(DAY)
    take_snapshots(date(2025, 7, 1))
    db.session.commit()
    assert figures(joining.id, DAY) is None
    assert figures(joining.id, date(2025, 7, 1)) == (0, 0, 0, 0, 0, 0)


def test_the_backfill_replays_the_audit_trail_day_by_day(network):
    dordrecht, zwijndrecht = network["dordrecht"], network["zwijndrecht"]
    # Dordrecht from 1 October 2024 (its first registration), Zwijndrecht from joining, the region on each day.
    assert backfill_snapshots(date(2024, 9, 1), DAY) == 166 + 74 + 166
    db.session.commit()

    assert figures(dordrecht, date(2024, 9, 30)) is None and figures(REGION, date(2024, 9, 30)) is None
    assert figures(dordrecht, date(2024, 10, 1)) == (0, 0, 0, 1, 0, 0)
    assert figures(dordrecht, date(2024, 10, 31)) == (2, 0, 2, 0, 2, 0)
    assert figures(zwijndrecht, date(2024, 12, 31)) is None
    assert figures(zwijndrecht, date(2025, 1, 1)) == (0, 0, 0, 0, 0, 0)
    assert figures(dordrecht, date(2025, 1, 31)) == (4, 1, 3, 0, 1, 0)
    assert figures(dordrecht, date(2025, 2, 28)) == (3, 1, 2, 1, 0, 0)
    assert figures(zwijndrecht, date(2025, 2, 28)) == (0, 0, 0, 1, 0, 0)
    assert figures(zwijndrecht, date(2025, 3, 1)) == (1, 0, 1, 0, 1, 0)  # the local day, not the UTC one
    assert figures(dordrecht, date(2025, 3, 3)) == (3, 1, 1, 1, 0, 1)
    assert figures(dordrecht, DAY) == (4, 1, 2, 1, 1, 1)
    assert figures(REGION, DAY) == (5, 1, 3, 2, 2, 1)


def test_the_region_is_the_sum_of_its_municipalities_on_every_day(network):
    backfill_snapshots(date(2024, 10, 1), DAY)
    db.session.commit()
    by_day: dict[date, list[tuple]] = {}
    for row in all_rows():
        by_day.setdefault(row.day, []).append(row)
    assert len(by_day) == 166
    for day, rows in by_day.items():
        [region] = [row for row in rows if row.scope_key == REGION]
        assert all(row.municipality_id == row.scope_key for row in rows if row is not region)
        for name in FIGURES:
            assert getattr(region, name) == sum(getattr(row, name) for row in rows if row is not region), (day, name)


def test_the_backfill_of_today_agrees_with_todays_snapshot_and_replaces_it(network):
    take_snapshots(DAY)
    db.session.commit()
    today = all_rows()

    assert backfill_snapshots(DAY, DAY) == 3
    db.session.commit()
    assert all_rows() == today
    assert count(GrowthSnapshot) == 3


def test_a_backfill_starting_mid_month_counts_the_months_new_partners_before_it(network):
    backfill_snapshots(date(2025, 3, 10), date(2025, 3, 10))
    db.session.commit()
    assert figures(network["dordrecht"], date(2025, 3, 10))[4] == 1  # the partner of 4 March
    assert figures(network["zwijndrecht"], date(2025, 3, 10))[4] == 1


def test_new_partners_and_labels_per_quarter_and_year_today_and_in_the_backfill(network):
    dordrecht, zwijndrecht = network["dordrecht"], network["zwijndrecht"]
    take_snapshots(DAY)
    db.session.commit()
    # Dordrecht: partners of 8 January and 4 March; the label of 3 March (the one of December is last year's).
    assert figures(dordrecht, DAY, NEW) == (2, 2, 1, 1, 1)
    assert figures(zwijndrecht, DAY, NEW) == (1, 1, 0, 0, 0)
    assert figures(REGION, DAY, NEW) == (3, 3, 1, 1, 1)

    backfill_snapshots(date(2025, 2, 1), date(2025, 4, 1))
    db.session.commit()
    assert figures(dordrecht, DAY, NEW) == (2, 2, 1, 1, 1)  # the replay agrees with today's count
    assert figures(dordrecht, date(2025, 2, 1), NEW) == (1, 1, 0, 0, 0)  # counted from before the backfill's start
    assert figures(dordrecht, date(2025, 4, 1), (*NEW, "new_this_month")) == (0, 2, 0, 0, 1, 0)  # a new quarter


def test_the_series_holds_the_last_snapshot_of_each_month(network):
    backfill_snapshots(date(2024, 10, 1), DAY)
    db.session.commit()
    months = series(network["dordrecht"], date(2024, 11, 15), DAY)
    assert [snapshot.day for snapshot in months] == [
        date(2024, 11, 30),
        date(2024, 12, 31),
        date(2025, 1, 31),
        date(2025, 2, 28),
        DAY,
    ]
    assert [snapshot.partners for snapshot in months] == [2, 3, 4, 3, 4]
    region = series(None, date(2025, 1, 1), date(2025, 2, 10))
    assert [(s.day, s.scope_key, s.partners) for s in region] == [
        (date(2025, 1, 31), REGION, 4),
        (date(2025, 2, 10), REGION, 4),
    ]


def test_the_command_rebuilds_the_history_and_refuses_a_reversed_range(app, network):
    runner = app.test_cli_runner()
    result = runner.invoke(backfill_snapshots_command, ["--from", "2025-03-01", "--to", "2025-03-15"])
    assert result.exit_code == 0, result.output
    assert "45 snapshots written for 2025-03-01 to 2025-03-15" in result.output
    assert figures(network["zwijndrecht"], DAY) == (1, 0, 1, 1, 1, 0)

    result = runner.invoke(backfill_snapshots_command, ["--from", "2025-03-15", "--to", "2025-03-01"])
    assert result.exit_code == 2 and "lies after" in result.output


def test_the_command_starts_at_the_first_audit_event_by_default(app, network):
    result = app.test_cli_runner().invoke(backfill_snapshots_command, ["--to", "2024-10-31"])
    assert result.exit_code == 0, result.output
    assert "62 snapshots written for 2024-10-01 to 2024-10-31" in result.output  # Dordrecht and the region
