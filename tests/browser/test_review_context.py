"""St MBO opens a second version in a real browser, on a desktop and on a 375 px phone: the feedback
that asked for it and what changed since, readable (and without sideways scrolling), and the
organisation's page with every step's versions."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from werkzeug.datastructures import FileStorage

from impactnet.accounts.models import Role
from impactnet.extensions import db
from impactnet.journey import services as journey
from impactnet.review import services as review
from tests import factories
from tests.browser.conftest import DESKTOP_VIEWPORT, STAFF_EMAIL
from tests.browser.test_accessibility import (
    assert_no_serious_axe_violations,
    sign_in,
)
from tests.browser.test_registration_flow import assert_no_horizontal_overflow
from tests.journey.helpers import PDF

pytestmark = pytest.mark.browser

PHONE_375 = {"width": 375, "height": 812}


@pytest.fixture
def second_version(dordrecht, path):
    reviewer = factories.UserFactory(role=Role.STAFF, email=STAFF_EMAIL, name="Sanne de Vries")
    partner = factories.PartnerUserFactory(
        organisation__municipality=dordrecht, organisation__name="Schildersbedrijf Oud B.V."
    )
    organisation = partner.organisation
    journey.add_evidence(partner, organisation, "partnerovereenkomst", FileStorage(io.BytesIO(PDF), "overeenkomst.pdf"))
    first = journey.submit(
        partner,
        organisation,
        "partnerovereenkomst",
        journey.StepInput("Getekend door J. Oud, bedrijfsleider\nMet bedrijfsstempel"),
    )
    review.request_changes(reviewer, first, "De overeenkomst moet getekend zijn door een bestuurder (zie KvK).")
    second = journey.submit(
        partner,
        organisation,
        "partnerovereenkomst",
        journey.StepInput("Getekend door A. Oud, directeur-eigenaar\nMet bedrijfsstempel"),
    )
    db.session.commit()
    return organisation.id, second.id


@pytest.mark.parametrize("viewport", [DESKTOP_VIEWPORT, PHONE_375], ids=["desktop", "phone-375"])
def test_staff_open_a_second_version_and_see_the_feedback_and_the_diff(new_page, axe_script, second_version, viewport):
    _organisation_id, submission_id = second_version
    page = new_page(viewport=viewport, bypass_csp=True)
    sign_in(page, STAFF_EMAIL)
    page.goto("/review/")
    page.get_by_role("link", name="Schildersbedrijf Oud B.V.").first.click()
    expect(page).to_have_url(f"/review/submissions/{submission_id}")

    asked = page.get_by_role("region", name="Gevraagd bij versie 1")
    expect(asked).to_contain_text("De overeenkomst moet getekend zijn door een bestuurder (zie KvK).")
    expect(asked).to_contain_text("Sanne de Vries")
    changes = page.get_by_role("region", name="Gewijzigd ten opzichte van de teruggestuurde versie 1")
    expect(changes.locator("pre del")).to_contain_text("Getekend door J. Oud, bedrijfsleider")
    expect(changes.locator("pre ins").filter(has_text="A. Oud")).to_contain_text(
        "Getekend door A. Oud, directeur-eigenaar"
    )
    # What a screen reader reads: the change's kind before the text.
    expect(changes.locator("pre ins").filter(has_text="A. Oud")).to_have_text(
        "+ toegevoegd: Getekend door A. Oud, directeur-eigenaar"
    )
    expect(changes.locator("pre ins .visually-hidden").first).to_have_text("toegevoegd:")
    expect(changes).to_contain_text("Met bedrijfsstempel")  # the unchanged line, for context
    expect(page.get_by_role("button", name="Goedkeuren")).to_be_visible()
    assert_no_horizontal_overflow(page)
    page.screenshot(path=f"/tmp/review-context-{viewport['width']}.png", full_page=True)
    assert_no_serious_axe_violations(page, axe_script)

    page.get_by_role("link", name="Organisatie en geschiedenis").click()
    history = page.get_by_role("region", name="Geschiedenis per stap")
    expect(history).to_contain_text("Aanpassing gevraagd")
    expect(history).to_contain_text("De overeenkomst moet getekend zijn door een bestuurder (zie KvK).")
    expect(history.get_by_role("link", name="versie 2")).to_be_visible()
    assert_no_horizontal_overflow(page)
    page.screenshot(path=f"/tmp/organisation-history-{viewport['width']}.png", full_page=True)
    assert_no_serious_axe_violations(page, axe_script)
