"""``flask --app wsgi backfill-snapshots``: rebuild the growth history from the audit trail."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from impactnet.database import local_today
from impactnet.extensions import db

DATE = click.DateTime(formats=["%Y-%m-%d"])


@click.command("backfill-snapshots")
@click.option("--from", "start", type=DATE, help="First day (YYYY-MM-DD); default: the day of the first audit event.")
@click.option("--to", "end", type=DATE, help="Last day (YYYY-MM-DD); default: today.")
@with_appcontext
def backfill_snapshots_command(start, end):
    """Rebuild the daily growth snapshots from the audit trail (existing days are replaced),
    then compute the projections for the last day."""
    from impactnet.stats.services import (
        backfill_snapshots,
        compute_projections,
        first_activity_day,
        take_snapshots,
    )

    end = end.date() if end else local_today()
    start = start.date() if start else first_activity_day()
    if start is None:
        click.echo("No audit events yet: nothing to rebuild.")
        return
    if start > end:
        raise click.BadParameter(f"{start} lies after {end}", param_hint="--from")
    written = backfill_snapshots(start, end)
    if end == local_today():
        # Today's snapshot from the organisations themselves, with the funnel and breakdown counters
        # the audit trail cannot replay, so the dashboards show every figure from the first page.
        take_snapshots(end)
    projections = compute_projections(end)
    db.session.commit()
    click.echo(f"{written} snapshots written for {start} to {end}; {projections} projections for {end}.")
