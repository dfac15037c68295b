"""A staff member's morning with an inspiration session, in real browsers on a desktop and on a 375 px
phone: staff plan a session, a partner (a second browser) signs up on the dashboard, staff mark the
attendance after the session, and the partner's step 3 shows as done."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from impactnet.accounts.models import Role
from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.sessions.models import InspirationSession
from tests import factories
from tests.browser.test_accessibility import sign_in
from tests.browser.test_registration_flow import assert_no_horizontal_overflow
from tests.sessions.helpers import move_into_the_past, waiting_partner

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
STAFF_EMAIL = "noor@stmbo.example.nl"
PARTNER_EMAIL = "yara@drukkerij-wantij.example.nl"


def _context(browser, live_server, viewport):
    context = browser.new_context(base_url=live_server, viewport=viewport, locale="nl-NL")
    context.set_default_timeout(10_000)
    return context


def _look(page, name: str, viewport) -> None:
    if viewport is PHONE:
        assert_no_horizontal_overflow(page)
    page.screenshot(path=f"/tmp/sessions-{name}-{viewport['width']}.png", full_page=True)  # to look at, not kept


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_plan_a_session_a_partner_signs_up_attendance_marked_step_3_done(
    browser, live_server, path, dordrecht, viewport
):
    factories.UserFactory(role=Role.STAFF, email=STAFF_EMAIL, name="Noor Bakker")
    waiting_partner(dordrecht, path, "Drukkerij Het Wantij", email=PARTNER_EMAIL, name="Yara Visser")
    staff_context, partner_context = (_context(browser, live_server, viewport) for _ in range(2))
    staff, partner = staff_context.new_page(), partner_context.new_page()
    try:
        sign_in(staff, STAFF_EMAIL)
        if viewport is PHONE:
            staff.locator("details.menu-phone summary").click()
        staff.get_by_role("navigation", name="Hoofdmenu").locator(":visible").get_by_role(
            "link", name="Inspiratiesessies"
        ).click()
        expect(staff.get_by_role("heading", name="Inspiratiesessies", level=1)).to_be_visible()
        staff.get_by_role("link", name="Sessie plannen").click()
        day = local_today() + timedelta(days=10)
        staff.get_by_label("Datum").fill(day.isoformat())
        staff.get_by_label("Begintijd").fill("15:30")
        staff.get_by_label("Eindtijd").fill("17:00")
        staff.get_by_label("Plaats (adres)").fill("Stadskantoor, Spuiboulevard 300, Dordrecht")
        staff.get_by_label("Aantal plaatsen").fill("12")
        _look(staff, "plan", viewport)
        staff.get_by_role("button", name="Sessie opslaan").click()
        expect(staff.get_by_text("De inspiratiesessie is gepland.")).to_be_visible()
        expect(staff.get_by_role("table").first).to_contain_text("0 / 12")
        _look(staff, "list", viewport)

        sign_in(partner, PARTNER_EMAIL)
        sessions = partner.get_by_role("region", name="Inspiratiesessies")
        expect(sessions).to_contain_text("Stadskantoor, Spuiboulevard 300, Dordrecht")
        expect(sessions).to_contain_text("15:30–17:00")
        _look(partner, "dashboard", viewport)
        sessions.get_by_role("button", name=re.compile(r"^Aanmelden voor de sessie van")).click()
        expect(partner.get_by_text("U ontvangt een bevestiging per e-mail met een agenda-uitnodiging.")).to_be_visible()
        expect(partner.get_by_text(re.compile("U bent aangemeld voor de sessie van"))).to_be_visible()
        expect(partner.get_by_role("button", name=re.compile(r"^Afmelden"))).to_be_visible()
        _look(partner, "booked", viewport)

        session = db.session.scalars(db.select(InspirationSession)).one()
        move_into_the_past(session)  # the afternoon has passed
        staff.goto("/sessions/")
        staff.get_by_role("link", name="Aanwezigheid vastleggen").click()
        staff.get_by_label("Drukkerij Het Wantij").check()
        _look(staff, "attendance", viewport)
        staff.get_by_role("button", name="Aanwezigheid vastleggen").click()
        expect(staff.get_by_text(re.compile("is afgerond voor 1 organisatie"))).to_be_visible()
        expect(staff.get_by_role("listitem").filter(has_text="Drukkerij Het Wantij")).to_contain_text("aanwezig")
        _look(staff, "attendance-done", viewport)

        partner.reload()
        expect(partner.get_by_text("Stap 4: Impactplan")).to_be_visible()
        expect(partner.get_by_role("region", name="Inspiratiesessies")).to_have_count(0)
        _look(partner, "step-done", viewport)
    finally:
        staff_context.close()
        partner_context.close()
