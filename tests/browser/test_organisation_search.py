"""St MBO finds an organisation by its KvK number typed with a space, on a desktop and on a 375 px
phone, sorts the list by a column and downloads the result."""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from impactnet.accounts.models import Role
from impactnet.organisations.models import OrganisationStatus
from tests import factories
from tests.browser.conftest import DESKTOP_VIEWPORT
from tests.browser.test_accessibility import sign_in
from tests.browser.test_phone_layout import assert_fits

pytestmark = pytest.mark.browser

PHONE_375 = {"width": 375, "height": 740}


@pytest.mark.parametrize("viewport", [DESKTOP_VIEWPORT, PHONE_375], ids=["desktop", "phone-375"])
def test_staff_finds_an_organisation_by_kvk_number_with_spaces_and_downloads_it(
    browser, live_server, dordrecht, path, viewport
):
    for n in range(12):
        factories.OrganisationFactory(municipality=dordrecht, name=f"Ander Bedrijf {n}")
    wanted = factories.OrganisationFactory(
        municipality=dordrecht,
        name="Drukkerij Merwestad B.V.",
        kvk_number="24681357",
        status=OrganisationStatus.PARTNER,
    )
    factories.PartnerUserFactory(organisation=wanted, email="piet@merwestad.example.nl", name="Piet")
    staff = factories.UserFactory(role=Role.STAFF, email="sanne@stmbo.example.nl")
    context = browser.new_context(base_url=live_server, viewport=viewport, locale="nl-NL", accept_downloads=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, staff.email)
        page.goto("/organisations/")
        expect(page.get_by_role("status")).to_contain_text("13 organisaties gevonden.")
        page.get_by_label("Naam, KvK-nummer, e-mailadres of postcode").fill("2468 1357")
        page.get_by_role("button", name="Zoeken").click()
        expect(page.get_by_role("status")).to_contain_text("1 organisatie gevonden.")
        table = page.get_by_role("table")
        expect(table.get_by_role("link", name="Drukkerij Merwestad B.V.")).to_be_visible()
        expect(table).to_contain_text("24681357")
        expect(table).to_contain_text("Partnerovereenkomst")  # its current step
        expect(page.get_by_label("Naam, KvK-nummer, e-mailadres of postcode")).to_have_value("2468 1357")
        if os.environ.get("SHOTS"):
            page.screenshot(path=f"/tmp/search-{viewport['width']}.png", full_page=True)
        assert_fits(page, viewport["width"])

        with page.expect_download() as caught:
            page.get_by_role("link", name="CSV").click()
        download = caught.value
        assert download.suggested_filename.endswith(".csv")
        text = Path(download.path()).read_text(encoding="utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        assert rows[0][:2] == ["Naam", "KvK-nummer"]
        assert [row[:2] for row in rows[1:]] == [["Drukkerij Merwestad B.V.", "24681357"]]
        assert "piet@merwestad.example.nl" in rows[1]

        page.get_by_role("link", name="Alles wissen").click()
        expect(page.get_by_label("Naam, KvK-nummer, e-mailadres of postcode")).to_have_value("")
        if viewport is DESKTOP_VIEWPORT:  # the column headers sort (on a phone they are out of sight)
            page.get_by_role("columnheader", name="KvK-nummer").get_by_role("link").click()
            expect(page.get_by_role("columnheader", name="KvK-nummer")).to_have_attribute("aria-sort", "ascending")
        else:  # on a phone the form sorts
            page.get_by_label("Sorteren op").select_option(label="KvK-nummer")
            page.get_by_label("Volgorde").select_option(label="Aflopend")
            page.get_by_role("button", name="Zoeken").click()
            # The page before shows the same count: wait for the sorted one, loaded with its styles.
            expect(page).to_have_url(re.compile(r"sort=kvk&dir=desc"))
            page.wait_for_load_state("load")
            expect(page.locator("tbody a").first).to_have_text("Drukkerij Merwestad B.V.")
        expect(page.get_by_role("status")).to_contain_text("13 organisaties gevonden.")
        assert_fits(page, viewport["width"])
    finally:
        context.close()
