"""Benchmark of importing the network: 10,000 generated rows, dry run and import.

    python -m tests.perf.bench_import [--rows 10000] [--database-url URL]

Without ``--database-url`` (or ``BENCH_IMPORT_DATABASE_URL``) it uses a fresh SQLite file in a
temporary folder; on PostgreSQL give an empty database (never ``test``). The migrations create the
schema and seed the municipalities and steps. Prints the time of the dry run and of the import
(checks, rows, audit trail, backfilled snapshots and projections, commit). Not collected by pytest.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from datetime import date, timedelta
from time import perf_counter

HEADER = (
    "kvk_nummer;naam;gemeente;adres;postcode;plaats;sector;grootte;contactpersoon;email;overeenkomst_getekend;"
    "inventarisatie;inspiratiesessie;impactplan;label_toegekend;label_geldig_tot"
)
PLACES = (("Dordrecht", "3311 AB"), ("Zwijndrecht", "3331 AB"), ("Sliedrecht", "3361 AB"))


def generate(rows: int, today: date, seed: int = 13) -> bytes:
    """``rows`` invented organisations, spread over four years and every stage of the path."""
    rng, lines = random.Random(seed), [HEADER]
    for i in range(rows):
        place, postcode = PLACES[i % len(PLACES)]
        day = today - timedelta(days=rng.randint(30, 4 * 365))
        dates = [day]
        for _ in range(rng.randint(0, 4)):
            day = min(day + timedelta(days=rng.randint(5, 90)), today)
            dates.append(day)
        cells = [d.isoformat() for d in dates] + [""] * (5 - len(dates))
        until = (dates[4] + timedelta(days=730)).isoformat() if len(dates) == 5 else ""
        lines.append(
            f"{80000000 + i};Bench Organisatie {i};{place};Straat {i};{postcode};{place};bouw;2-9;"
            f"Contact {i};contact{i}@bench.example;{';'.join(cells)};{until}"
        )
    return ("\n".join(lines) + "\n").encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_IMPORT_DATABASE_URL"))
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="impactnet-bench-import-")
    url = args.database_url or f"sqlite:///{folder}/bench.sqlite"
    if url.rstrip("/").endswith("/test"):
        sys.exit("refusing to benchmark on the 'test' database: others run the test suite there")

    from flask_migrate import upgrade

    from impactnet import create_app
    from impactnet.accounts.models import Role, User
    from impactnet.database import local_today
    from impactnet.extensions import db
    from impactnet.imports.services import dry_run, run_import

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
            "INSTANCE_PATH": folder,
            "MAIL_BACKEND": "file",
            "PUBLIC_URL": "https://impactnet.example",
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context(), app.test_request_context():
        upgrade()
        staff = User(email="bench@stmbo.example", name="Bench", role=Role.STAFF)
        db.session.add(staff)
        db.session.commit()
        data = generate(args.rows, local_today())
        print(f"{args.rows} rows, {len(data) / 1e6:.1f} MB, on {url.split(':')[0]}")
        started = perf_counter()
        preview = dry_run(data, "bench.csv")
        print(f"dry run: {perf_counter() - started:.1f} s, {preview.plan.errors} errors")
        started = perf_counter()
        _, outcome = run_import(staff, data, "bench.csv", invite=False)
        db.session.commit()
        print(f"import:  {perf_counter() - started:.1f} s, {outcome.created} organisations created")
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
