"""A procurement officer finds a labelled partner in the directory, checks its verification page and
sees the badge say the same; after St MBO revokes the label, all three say "revoked"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from impactnet.database import local_today
from impactnet.organisations.models import OrganisationStatus as Status
from tests import factories
from tests.browser.test_registration_flow import assert_no_horizontal_overflow

pytestmark = pytest.mark.browser


def badge_text(page, kvk: str) -> str:
    response = page.request.get(f"/badge/{kvk}.svg")
    assert response.status == 200 and response.headers["content-type"].startswith("image/svg+xml")
    return response.text()


def test_directory_verification_and_badge_agree_before_and_after_a_revocation(page, staff_page, dordrecht):
    today = local_today()
    organisation = factories.OrganisationFactory(
        municipality=dordrecht,
        name="Aannemer Groen",
        kvk_number="12121212",
        status=Status.LABELLED,
        public_listing=True,
        label_awarded_on=today - timedelta(days=30),
        label_valid_until=today + timedelta(days=700),
        impact_statement="Wij leiden jongeren op in de bouw.",
    )
    factories.OrganisationFactory(
        municipality=dordrecht,
        name="Aannemer Grijs",
        public_listing=False,
        status=Status.LABELLED,
        label_awarded_on=today,
    )

    page.goto("/")
    page.locator("summary", has_text="Menu").click()  # on a phone the menu is behind "Menu"
    page.get_by_role("link", name="Partners", exact=True).click()
    page.get_by_label("Naam of KvK-nummer").fill("aannemer")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.get_by_role("status").first).to_have_text("1 organisatie gevonden.")
    expect(page.get_by_text("Wij leiden jongeren op in de bouw.")).to_be_visible()
    expect(page.get_by_text("Aannemer Grijs")).to_have_count(0)
    assert_no_horizontal_overflow(page)

    page.get_by_role("link", name="Aannemer Groen").click()
    expect(page).to_have_url("/verify/12121212")
    expect(page.get_by_role("heading", level=1)).to_have_text("Aannemer Groen")
    expect(page.locator(".verify-result")).to_have_text("Label geldig")
    expect(page.get_by_role("img", name="QR-code die naar deze controlepagina leidt")).to_be_visible()
    assert_no_horizontal_overflow(page)
    assert "Label geldig" in badge_text(page, "12121212")

    staff_page.goto(f"/organisations/{organisation.id}")
    staff_page.locator("#revoke-reason").fill("Afspraken uit het impactplan niet nagekomen.")
    staff_page.get_by_role("button", name="Label intrekken").click()
    expect(staff_page.get_by_role("status").first).to_be_visible()

    page.goto("/directory?q=aannemer")
    expect(page.locator(".directory-entry .status")).to_have_text("Label ingetrokken")
    page.goto("/verify/12121212")
    expect(page.locator(".verify-result")).to_have_text("Label ingetrokken")
    assert "Label ingetrokken" in badge_text(page, "12121212")


def test_the_verification_search_box(page, dordrecht):
    factories.OrganisationFactory(
        municipality=dordrecht,
        name="Café Oud",
        kvk_number="34343434",
        status=Status.LABEL_EXPIRED,
        label_awarded_on=local_today() - timedelta(days=800),
        label_valid_until=local_today() - timedelta(days=70),
    )
    page.goto("/verify")
    page.get_by_label("KvK-nummer").fill("3434 3434")
    page.get_by_role("button", name="Controleren").click()
    expect(page).to_have_url("/verify/34343434")
    expect(page.locator(".verify-result")).to_have_text("Label verlopen")
    page.goto("/verify")
    page.get_by_label("KvK-nummer").fill("123")
    page.get_by_role("button", name="Controleren").click()
    expect(page.get_by_role("alert")).to_contain_text("8 cijfers")
