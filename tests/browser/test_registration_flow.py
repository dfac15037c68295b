"""An organisation registers, confirms its email and signs in, in a real browser."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from impactnet.organisations.models import Organisation
from tests.helpers import count, link_in

pytestmark = pytest.mark.browser

ORGANISATION = "Bakkerij De Merwede B.V."
EMAIL = "inge@bakkerijdemerwede.nl"
PASSWORD = "Merwede-Brood-2025!"
UNVERIFIED_NOTICE = "Bevestig uw e-mailadres via de link in de mail"


def fill_registration(page, *, kvk_number: str) -> None:
    page.get_by_label("Naam van de organisatie").fill(ORGANISATION)
    page.get_by_label("KvK-nummer").fill(kvk_number)
    page.get_by_label("Gemeente van vestiging").select_option(label="Dordrecht")
    page.get_by_label("Sector").select_option(label="Horeca en recreatie")
    page.get_by_label("Aantal medewerkers").select_option(label="10 tot 50 medewerkers")
    page.get_by_label("Straat en huisnummer").fill("Voorstraat 12")
    page.get_by_label("Postcode").fill("3311ab")
    page.get_by_label("Plaats").fill("Dordrecht")
    page.get_by_label("Uw naam").fill("Inge de Vries")
    page.get_by_label("Uw e-mailadres").fill(EMAIL)
    page.get_by_label("Kies een wachtwoord").fill(PASSWORD)
    page.get_by_label("Herhaal het wachtwoord").fill(PASSWORD)
    page.get_by_role("checkbox", name="Ik meld mijn organisatie aan als partner").check()


def assert_no_horizontal_overflow(page) -> None:
    scroll_width, viewport_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= viewport_width, f"{page.url} scrolls sideways: {scroll_width}px in {viewport_width}px"


def wait_for_mail(mailbox, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while not mailbox:
        assert time.monotonic() < deadline, "no mail arrived"
        time.sleep(0.05)
    return mailbox[-1]


def test_organisation_registers_verifies_email_and_signs_in(page, mailbox, dordrecht):
    page.goto("/register")
    expect(page.get_by_role("heading", level=1)).to_have_text("Meld uw organisatie aan als partner")
    assert_no_horizontal_overflow(page)
    fill_registration(page, kvk_number="1234 5678")
    page.get_by_role("button", name="Organisatie aanmelden").click()

    # The same page whatever the address or number: what happens next is in the mail.
    expect(page).to_have_url("/register/sent")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bijna klaar: bevestig uw e-mailadres")
    expect(page.get_by_text(f"We hebben een e-mail gestuurd naar {EMAIL}.")).to_be_visible()
    assert_no_horizontal_overflow(page)

    # Signing in before confirming works, and the dashboard says what is missing.
    page.get_by_role("link", name="Inloggen").first.click()
    page.get_by_label("E-mailadres").fill(EMAIL)
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url("/dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text(ORGANISATION)
    expect(page.get_by_text(UNVERIFIED_NOTICE)).to_be_visible()

    message = wait_for_mail(mailbox)
    assert message["To"] == EMAIL
    verify_path = link_in(message, "/verify-email/")

    page.locator("summary", has_text="Menu").click()  # on a phone the menu is behind "Menu"
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_text("U bent uitgelogd.")).to_be_visible()

    page.goto(verify_path)
    expect(page.get_by_text("Uw e-mailadres is bevestigd. Log in met uw wachtwoord")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")

    expect(page.get_by_label("E-mailadres")).to_have_value(EMAIL)
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()

    expect(page).to_have_url("/dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text(ORGANISATION)
    summary = page.locator("dl.summary")
    expect(summary).to_contain_text("12345678")
    expect(summary).to_contain_text("Aangemeld")
    expect(summary).to_contain_text("Dordrecht")
    expect(page.get_by_text(UNVERIFIED_NOTICE)).to_have_count(0)


def test_registration_with_an_invalid_kvk_number_is_refused_in_dutch(page, mailbox, dordrecht):
    page.goto("/register")
    fill_registration(page, kvk_number="12ab")
    page.get_by_role("button", name="Organisatie aanmelden").click()

    error_summary = page.get_by_role("alert").filter(has_text="Controleer het formulier")
    expect(error_summary).to_contain_text("Een KvK-nummer bestaat uit precies 8 cijfers.")
    kvk_field = page.get_by_label("KvK-nummer")
    expect(kvk_field).to_have_value("12ab")
    expect(kvk_field).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Naam van de organisatie")).to_have_value(ORGANISATION)
    assert_no_horizontal_overflow(page)
    assert count(Organisation) == 0
    assert mailbox == []
