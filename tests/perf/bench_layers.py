"""What each cache layer buys: in-process CPU and wall time per request (Flask test client, no
gunicorn) of the figures pages, a signed-in page and the partner dashboard, with each layer on and off.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_layers \
    BENCH_REDIS_URL=redis://127.0.0.1:6379/14 .venv/bin/python -m tests.perf.bench_layers

Seeds 300 organisations in that database (once) and uses that Redis database as the shared cache
(its keys are left alone). A report, not a test; the numbers vary with the machine's load.
"""

import os
import tempfile
import time

import sqlalchemy as sa
from flask_migrate import upgrade

import impactnet.accounts.signed_in as si
from impactnet import create_app
from impactnet.accounts.sessions import signed_in_user, start_session
from impactnet.core import kept
from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.organisations.models import OrganisationStatus as S
from impactnet.regions.models import Municipality
from impactnet.stats import cache as fc
from impactnet.stats.services import compute_projections, take_snapshots
from tests import factories

app = create_app(
    {
        "SECRET_KEY": "k" * 40,
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bench_layers"
        ),
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
        "RATELIMIT_ENABLED": False,
        "WTF_CSRF_ENABLED": False,
        "INSTANCE_PATH": tempfile.mkdtemp(prefix="bench-layers-"),
    }
)

with app.app_context():
    upgrade()
    if not db.session.scalar(sa.select(sa.func.count()).select_from(sa.text("organisations"))):
        d = db.session.scalar(sa.select(Municipality).where(Municipality.slug == "dordrecht"))
        for i in range(300):
            factories.OrganisationFactory(municipality=d, status=[S.APPLICANT, S.PARTNER, S.LABELLED][i % 3])
        factories.UserFactory(email="staff-bench@example.nl")
        factories.PartnerUserFactory(
            email="partner-bench@example.nl",
            organisation=factories.OrganisationFactory(municipality=d, status=S.PARTNER),
        )
        take_snapshots(local_today())
        compute_projections(local_today())
        db.session.commit()
    staff = db.session.scalar(sa.select(factories.User).where(factories.User.email == "staff-bench@example.nl"))
    partner = db.session.scalar(sa.select(factories.User).where(factories.User.email == "partner-bench@example.nl"))
    token, partner_token = start_session(staff), start_session(partner)
    db.session.commit()


def run(label, path, signed_in, n=400):
    c = app.test_client()
    if signed_in:
        with c.session_transaction() as s:
            s["_user_id"] = partner_token if path == "/dashboard" else token
            s["_fresh"] = True
    for _ in range(20):
        assert c.get(path).status_code == 200
    t0, w0 = time.process_time(), time.perf_counter()
    for _ in range(n):
        c.get(path)
    cpu, wall = (time.process_time() - t0) / n * 1000, (time.perf_counter() - w0) / n * 1000
    print(f"{label:45s} {path:28s} cpu {cpu:.3f} ms  wall {wall:.3f} ms")


orig_cached, orig_gen = fc.FIGURES.cached, None
for path, signed in (("/api/v1/regions", False), ("/regions", False), ("/municipalities/dordrecht", True)):
    app.config["FIGURES_LOCAL_CACHE_SECONDS"] = 5
    run("local copy + Redis (as shipped)", path, signed)
    app.config["FIGURES_LOCAL_CACHE_SECONDS"] = 0
    run("Redis only (no local copy)", path, signed)
    fc.FIGURES.cached = lambda compute, *key, **kw: compute()
    run("no figures cache at all", path, signed, n=100)
    fc.FIGURES.cached = orig_cached
app.config["FIGURES_LOCAL_CACHE_SECONDS"] = 5
run("kept user (as shipped)", "/municipalities/dordrecht", True)
orig_load = si.load_user


def uncached(tok):
    found = signed_in_user(tok)
    return found[0] if found else None


app.login_manager._user_callback = uncached
run("user read from PostgreSQL each request", "/municipalities/dordrecht", True)

app.login_manager._user_callback = orig_load

run("partner dashboard kept (as shipped)", "/dashboard", True)
kept.cached = lambda compute, *key: compute()
run("partner dashboard rendered each request", "/dashboard", True)
