"""Bulk actions in a real browser, on a desktop and on a 375 px phone: St MBO filters the list, ticks
two organisations (by keyboard, through their labels), previews a message, sends it and sees the
count; then makes herself the account manager of every result of the filter, across the page."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from impactnet.accounts.models import Role
from impactnet.extensions import db
from impactnet.mail.models import OutboxMail
from impactnet.organisations.models import Organisation
from tests import factories
from tests.browser.conftest import DESKTOP_VIEWPORT
from tests.browser.test_accessibility import sign_in
from tests.browser.test_phone_layout import assert_fits

pytestmark = pytest.mark.browser

PHONE_375 = {"width": 375, "height": 740}


def _shot(page, name: str, viewport, start: str = "h1") -> None:
    if os.environ.get("SHOTS"):  # to look at (never into the repository), from ``start`` on
        top = page.evaluate("document.querySelector('" + start + "').getBoundingClientRect().top + window.scrollY")
        page.screenshot(
            path=f"/tmp/bulk-{name}-{viewport['width']}.png",
            full_page=True,
            clip={"x": 0, "y": top, "width": viewport["width"], "height": 1000},
        )


@pytest.mark.parametrize("viewport", [DESKTOP_VIEWPORT, PHONE_375], ids=["desktop", "phone-375"])
def test_staff_message_two_organisations_then_assign_all_results(
    browser, live_server, dordrecht, zwijndrecht, path, viewport
):
    for n in range(52):  # more than one page of 50
        factories.OrganisationFactory(municipality=dordrecht, name=f"Dordtse Partner {n:02d}")
    molen = factories.OrganisationFactory(municipality=dordrecht, name="Bakkerij De Molen")
    hof = factories.OrganisationFactory(municipality=dordrecht, name="Cafe Het Hof")
    factories.OrganisationFactory(municipality=zwijndrecht, name="Bouwbedrijf Zwijn")
    factories.PartnerUserFactory(organisation=molen, name="Anna", email="anna@molen.example.nl")
    factories.PartnerUserFactory(organisation=molen, name="Bram", email="bram@molen.example.nl")
    factories.PartnerUserFactory(organisation=hof, name="Hans", email="hans@hof.example.nl")
    staff = factories.UserFactory(role=Role.STAFF, email="sanne@stmbo.example.nl", name="Sanne de Vries")
    context = browser.new_context(base_url=live_server, viewport=viewport, locale="nl-NL")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, staff.email)
        page.goto("/organisations/")
        page.get_by_label("Gemeente", exact=True).select_option(label="Dordrecht")
        page.get_by_role("button", name="Zoeken").click()
        expect(page.get_by_role("status").first).to_contain_text("54 organisaties gevonden.")
        page.get_by_label("Naam, KvK-nummer, e-mailadres of postcode").fill("a")
        page.get_by_role("button", name="Zoeken").click()

        # Two organisations ticked: one by click, one by keyboard (space on the focused checkbox).
        page.get_by_label("Bakkerij De Molen selecteren").check()
        page.get_by_label("Cafe Het Hof selecteren").focus()
        page.keyboard.press("Space")
        expect(page.locator(".bulk-selected")).to_have_text("2 geselecteerd")
        assert_fits(page, viewport["width"])
        _shot(page, "search", viewport, "#bulk-form")
        page.get_by_role("button", name="Bericht sturen").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Bericht sturen")
        expect(page.get_by_text("2 organisaties gekozen")).to_be_visible()
        page.get_by_label("Onderwerp").fill("Nieuwjaarsbijeenkomst 2027")
        page.get_by_label("Bericht", exact=True).fill("Op 14 januari komen alle partners samen.\n\nMeld u aan.")
        page.get_by_role("button", name="Voorvertoning bekijken").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Voorvertoning van het bericht")
        expect(page.locator(".bulk-recipients")).to_contain_text("3 ontvangers bij 2 organisaties.")
        expect(page.locator(".mail-sample")).to_contain_text("Beste Anna,")
        expect(page.locator(".mail-sample")).to_contain_text("Meld u aan.")
        assert_fits(page, viewport["width"])
        _shot(page, "preview", viewport)
        page.get_by_role("button", name="Versturen").click()

        expect(page.get_by_text("Het bericht gaat naar 3 ontvangers bij 2 organisaties.")).to_be_visible()
        expect(page.get_by_label("Naam, KvK-nummer, e-mailadres of postcode")).to_have_value("a")  # back on the filter
        assert {m.to_address for m in db.session.query(OutboxMail)} == {
            "anna@molen.example.nl",
            "bram@molen.example.nl",
            "hans@hof.example.nl",
        }
        assert (
            db.session.query(OutboxMail)
            .first()
            .body_text.replace("\r\n", "\n")
            .count("Op 14 januari komen alle partners samen.\n\nMeld u aan.")
            == 1
        )

        # Every result of "Dordrecht", on both pages, gets Sanne as account manager.
        page.goto("/organisations/?municipality=dordrecht")
        page.get_by_label("Alle 54 resultaten van dit filter").check()
        expect(page.locator(".bulk-selected")).to_have_text("Alle 54 resultaten geselecteerd")
        page.get_by_role("button", name="Relatiebeheerder toewijzen").click()
        expect(page.get_by_text("54 organisaties gekozen")).to_be_visible()
        page.get_by_label("Relatiebeheerder").select_option(label="Sanne de Vries")
        page.get_by_role("button", name="Voorvertoning bekijken").click()
        expect(page.get_by_role("status").first).to_contain_text("54 organisaties krijgen Sanne de Vries.")
        assert_fits(page, viewport["width"])
        _shot(page, "manager", viewport)
        page.get_by_role("button", name="Toewijzen").click()
        expect(page.get_by_text("De relatiebeheerder is gewijzigd bij 54 organisaties.")).to_be_visible()
        db.session.expire_all()
        managed = db.session.query(Organisation).filter(Organisation.account_manager_id == staff.id).count()
        assert managed == 54
        assert_fits(page, viewport["width"])
    finally:
        context.close()
