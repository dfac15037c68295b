"""The entrepreneur's moments, in a real browser on a phone: registering without choices made
beforehand and with a postcode that must fit the municipality, more actions in the impact plan
without saving first, and renewing the label once renewal opens."""

from __future__ import annotations

from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from playwright.sync_api import expect

from impactnet.database import local_today, utcnow
from impactnet.extensions import db
from impactnet.journey import services as journey
from impactnet.journey.models import StepState, StepSubmission
from impactnet.organisations.models import OrganisationStatus
from tests import factories
from tests.browser.test_accessibility import sign_in
from tests.browser.test_registration_flow import assert_no_horizontal_overflow, fill_registration
from tests.journey.helpers import latest_submission

pytestmark = pytest.mark.browser


def test_registration_asks_for_each_choice_and_checks_the_postcode_against_the_municipality(page, dordrecht):
    dordrecht.postcode_ranges = "3311-3329"
    db.session.commit()
    page.goto("/register")
    for label, placeholder in (
        ("Gemeente van vestiging", "Kies een gemeente"),
        ("Sector", "Kies een sector"),
        ("Aantal medewerkers", "Kies het aantal medewerkers"),
    ):
        expect(page.get_by_label(label)).to_have_value("")
        expect(page.get_by_label(label).locator("option").first).to_have_text(placeholder)
    fill_registration(page, kvk_number="1234 5678")
    page.get_by_label("Sector").select_option("")
    page.get_by_label("Postcode").fill("1011 AB")
    page.get_by_label("Website (niet verplicht)").fill("www.bakkerijdemerwede.nl")
    page.get_by_role("button", name="Organisatie aanmelden").click()
    summary = page.get_by_role("alert").filter(has_text="Controleer het formulier")
    expect(summary).to_contain_text("Kies een sector.")
    expect(summary).to_contain_text("Postcode 1011 AB ligt niet in de gemeente Dordrecht.")
    expect(page.get_by_label("Naam van de organisatie")).to_have_value("Bakkerij De Merwede B.V.")  # nothing lost
    assert_no_horizontal_overflow(page)
    page.get_by_label("Sector").select_option(label="Horeca en recreatie")
    page.get_by_label("Postcode").fill("3311 AB")
    page.get_by_label("Kies een wachtwoord").fill("Merwede-Brood-2025!")  # passwords are never sent back
    page.get_by_label("Herhaal het wachtwoord").fill("Merwede-Brood-2025!")
    page.get_by_role("button", name="Organisatie aanmelden").click()
    expect(page).to_have_url("/register/sent")


def test_the_impact_plan_offers_another_action_without_saving_first(page, path, dordrecht):
    partner = factories.PartnerUserFactory(organisation=factories.OrganisationFactory(municipality=dordrecht))
    sign_in(page, partner.email)
    page.goto(f"/organisations/{partner.organisation_id}/steps/impactplan")
    expect(page.get_by_role("group", name="Actie 1")).to_be_visible()
    expect(page.get_by_role("group", name="Actie 2")).to_be_hidden()
    page.get_by_role("button", name="Nog een actie toevoegen").click()
    second = page.get_by_role("group", name="Actie 2")
    expect(second).to_be_visible()
    expect(second.get_by_label("Drechts Doel")).to_be_focused()
    # The Drechtse Doelen without their real name yet cannot be chosen.
    options = page.get_by_role("group", name="Actie 1").get_by_label("Drechts Doel").locator("option")
    expect(options).to_have_count(2)  # "—" and DDD 1
    assert_no_horizontal_overflow(page)


def test_a_labelled_partner_renews_once_renewal_opens(page, path, dordrecht):
    organisation = factories.OrganisationFactory(
        municipality=dordrecht,
        status=OrganisationStatus.LABELLED,
        label_awarded_on=date(2025, 3, 1),
        label_valid_until=local_today() + relativedelta(months=4),
    )
    partner = factories.PartnerUserFactory(organisation=organisation)
    for progress in journey.progress_list(organisation):  # every step done, the label review approved
        progress.state = StepState.APPROVED
        progress.submissions.append(
            StepSubmission(
                number=1, state=StepState.APPROVED, statement="Gedaan", submitted_at=utcnow(), decided_at=utcnow()
            )
        )
    db.session.commit()
    sign_in(page, partner.email)
    page.goto("/dashboard")
    expect(page.get_by_text("U kunt de verlenging nu aanvragen")).to_be_visible()
    page.get_by_role("link", name="Verlenging aanvragen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stap 5: Beoordeling en label")
    page.get_by_label("Toelichting").fill("Graag verlengen; ons impactplan loopt door.")
    page.get_by_role("button", name="Indienen ter beoordeling").click()
    expect(page.get_by_role("status").filter(has_text="Ingediend.")).to_be_visible()
    assert latest_submission(organisation, "beoordeling").state is StepState.SUBMITTED
    assert_no_horizontal_overflow(page)
