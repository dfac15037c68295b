"""Benchmark of the periodic jobs on PostgreSQL at 1,000, 10,000 and 100,000 organisations.

    python -m tests.perf.bench_scans [--sizes 1000,10000,100000]
    python tests/perf/bench_scans.py

The database is ``BENCH_DATABASE_URL`` (default
postgresql+psycopg://postgres@127.0.0.1:5432/bench), created when missing and
emptied before each size; the ``test`` database is refused. Each size is seeded
set-based (SQLAlchemy Core bulk inserts, in chunks) with a realistic network:
seven municipalities with targets, organisations in every status with their
audit trail (registration and status changes over four years), a contact
person each, their progress on the five steps and labels that were renewed or
expired. Then it times, and counts the SQL statements of, the whole-history
backfill, ``take_snapshots(today)``, ``compute_projections(today)`` and (when
the module exists) ``scan_reminders(now)``, and prints a Markdown table.

Not collected by pytest (the file is not named test_*.py).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from itertools import pairwise
from time import perf_counter

import psycopg
import sqlalchemy as sa
from dateutil.relativedelta import relativedelta

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench"
CHUNK = 5_000  # organisations generated and inserted at a time
MUNICIPALITIES = (
    ("Dordrecht", 45),
    ("Zwijndrecht", 15),
    ("Sliedrecht", 10),
    ("Papendrecht", 10),
    ("Hendrik-Ido-Ambacht", 8),
    ("Alblasserdam", 7),
    ("Hardinxveld-Giessendam", 5),
)
# Where an organisation is headed (it stops earlier when its next step lies in the future), and how often.
FATES = (
    ("applicant", 8),
    ("applicant_withdrawn", 2),
    ("partner", 12),
    ("working", 28),
    ("labelled", 40),
    ("revoked", 3),
    ("withdrawn", 7),
)
KEPT_TABLES = {"journey_steps", "drechtse_doelen"}  # reference data the migrations seed


def ensure_database(url: sa.URL) -> None:
    if url.database == "test":
        sys.exit("refusing to benchmark on the 'test' database: others run the test suite there")
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (url.database,)).fetchone() is None:
            connection.execute(f'CREATE DATABASE "{url.database}"')


def make_app(url: str):
    from impactnet import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
            "INSTANCE_PATH": tempfile.mkdtemp(prefix="impactnet-bench-"),
            "MAIL_BACKEND": "file",
            "PUBLIC_URL": "https://impactnet.example",
            "RATELIMIT_ENABLED": False,
        }
    )


def empty(db) -> None:
    names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables if t.name not in KEPT_TABLES)
    db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    db.session.commit()


class Network:
    """Generates one organisation's rows at a time (set-based inserts per chunk)."""

    def __init__(self, rng: random.Random, now: datetime, steps: list[int], municipality_ids: list[int]):
        from impactnet.accounts.models import Role
        from impactnet.audit.models import AuditAction
        from impactnet.journey.models import StepState
        from impactnet.organisations.models import OrganisationStatus

        self.rng, self.now, self.today, self.steps = rng, now, now.date(), steps
        self.municipality_ids, self.weights = municipality_ids, [weight for _, weight in MUNICIPALITIES]
        self.Role, self.Action, self.State, self.Status = Role, AuditAction, StepState, OrganisationStatus
        self.start = now - timedelta(days=4 * 365)

    def after(self, moment: datetime, low: int, high: int) -> datetime:
        return moment + timedelta(days=self.rng.uniform(low, high))

    def organisation(self, n: int) -> tuple[dict, dict, list[dict], list[dict]]:
        S, rng = self.Status, self.rng
        fate = rng.choices([f for f, _ in FATES], [w for _, w in FATES])[0]
        # more registrations lately: the network grows
        registered = self.start + (self.now - self.start) * (1 - rng.random() ** 1.6) - timedelta(days=1)
        moments = [(registered, S.APPLICANT)]

        def step(status, low, high) -> bool:
            at = self.after(moments[-1][0], low, high)
            if at >= self.now:
                return False
            moments.append((at, status))
            return True

        label = None
        if fate == "applicant_withdrawn":
            step(S.WITHDRAWN, 20, 120)
        elif fate == "withdrawn":
            if step(S.PARTNER, 7, 60):
                step(S.WITHDRAWN, 90, 400)
        elif fate != "applicant" and step(S.PARTNER, 7, 60) and fate != "partner":
            labelled = step(S.WORKING_TOWARD_LABEL, 14, 75) and fate != "working" and step(S.LABELLED, 100, 300)
            if labelled:
                label = self.label(fate, moments, step)
        status = moments[-1][1]
        organisation = {
            "id": n,
            "name": f"Bench {n} B.V.",
            "kvk_number": f"{n:08d}",
            "municipality_id": rng.choices(self.municipality_ids, self.weights)[0],
            "sector": "bouw",
            "size_class": "10-49",
            "street_address": "Voorstraat 1",
            "postcode": "3311 AB",
            "city": "Dordrecht",
            "public_listing": rng.random() < 0.5,
            "status": status,
            "created_at": registered,
            "updated_at": moments[-1][0],
            "label_awarded_on": label[0] if label else None,
            "label_valid_until": label[1] if label else None,
            "label_revoked_on": moments[-1][0].date() if status is S.LABEL_REVOKED else None,
        }
        verified = None if registered > self.now - timedelta(days=20) and rng.random() < 0.3 else registered
        user = {
            "id": n,
            "email": f"contact{n}@bench.impactnet.example",
            "name": f"Contact {n}",
            "password_hash": "bench",
            "role": self.Role.PARTNER,
            "organisation_id": n,
            "email_verified_at": verified,
            "active": True,
            "reminders_enabled": True,
            "auth_token": f"bench-{n}",
            "created_at": registered,
            "updated_at": registered,
        }
        events = [self.event(n, registered, self.Action.ORGANISATION_REGISTERED, None, {"status": "applicant"})]
        events += [
            self.event(
                n, at, self.Action.ORGANISATION_STATUS_CHANGED, {"status": before.value}, {"status": after.value}
            )
            for (_, before), (at, after) in pairwise(moments)
        ]
        return organisation, user, events, self.progress(n, moments)

    def label(self, fate: str, moments: list, step) -> tuple:
        """The label's dates; it is revoked, renewed in time, or expired the day after its last valid day."""
        S = self.Status
        awarded = moments[-1][0].date()
        valid_until = awarded + relativedelta(months=24)
        if fate == "revoked":
            step(S.LABEL_REVOKED, 60, 400)
        while moments[-1][1] is S.LABELLED and valid_until < self.today:
            if self.rng.random() < 0.85:
                valid_until += relativedelta(months=24)
            else:
                expired = datetime.combine(valid_until + timedelta(days=1), moments[-1][0].timetz())
                moments.append((min(expired, self.now - timedelta(minutes=1)), S.LABEL_EXPIRED))
        return awarded, valid_until

    @staticmethod
    def event(n: int, at: datetime, action, before, after) -> dict:
        return {
            "occurred_at": at,
            "actor_id": None,
            "action": action,
            "object_type": "organisations",
            "object_id": n,
            "organisation_id": n,
            "before": before,
            "after": after,
        }

    def progress(self, n: int, moments: list[tuple[datetime, object]]) -> list[dict]:
        """Rows on the five steps that agree with the status (a step is approved when the next status came)."""
        S, State, rng = self.Status, self.State, self.rng
        reached = {status: at for at, status in moments}
        states: list[tuple[object, datetime]] = []
        if S.PARTNER not in reached:
            first = rng.choice([None, State.DRAFT, State.SUBMITTED, State.CHANGES_REQUESTED])
            if first is not None:
                states.append((first, min(self.after(moments[0][0], 1, 10), self.now)))
        else:
            states.append((State.APPROVED, reached[S.PARTNER]))
            if S.LABELLED in reached:
                labelled = reached[S.LABELLED]
                states += [
                    (State.APPROVED, self.after(reached[S.WORKING_TOWARD_LABEL], 10, 30)),
                    (State.APPROVED, self.after(reached[S.WORKING_TOWARD_LABEL], 30, 60)),
                    (State.APPROVED, labelled - timedelta(days=10)),
                    (State.APPROVED, labelled),
                ]
            elif S.WORKING_TOWARD_LABEL in reached:
                working = reached[S.WORKING_TOWARD_LABEL]
                states.append((rng.choice([State.SUBMITTED, State.APPROVED]), working))
                if states[-1][0] is State.APPROVED:
                    states.append((State.APPROVED, min(self.after(working, 5, 30), self.now)))
                    states.append(
                        (
                            rng.choice([State.DRAFT, State.SUBMITTED, State.CHANGES_REQUESTED]),
                            min(self.after(states[-1][1], 5, 60), self.now),
                        )
                    )
            elif rng.random() < 0.5:
                states.append((State.DRAFT, min(self.after(reached[S.PARTNER], 2, 40), self.now)))
        return [
            {
                "organisation_id": n,
                "step_id": step_id,
                "state": state,
                "state_changed_at": at,
                "created_at": at,
                "updated_at": at,
            }
            for step_id, (state, at) in zip(self.steps, states, strict=False)
        ]


