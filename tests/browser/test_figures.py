"""The figures in a real browser, on a desktop and on a 375 px phone: the municipality dashboard
shows partners with its four parts, which add up, says when the figures were computed, explains
each figure in a disclosure that opens by keyboard, and links each to "Zo tellen we"."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.organisations.models import OrganisationStatus as Status
from impactnet.stats.services import take_snapshots
from tests import factories
from tests.browser.test_accessibility import sign_in
from tests.browser.test_registration_flow import assert_no_horizontal_overflow

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def viewer(dordrecht, zwijndrecht, path):
    for status, n in (
        (Status.LABELLED, 3),
        (Status.WORKING_TOWARD_LABEL, 2),
        (Status.PARTNER, 1),
        (Status.LABEL_EXPIRED, 1),
        (Status.LABEL_REVOKED, 1),
        (Status.APPLICANT, 2),
    ):
        factories.OrganisationFactory.create_batch(n, municipality=dordrecht, status=status)
    factories.OrganisationFactory(municipality=zwijndrecht, status=Status.PARTNER)
    take_snapshots(local_today())
    db.session.commit()
    return factories.MunicipalityUserFactory(municipality=dordrecht, email="cijfers@dordrecht.example.nl")


def term(name: str) -> re.Pattern:
    """A figure's link by its accessible name (the browser may put a space before the hidden part)."""
    return re.compile(rf"^{name} ?: wat telt dit cijfer\?$")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_dashboard_shows_the_parts_that_add_up_and_explains_them(browser, live_server, viewer, viewport):
    context = browser.new_context(base_url=live_server, viewport=viewport, locale="nl-NL")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, viewer.email)
        page.goto("/municipalities/dordrecht")
        headline = page.locator("dl.figures").first
        for name, n in (
            ("Partners", 8),
            ("Met label", 3),
            ("Werken aan het label", 3),
            ("Label verlopen", 1),
            ("Label ingetrokken", 1),
        ):
            card = headline.locator("div").filter(has=page.get_by_role("link", name=term(name)))
            expect(card.locator("dd")).to_have_text(str(n))
        expect(
            page.get_by_text(
                "8 partners = 3 met label + 3 werken aan het label + 1 label verlopen + 1 label ingetrokken."
            ).first
        ).to_be_visible()
        expect(page.locator(".as-of").first).to_have_text(re.compile(r"Stand van \d{1,2} \w+ \d{4}, \d\d:\d\d"))

        # The definitions: a native disclosure, opened with the keyboard.
        summary = page.locator("details.figure-help summary").first
        summary.focus()
        page.keyboard.press("Enter")
        expect(
            page.locator("details.figure-help").first.get_by_text(
                "Partners van wie St MBO het label heeft ingetrokken. Zij blijven partner."
            )
        ).to_be_visible()
        if viewport is PHONE:
            assert_no_horizontal_overflow(page)
        page.screenshot(path=f"/tmp/figures-dashboard-{viewport['width']}.png", full_page=True)  # to look at

        headline.get_by_role("link", name=term("Label ingetrokken")).click()
        expect(page).to_have_url(re.compile(r"/zo-tellen-we#label_revoked$"))
        expect(page.get_by_role("heading", name="Zo tellen we", level=1)).to_be_visible()
        if viewport is PHONE:
            assert_no_horizontal_overflow(page)
        page.screenshot(path=f"/tmp/figures-how-we-count-{viewport['width']}.png", full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_region_overview_and_home_page_show_the_parts(browser, live_server, viewer, viewport):
    context = browser.new_context(base_url=live_server, viewport=viewport, locale="nl-NL")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto("/regions")
        row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Dordrecht"))
        expect(row.get_by_role("cell").nth(0)).to_have_text("8")
        expect(page.locator(".as-of").first).to_contain_text("Stand van")
        if viewport is PHONE:
            assert_no_horizontal_overflow(page)
        page.screenshot(path=f"/tmp/figures-regions-{viewport['width']}.png", full_page=True)
        page.goto("/")
        expect(
            page.get_by_text(
                "9 partners = 3 met label + 4 werken aan het label + 1 label verlopen + 1 label ingetrokken."
            )
        ).to_be_visible()
        if viewport is PHONE:
            assert_no_horizontal_overflow(page)
        page.screenshot(path=f"/tmp/figures-home-{viewport['width']}.png", full_page=True)
    finally:
        context.close()
