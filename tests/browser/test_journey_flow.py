"""One organisation walks the whole path to the label in a real browser.

Two browser contexts take turns: the partner on a phone, Sanne de Vries of
St MBO at a desk. The partner registers, hands in each step; staff decide in
the review queue, ask for one change, and the last approval awards the label.
"""
from __future__ import annotations

import re

import pytest
from dateutil.relativedelta import relativedelta
from playwright.sync_api import expect

from impactnet.database import local_today
from impactnet.journey.questionnaire import QUESTIONS
from tests.browser.test_registration_flow import (
    ORGANISATION,
    PASSWORD,
    assert_no_horizontal_overflow,
    fill_registration,
    wait_for_mail,
)
from tests.helpers import link_in
from tests.journey.helpers import PDF

pytestmark = pytest.mark.browser

FEEDBACK = "Noem ook hoeveel stageplaatsen u per jaar biedt."


def open_current_step(page, number: int, title: str) -> None:
    """From the dashboard, follow the button to the step that is up next."""
    page.goto("/dashboard")
    page.get_by_role("link", name=f"Naar stap {number}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Stap {number}: {title}")
    assert_no_horizontal_overflow(page)


def hand_in(page) -> None:
    page.get_by_role("button", name="Indienen ter beoordeling").click()
    expect(page.get_by_role("status").filter(has_text="Ingediend. St MBO beoordeelt uw inzending.")).to_be_visible()
    expect(page.get_by_text("Ingediend op")).to_be_visible()
    expect(page.get_by_role("button", name="Indienen ter beoordeling")).to_have_count(0)
    assert_no_horizontal_overflow(page)


def open_in_queue(staff, step: str, version: int = 1) -> None:
    """Staff open the organisation's waiting submission from the review queue."""
    staff.goto("/review/")
    row = staff.get_by_role("row").filter(has=staff.get_by_role("link", name=ORGANISATION))
    expect(row).to_have_count(1)
    expect(row).to_contain_text(step if version == 1 else f"{step} (versie {version})")
    row.get_by_role("link", name=ORGANISATION).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(f"{ORGANISATION}: {step}")
    expect(staff.get_by_text(f"versie {version}, ingediend op")).to_be_visible()


def approve(staff, step: str, note: str = "", version: int = 1) -> None:
    open_in_queue(staff, step, version)
    if note:
        staff.get_by_label("Opmerking (niet verplicht)").fill(note)
    staff.get_by_role("button", name="Goedkeuren").click()
    expect(staff).to_have_url("/review/")
    expect(staff.get_by_role("status").filter(has_text="Uw beslissing is vastgelegd.")).to_be_visible()
    expect(staff.get_by_role("link", name=ORGANISATION)).to_have_count(0)


