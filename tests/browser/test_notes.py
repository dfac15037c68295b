"""Account manager and notes in a real browser: a staff member makes herself the organisation's
account manager, adds a note, sees it in the timeline and finds the organisation under "Mijn
organisaties"; the partner's dashboard and page show none of it (desktop and 375 px)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import DESKTOP_VIEWPORT
from tests.browser.test_accessibility import sign_in
from tests.browser.test_registration_flow import assert_no_horizontal_overflow

pytestmark = pytest.mark.browser

NOTE = "Telefonisch gesproken met Fatima over de inspiratiesessie in januari"
PHONE_375 = {"width": 375, "height": 812}


def test_staff_manage_an_organisation_and_its_partner_sees_nothing_of_it(
    staff_page, browser, live_server, dordrecht, path
):
    organisation = factories.OrganisationFactory(municipality=dordrecht, name="Bakkerij De Molen")
    partner = factories.PartnerUserFactory(organisation=organisation, name="Fatima Bakker")
    page = staff_page
    page.goto(f"/organisations/{organisation.id}")

    page.get_by_label("Relatiebeheerder").select_option(label="Sanne de Vries")
    page.get_by_role("button", name="Relatiebeheerder opslaan").click()
    expect(page.get_by_text("De relatiebeheerder is opgeslagen.")).to_be_visible()
    expect(page.get_by_label("Relatiebeheerder").locator("option:checked")).to_have_text("Sanne de Vries")

    page.get_by_label("Soort").select_option(label="Telefoongesprek")
    page.get_by_label("Notitie", exact=True).fill(NOTE)
    page.get_by_role("button", name="Notitie opslaan").click()
    expect(page.get_by_text("De notitie is opgeslagen.")).to_be_visible()
    timeline = page.locator("ol.timeline")
    expect(timeline).to_contain_text("Interne notitie: Telefoongesprek")
    expect(timeline).to_contain_text(NOTE)
    expect(timeline).to_contain_text("Relatiebeheerder gewijzigd")

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Mijn organisaties").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn organisaties")
    row = page.get_by_role("row").filter(has_text="Bakkerij De Molen")
    expect(row).to_contain_text("Stap 1: Partnerovereenkomst")
    page.screenshot(path="/tmp/notes-mine-desktop.png", full_page=True)

    # The staff pages on a phone, without sideways scrolling.
    page.set_viewport_size(PHONE_375)
    assert_no_horizontal_overflow(page)
    page.screenshot(path="/tmp/notes-mine-375.png", full_page=True)
    page.goto(f"/organisations/{organisation.id}")
    assert_no_horizontal_overflow(page)
    page.screenshot(path="/tmp/notes-organisation-375.png", full_page=True)
    page.set_viewport_size(DESKTOP_VIEWPORT)
    page.screenshot(path="/tmp/notes-organisation-desktop.png", full_page=True)

    for viewport in (DESKTOP_VIEWPORT, PHONE_375):
        context = browser.new_context(base_url=live_server, viewport=viewport, locale="nl-NL")
        context.set_default_timeout(10_000)
        partner_page = context.new_page()
        sign_in(partner_page, partner.email)
        for url in ("/dashboard", f"/organisations/{organisation.id}"):
            partner_page.goto(url)
            expect(partner_page.get_by_role("heading", level=1)).to_have_text("Bakkerij De Molen")
            body = partner_page.locator("body")
            for text in (NOTE, "Interne notitie", "Notitie toegevoegd", "Relatiebeheer", "Sanne de Vries"):
                expect(body).not_to_contain_text(text)
            assert_no_horizontal_overflow(partner_page)
        partner_page.screenshot(path=f"/tmp/notes-partner-{viewport['width']}.png", full_page=True)
        context.close()
