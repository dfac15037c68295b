"""A St MBO staff member's morning, in a real browser on a desktop and on a 375 px phone: the to-do
list, the queue behind its first count, claiming a submission ("ik pak dit op"), deciding on it,
and the organisations waiting for the Inspiratiesessie behind another count."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from impactnet.accounts.models import Role
from impactnet.extensions import db
from impactnet.journey.models import StepState, StepSubmission
from impactnet.organisations.models import Organisation
from impactnet.organisations.models import OrganisationStatus as Org
from tests import factories
from tests.browser.test_accessibility import sign_in
from tests.browser.test_registration_flow import assert_no_horizontal_overflow
from tests.review.todo_helpers import ORDER, at_step

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
STAFF_EMAIL = "noor@stmbo.example.nl"


@pytest.fixture
def morning(path, dordrecht):
    factories.UserFactory(role=Role.STAFF, email=STAFF_EMAIL, name="Noor Bakker")
    bram = factories.UserFactory(role=Role.STAFF, name="Bram Jansen")
    at_step(
        dordrecht,
        path,
        "Bakkerij De Merwede",
        current=("partnerovereenkomst", StepState.SUBMITTED),
        days_ago=6,
        status=Org.APPLICANT,
    )
    at_step(
        dordrecht,
        path,
        "Fietsenmaker Zwijndrecht",
        current=("partnerovereenkomst", StepState.SUBMITTED),
        days_ago=3,
        status=Org.APPLICANT,
    )
    at_step(dordrecht, path, "Drukkerij Het Wantij", ORDER[:2], days_ago=20)
    claimed = db.session.scalars(
        db.select(StepSubmission)
        .join(StepSubmission.progress)
        .join(Organisation)
        .where(Organisation.name == "Fietsenmaker Zwijndrecht")
    ).one()
    claimed.claimed_by_id, claimed.claimed_at = bram.id, claimed.submitted_at
    db.session.commit()


def _shoot(page, name: str, viewport) -> None:
    if viewport is PHONE:
        assert_no_horizontal_overflow(page)
    page.screenshot(path=f"/tmp/todo-{name}-{viewport['width']}.png", full_page=True)  # to look at


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_staff_members_morning(browser, live_server, morning, viewport):
    context = browser.new_context(base_url=live_server, viewport=viewport, locale="nl-NL")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, STAFF_EMAIL)
        expect(page.get_by_role("heading", name="Te doen", level=1)).to_be_visible()
        todo = page.get_by_role("list", name="Wat op St MBO wacht")
        expect(todo.get_by_role("link", name="2 inzendingen te beoordelen")).to_be_visible()
        expect(todo.get_by_role("link", name="1 wacht op St MBO (Inspiratiesessie)")).to_be_visible()
        oldest = page.get_by_role("region", name="Langst wachtende inzendingen")
        expect(oldest.get_by_role("row").nth(1)).to_contain_text("Bakkerij De Merwede")
        expect(oldest.get_by_role("row").nth(1)).to_contain_text("nog niemand")
        expect(oldest.get_by_role("row").nth(2)).to_contain_text("Bram Jansen")
        _shoot(page, "dashboard", viewport)

        # Who waits for their inspiration session?
        todo.get_by_role("link", name=re.compile("wacht op St MBO")).click()
        expect(page).to_have_url("/todo/staff-step")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Inspiratiesessie")
        expect(page.get_by_role("link", name="Drukkerij Het Wantij")).to_be_visible()
        expect(page.get_by_text("20 dagen")).to_be_visible()
        _shoot(page, "staff-step", viewport)
        page.get_by_role("link", name="Te doen").click()

        # The queue: the oldest first, Bram's claim shown; pick up the other one.
        page.get_by_role("link", name="2 inzendingen te beoordelen").click()
        expect(page).to_have_url("/review/")
        rows = page.get_by_role("region", name=re.compile("inzendingen, oudste eerst")).get_by_role("row")
        expect(rows.nth(2)).to_contain_text("Bram Jansen")
        expect(rows.nth(2).get_by_role("button")).to_have_count(0)
        _shoot(page, "queue", viewport)
        # (Chromium puts a space before the visually hidden part of the name.)
        pick_up = re.compile(r"^Ik pak dit op\s*: Bakkerij De Merwede, Partnerovereenkomst$")
        rows.nth(1).get_by_role("button", name=pick_up).click()

        expect(page).to_have_url(re.compile(r"/review/submissions/\d+$"))
        expect(page.get_by_text("U heeft deze inzending opgepakt; collega's zien dat in de wachtrij.")).to_be_visible()
        claim = page.get_by_role("region", name="Wie pakt dit op?")
        expect(claim).to_contain_text("U heeft deze inzending opgepakt op")
        expect(claim.get_by_role("button", name="Vrijgeven")).to_be_visible()
        _shoot(page, "claimed", viewport)

        page.get_by_role("button", name="Goedkeuren").click()
        expect(page).to_have_url("/review/")
        expect(page.get_by_text("Uw beslissing is vastgelegd.")).to_be_visible()
        expect(page.get_by_text("Bakkerij De Merwede")).to_have_count(0)

        page.goto("/dashboard")
        expect(page.get_by_role("link", name="1 inzending te beoordelen")).to_be_visible()
    finally:
        context.close()