def test_organisation_walks_from_registration_to_the_label(page, staff_page, mailbox, dordrecht, path, tmp_path):
    staff = staff_page
    agreement = tmp_path / "partnerovereenkomst.pdf"
    agreement.write_bytes(PDF)

    # Registration, the confirmation link from the mail, and signing in with the password just chosen.
    page.goto("/register")
    fill_registration(page, kvk_number="1234 5678")
    page.get_by_role("button", name="Organisatie aanmelden").click()
    expect(page).to_have_url("/register/sent")
    page.goto(link_in(wait_for_mail(mailbox), "/verify-email/"))
    expect(page.get_by_text("Uw e-mailadres is bevestigd.")).to_be_visible()
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url("/dashboard")
    expect(page.get_by_text("0 van 5 stappen afgerond")).to_be_visible()
    assert_no_horizontal_overflow(page)

    # 1 Partnerovereenkomst: the signed agreement as a PDF, and who signed it.
    open_current_step(page, 1, "Partnerovereenkomst")
    expect(page.get_by_text("Voeg minstens één bestand toe als bewijs.")).to_be_visible()
    page.get_by_label("Bestand toevoegen").set_input_files(agreement)
    page.get_by_role("button", name="Uploaden").click()
    expect(page.get_by_text("partnerovereenkomst.pdf is toegevoegd.")).to_be_visible()
    expect(page.get_by_role("link", name="partnerovereenkomst.pdf")).to_be_visible()
    page.get_by_label("Toelichting").fill("Getekend door Inge de Vries, directeur.")
    hand_in(page)

    open_in_queue(staff, "Partnerovereenkomst")
    expect(staff.get_by_text("Getekend door Inge de Vries, directeur.")).to_be_visible()
    expect(staff.get_by_role("link", name="partnerovereenkomst.pdf")).to_be_visible()
    approve(staff, "Partnerovereenkomst", note="Welkom als partner.")

    # 2 Inventarisatie: a draft, then handed in; staff ask for a change.
    open_current_step(page, 2, "Inventarisatie")
    first_question = page.get_by_label(str(QUESTIONS["banen_nu"].text), exact=True)
    first_question.fill("Twee collega's via een participatiebaan, in de bakkerij.")
    page.get_by_role("button", name="Opslaan als concept").click()
    expect(page.get_by_role("status").filter(has_text="Concept opgeslagen.")).to_be_visible()
    expect(first_question).to_have_value("Twee collega's via een participatiebaan, in de bakkerij.")
    for key, question in QUESTIONS.items():
        if key != "banen_nu":
            page.get_by_label(str(question.text), exact=True).fill(f"Ons antwoord over {key}.")
    hand_in(page)

    open_in_queue(staff, "Inventarisatie")
    expect(staff.get_by_text("Ons antwoord over leren_stages.")).to_be_visible()
    staff.get_by_label("Wat moet er veranderen?").fill(FEEDBACK)
    staff.get_by_role("button", name="Wijzigingen vragen").click()
    expect(staff).to_have_url("/review/")
    expect(staff.get_by_role("status").filter(has_text="Uw beslissing is vastgelegd.")).to_be_visible()

    # The partner reads the feedback on the dashboard and on the step, and hands in again.
    page.goto("/dashboard")
    expect(page.get_by_role("status").filter(has_text="Feedback van St MBO")).to_contain_text(FEEDBACK)
    assert_no_horizontal_overflow(page)
    open_current_step(page, 2, "Inventarisatie")
    expect(page.get_by_role("status").filter(has_text="Feedback van St MBO")).to_contain_text(FEEDBACK)
    stages = page.get_by_label(str(QUESTIONS["leren_stages"].text), exact=True)
    expect(stages).to_have_value("Ons antwoord over leren_stages.")
    stages.fill("Drie BBL-plaatsen per jaar voor de opleiding Bakker (niveau 2 en 3).")
    hand_in(page)

    open_in_queue(staff, "Inventarisatie", version=2)
    expect(staff.get_by_text("Drie BBL-plaatsen per jaar voor de opleiding Bakker (niveau 2 en 3).")).to_be_visible()
    approve(staff, "Inventarisatie", version=2)

    # 3 Inspiratiesessie: St MBO records it on the organisation's page.
    page.goto("/dashboard")
    expect(page.get_by_text("St MBO legt deze stap vast zodra die heeft plaatsgevonden.")).to_be_visible()
    open_current_step(page, 3, "Inspiratiesessie")
    expect(page.get_by_text("Geen inzending nodig: St MBO legt de sessie vast.")).to_be_visible()
    expect(page.get_by_role("button", name="Indienen ter beoordeling")).to_have_count(0)

    staff.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Organisaties").click()
    staff.get_by_role("link", name=ORGANISATION).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(ORGANISATION)
    expect(staff.get_by_role("heading", name="Inspiratiesessie vastleggen")).to_be_visible()
    staff.get_by_label("Verslag (bijvoorbeeld datum en deelnemers)").fill(
        "Sessie gehouden op 3 maart met Inge de Vries en twee medewerkers.")
    staff.get_by_role("button", name="Vastleggen als afgerond").click()
    expect(staff.get_by_role("status").filter(has_text="De stap is vastgelegd.")).to_be_visible()
    expect(staff.get_by_role("heading", name="Inspiratiesessie vastleggen")).to_have_count(0)

    # 4 Impactplan: one action toward Drechts Doel 1.
    open_current_step(page, 4, "Impactplan")
    action = page.get_by_role("group", name="Actie 1")
    action.get_by_label("Drechts Doel").select_option(label="DDD 1: Bereikbaar maken van bestaanszekerheid voor iedereen")
    action.get_by_label("Actie", exact=True).fill("BBL-plaatsen voor jongeren uit Dordrecht")
    action.get_by_label("Meetbare toezegging").fill("2 BBL-plaatsen per jaar")
    action.get_by_label("Streefdatum").fill("2027-09-01")
    hand_in(page)
    plan = page.get_by_role("table", name="Acties in het impactplan")
    expect(plan).to_contain_text("DDD 1: Bereikbaar maken van bestaanszekerheid voor iedereen")
    expect(plan).to_contain_text("2 BBL-plaatsen per jaar")
    assert_no_horizontal_overflow(page)

    open_in_queue(staff, "Impactplan")
    expect(staff.get_by_role("table", name="Acties in het impactplan")).to_contain_text("BBL-plaatsen voor jongeren uit Dordrecht")
    approve(staff, "Impactplan")

    # 5 Beoordeling en label: approving it awards the label.
    open_current_step(page, 5, "Beoordeling en label")
    page.get_by_label("Toelichting").fill("Ons impactplan loopt; graag een beoordeling.")
    hand_in(page)

    open_in_queue(staff, "Beoordeling en label")
    expect(staff.get_by_text("Goedkeuren kent het label toe")).to_be_visible()
    approve(staff, "Beoordeling en label")

    # The partner's dashboard shows the label.
    valid_until = local_today() + relativedelta(years=2)
    page.goto("/dashboard")
    summary = page.locator("dl.summary")
    expect(summary).to_contain_text("Label behaald")
    expect(summary.locator("div").filter(has=page.get_by_text("Geldig tot", exact=True))).to_contain_text(
        re.compile(rf"\d{{1,2}} \w+ {valid_until.year}"))
    expect(page.get_by_text("5 van 5 stappen afgerond")).to_be_visible()
    expect(page.get_by_text("Gefeliciteerd: uw organisatie heeft het label.")).to_be_visible()
    assert_no_horizontal_overflow(page)

    # The history on the organisation's page names the award and who gave it.
    staff.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Organisaties").click()
    staff.get_by_role("link", name=ORGANISATION).click()
    award = staff.locator("ol.timeline li").filter(has=staff.get_by_text("Label toegekend", exact=True))
    expect(award).to_have_count(1)
    expect(award).to_contain_text("Sanne de Vries")
    page.get_by_role("link", name="Gegevens en volledige geschiedenis van uw organisatie").click()
    expect(page.get_by_role("heading", name="Geschiedenis")).to_be_visible()
    expect(page.locator("ol.timeline")).to_contain_text("Label toegekend")
    assert_no_horizontal_overflow(page)
