"""Collega's in a real browser on a phone: a partner invites a colleague, the invitation mail
arrives over SMTP, the colleague follows its link, chooses a password and lands on the
organisation's dashboard; then the partner removes the colleague, whose sign-in ends."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import PHONE_VIEWPORT
from tests.browser.test_accessibility import sign_in
from tests.browser.test_registration_flow import assert_no_horizontal_overflow, wait_for_mail
from tests.helpers import link_in

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Molen-Meel-2026!"


def test_partner_invites_a_colleague_who_joins_and_is_removed_again(page, browser, live_server, mailbox, dordrecht):
    organisation = factories.OrganisationFactory(municipality=dordrecht, name="Bakkerij De Molen")
    partner = factories.PartnerUserFactory(organisation=organisation, name="Fatima Bakker")
    sign_in(page, partner.email)
    page.goto("/dashboard")
    page.locator("summary", has_text="Menu").click()  # on a phone the menu is behind "Menu"
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Collega's").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Collega's")
    expect(page.get_by_role("list", name="Gebruikers").get_by_text("Fatima Bakker")).to_be_visible()
    assert_no_horizontal_overflow(page)

    # A typing mistake first: the message is Dutch and the name stays.
    page.get_by_label("Naam van uw collega").fill("Sanne de Vries")
    page.get_by_label("E-mailadres van uw collega").fill("sanne@molen")
    page.get_by_role("button", name="Uitnodiging versturen").click()
    expect(page.get_by_role("alert").filter(has_text="Controleer het formulier")).to_contain_text(
        "Vul een geldig e-mailadres in"
    )
    expect(page.get_by_label("Naam van uw collega")).to_have_value("Sanne de Vries")
    page.get_by_label("E-mailadres van uw collega").fill("sanne@molen.example.nl")
    page.get_by_role("button", name="Uitnodiging versturen").click()
    expect(page.get_by_text("Uitnodiging verstuurd naar sanne@molen.example.nl.")).to_be_visible()
    expect(page.locator("ul[aria-labelledby=colleagues-invitations]")).to_contain_text("sanne@molen.example.nl")
    assert_no_horizontal_overflow(page)

    message = wait_for_mail(mailbox)
    assert message["To"] == "sanne@molen.example.nl"
    assert (
        "Fatima Bakker nodigt u uit als collega bij Bakkerij De Molen"
        in message.get_body(preferencelist=("plain",)).get_content()
    )
    invitation = link_in(message, "/invitation/")

    colleague_context = browser.new_context(base_url=live_server, viewport=PHONE_VIEWPORT, locale="nl-NL")
    colleague = colleague_context.new_page()
    colleague.goto(invitation)
    expect(colleague.get_by_text("U wordt collega bij Bakkerij De Molen.")).to_be_visible()
    colleague.get_by_label("Nieuw wachtwoord").fill(NEW_PASSWORD)
    colleague.get_by_label("Herhaal het wachtwoord").fill(NEW_PASSWORD)
    colleague.get_by_role("button", name="Wachtwoord opslaan").click()
    expect(colleague).to_have_url(f"{live_server}/dashboard")
    expect(colleague.get_by_role("heading", level=1)).to_have_text("Bakkerij De Molen")
    # The link worked once.
    colleague.goto(invitation)
    expect(colleague.get_by_role("alert")).to_contain_text("ongeldig, ingetrokken of al gebruikt")

    page.reload()
    members = page.locator("ul[aria-labelledby=colleagues-members]")
    expect(members).to_contain_text("Sanne de Vries")
    members.get_by_role("link", name="Verwijderen Sanne de Vries").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sanne de Vries verwijderen?")
    page.get_by_role("button", name="Ja, verwijderen").click()
    expect(page.get_by_text("Sanne de Vries is verwijderd en kan niet meer inloggen.")).to_be_visible()
    expect(members).not_to_contain_text("Sanne de Vries")

    colleague.goto("/dashboard")
    expect(colleague).to_have_url(f"{live_server}/login?next=%2Fdashboard")
    colleague_context.close()

    page.goto(f"/organisations/{organisation.id}")
    history = page.locator("ol.timeline")
    for label in ("Collega uitgenodigd", "Uitnodiging aanvaard", "Collega verwijderd"):
        expect(history).to_contain_text(label)
