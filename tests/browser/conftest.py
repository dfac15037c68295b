"""Fixtures for the browser tests: the portal served over real HTTP, and chromium.

The live server is a second app on the same database and the same shared cache
as the ``app`` fixture, with CSRF protection on as in production. Rows that factories commit are
visible to it, and ``_isolated`` (tests/conftest.py) empties the tables
after each test as usual.
"""

from __future__ import annotations

import io
import os
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.datastructures import FileStorage
from werkzeug.serving import make_server

from impactnet import create_app
from impactnet.accounts.models import Role
from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.journey import services as journey
from impactnet.organisations.models import OrganisationStatus
from impactnet.stats.services import take_snapshots
from tests import factories
from tests.conftest import shared_cache, test_config
from tests.journey.helpers import PDF

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Roughly a phone: the portal must work without horizontal scrolling there.
PHONE_VIEWPORT = {"width": 390, "height": 844}
DESKTOP_VIEWPORT = {"width": 1280, "height": 900}
STAFF_EMAIL = "sanne@stmbo.example.nl"
PARTNER_EMAIL = "inge@bakkerijdemerwede.nl"
VIEWER_EMAIL = "joost@dordrecht.example.nl"
LABELLED_KVK = "12121212"
AXE_SCRIPT = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"


def _closing_answers(wsgi_app):
    """The app, its answers always closed. Werkzeug's development server skips closing an answer when the
    browser drops the connection halfway (a page left before its stylesheet arrived); the file behind it
    is then closed by the garbage collector with a ResourceWarning, which the suite turns into an error.
    gunicorn always closes them; here a generator's ``finally`` does, also when it is dropped unfinished."""

    def app(environ, start_response):
        answer = wsgi_app(environ, start_response)
        try:
            yield from answer
        finally:
            if hasattr(answer, "close"):
                answer.close()

    return app


@pytest.fixture(scope="session")
def live_server(app, tmp_path_factory, smtp_server):
    """Base URL of the portal served in a thread on a free port."""
    browser_app = create_app(
        test_config(
            tmp_path_factory,
            smtp_server,
            SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
            WTF_CSRF_ENABLED=True,
            **shared_cache(app),  # so that what the tests write renews what the server keeps
        )
    )
    server = make_server("127.0.0.1", 0, _closing_answers(browser_app), threaded=True)
    base_url = f"http://127.0.0.1:{server.port}"
    # Links in mails must lead back to this server; the port is known only now.
    browser_app.config["PUBLIC_URL"] = base_url
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield base_url
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
    with browser_app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is not installed (apt-get install chromium)"
        if os.environ.get("IMPACTNET_REQUIRE_BROWSER") == "1":
            pytest.fail(f"IMPACTNET_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport=PHONE_VIEWPORT, locale="nl-NL")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def staff_page(browser, live_server):
    """Sanne de Vries of St MBO, signed in through the login form on a desktop."""
    factories.UserFactory(role=Role.STAFF, email=STAFF_EMAIL, name="Sanne de Vries")
    context = browser.new_context(base_url=live_server, viewport=DESKTOP_VIEWPORT, locale="nl-NL")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("E-mailadres").fill(STAFF_EMAIL)
    page.get_by_label("Wachtwoord", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url("/dashboard")
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe_script() -> Path:
    if not AXE_SCRIPT.exists():
        reason = f"{AXE_SCRIPT} is missing (npm ci --prefix tests/browser)"
        if os.environ.get("IMPACTNET_REQUIRE_BROWSER") == "1":
            pytest.fail(f"IMPACTNET_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    return AXE_SCRIPT


@pytest.fixture
def new_page(browser, live_server):
    """Open pages in fresh browser contexts; ``bypass_csp`` lets axe be injected as an inline script."""
    contexts = []

    def _new_page(viewport=DESKTOP_VIEWPORT, device_scale_factor=1, bypass_csp=False):
        context = browser.new_context(
            base_url=live_server,
            viewport=viewport,
            device_scale_factor=device_scale_factor,
            locale="nl-NL",
            bypass_csp=bypass_csp,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield _new_page
    for context in contexts:
        context.close()


@pytest.fixture
def network(dordrecht, zwijndrecht, path):
    """Listed partners with a label, a partner (signed in below) at the start of the path, an organisation
    whose partnerovereenkomst waits for review, staff, a municipality viewer and today's figures."""
    today = local_today()
    for number, name in enumerate(["Aannemer Groen", "Café De Merwede", "Drukkerij Van Dijk"]):
        factories.OrganisationFactory(
            municipality=dordrecht if number != 1 else zwijndrecht,
            name=name,
            kvk_number=LABELLED_KVK if number == 0 else f"3434343{number}",
            status=OrganisationStatus.LABELLED,
            public_listing=True,
            label_awarded_on=today - timedelta(days=30),
            label_valid_until=today + timedelta(days=700),
            website="https://www.example.nl",
            impact_statement="Wij leiden jongeren op in de bouw.",
        )
    own = factories.PartnerUserFactory(
        email=PARTNER_EMAIL,
        name="Inge de Vries",
        organisation__municipality=dordrecht,
        organisation__name="Bakkerij De Merwede B.V.",
    ).organisation
    waiting_partner = factories.PartnerUserFactory(
        organisation__municipality=dordrecht, organisation__name="Schildersbedrijf Oud B.V."
    )
    waiting = waiting_partner.organisation
    journey.add_evidence(
        waiting_partner, waiting, "partnerovereenkomst", FileStorage(io.BytesIO(PDF), "overeenkomst.pdf")
    )
    submission = journey.submit(
        waiting_partner, waiting, "partnerovereenkomst", journey.StepInput(statement="Getekend")
    )
    db.session.commit()
    factories.UserFactory(role=Role.STAFF, email=STAFF_EMAIL, name="Sanne de Vries")
    factories.MunicipalityUserFactory(municipality=dordrecht, email=VIEWER_EMAIL, name="Joost Bakker")
    factories.TargetFactory(municipality=dordrecht, year=today.year)
    take_snapshots(today)
    db.session.commit()
    return {"own": own.id, "waiting": waiting.id, "submission": submission.id}