def seed(db, size: int, now: datetime, rng: random.Random) -> int:
    """The network of ``size`` organisations; returns the number of audit events."""
    from impactnet.accounts.models import Role, User
    from impactnet.audit.models import AuditEvent
    from impactnet.journey.models import JourneyStep, StepProgress
    from impactnet.organisations.models import Organisation
    from impactnet.regions.models import Municipality, Target
    from impactnet.stats import milestones

    empty(db)
    with db.engine.begin() as connection:
        ids = []
        for number, (name, weight) in enumerate(MUNICIPALITIES, start=1):
            connection.execute(
                sa.insert(Municipality.__table__),
                {
                    "id": number,
                    "name": name,
                    "slug": name.lower(),
                    "joined_on": (now - timedelta(days=4 * 365)).date(),
                    "active": True,
                    "created_at": now,
                    "updated_at": now,
                },
            )
            ids.append(number)
            partners = size * weight // 100
            connection.execute(
                sa.insert(Target.__table__),
                [
                    {
                        "municipality_id": number,
                        "year": year,
                        "partners_wanted": partners * factor // 100,
                        "labelled_wanted": partners * factor // 200,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for year, factor in ((now.year, 95), (now.year + 1, 130))
                ],
            )
        connection.execute(
            sa.insert(User.__table__),
            [
                {
                    "id": size + k,
                    "email": f"staff{k}@bench.impactnet.example",
                    "name": f"Staff {k}",
                    "password_hash": "bench",
                    "role": Role.STAFF,
                    "email_verified_at": now,
                    "active": True,
                    "reminders_enabled": True,
                    "auth_token": f"bench-staff-{k}",
                    "created_at": now,
                    "updated_at": now,
                }
                for k in range(1, 6)
            ],
        )
        steps = list(connection.scalars(sa.select(JourneyStep.id).order_by(JourneyStep.position)))
        network, events = Network(rng, now, steps, ids), 0
        for first in range(1, size + 1, CHUNK):
            rows = [network.organisation(n) for n in range(first, min(first + CHUNK, size + 1))]
            connection.execute(sa.insert(Organisation.__table__), [row[0] for row in rows])
            connection.execute(sa.insert(User.__table__), [row[1] for row in rows])
            chunk_events = [event for row in rows for event in row[2]]
            connection.execute(sa.insert(AuditEvent.__table__), chunk_events)
            connection.execute(sa.insert(StepProgress.__table__), [p for row in rows for p in row[3]])
            events += len(chunk_events)
        # Statistics first: without them the planner reads the new step progress once per organisation
        # (the recompute then takes many minutes instead of seconds).
        connection.execute(sa.text("ANALYZE organisations, step_progress, audit_events"))
        milestones.recompute(connection=connection)  # the inserts bypassed the ORM that keeps them
        for table in ("organisations", "users", "municipalities"):
            connection.execute(
                sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            )
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        # The milestones' recompute wrote every organisation a second time: compact the table again,
        # as the inserts alone left it (the scans would otherwise read twice the pages).
        connection.execute(sa.text("VACUUM FULL organisations"))
        connection.execute(sa.text("ANALYZE"))
    return events


def measure(db, job: Callable[[], object], repeat: int = 1) -> tuple[object, float, int]:
    """The job's result, its median wall time in ms (commit included) and its SQL statements (one run)."""
    counted: list[int] = []
    times, result = [], None
    for _ in range(repeat):
        statements = 0

        def note(*_args):
            nonlocal statements
            statements += 1

        sa.event.listen(db.engine, "before_cursor_execute", note)
        started = perf_counter()
        try:
            result = job()
            db.session.commit()
        finally:
            times.append((perf_counter() - started) * 1000)
            sa.event.remove(db.engine, "before_cursor_execute", note)
        counted.append(statements)
    return result, statistics.median(times), counted[0]


def reminders_scan():
    try:
        from impactnet.notifications.reminders import scan_reminders
    except ImportError:
        return None
    return scan_reminders


def bench(sizes: list[int], url: str) -> list[str]:
    from flask_migrate import upgrade

    from impactnet.database import local_today, utcnow
    from impactnet.extensions import db
    from impactnet.stats.services import (
        backfill_snapshots,
        compute_projections,
        take_snapshots,
    )

    ensure_database(sa.engine.make_url(url))
    app = make_app(url)
    scan = reminders_scan()
    lines = [
        (
            "| organisations | audit events | seed (s) | backfill whole history: ms / statements / rows "
            "| take_snapshots(today): ms / statements | compute_projections(today): ms / statements "
            "| scan_reminders(now): ms / statements / mails queued |"
        ),
        "| ---: | ---: | ---: | --- | --- | --- | --- |",
    ]
    with app.app_context():
        upgrade()
        version = db.session.scalar(sa.text("SHOW server_version"))
        for size in sizes:
            now, today = utcnow(), local_today()
            started = perf_counter()
            events = seed(db, size, now, random.Random(size))
            seeded = perf_counter() - started
            first = (now - timedelta(days=4 * 365 + 1)).date()
            rows, backfill_ms, backfill_n = measure(db, partial(backfill_snapshots, first, today))
            _, snapshots_ms, snapshots_n = measure(db, partial(take_snapshots, today), repeat=3)
            _, projections_ms, projections_n = measure(db, partial(compute_projections, today), repeat=3)
            if scan is None:
                scanned = "(not available)"
            else:
                try:
                    mails, scan_ms, scan_n = measure(db, partial(scan, now))
                    scanned = f"{scan_ms:,.0f} / {scan_n} / {mails:,}"
                except Exception as error:
                    db.session.rollback()
                    scanned = f"failed: {type(error).__name__}: {str(error).splitlines()[0][:80]}"
            lines.append(
                f"| {size:,} | {events:,} | {seeded:,.1f} | {backfill_ms:,.0f} / {backfill_n} / {rows:,} "
                f"| {snapshots_ms:,.1f} / {snapshots_n} | {projections_ms:,.1f} / {projections_n} "
                f"| {scanned} |"
            )
            print(lines[-1], file=sys.stderr, flush=True)
        db.engine.dispose()
    lines.append("")
    lines.append(
        f"PostgreSQL {version}; times are wall-clock, the median of 3 runs for take_snapshots and "
        "compute_projections, one run otherwise (the first scan of a fresh network renders every due mail)."
    )
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="1000,10000,100000", help="comma-separated numbers of organisations (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL
    print("\n".join(bench([int(size) for size in args.sizes.split(",")], url)))


if __name__ == "__main__":
    main()
