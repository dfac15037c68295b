"""One organisation walks the whole path to the label in a real browser.

Two browser contexts take turns: the partner on a phone, Sanne de Vries of
St MBO at a desk. The partner registers, hands in each step; staff decide in
the review queue, ask for one change, and the last approval awards the label.
Every decision reaches the partner by mail, and the partner follows the mail's
link to where to go next; later St MBO revokes the label, and the partner's
dashboard says why and what to do now.
"""

from __future__ import annotations

import re
import time

import pytest
from dateutil.relativedelta import relativedelta
from playwright.sync_api import expect

from impactnet.database import local_today
from impactnet.journey.questionnaire import QUESTIONS
from tests.browser.test_registration_flow import (
    EMAIL,
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
    expect(page.get_by_role("status").filter(has_text="Ingediend. St MBO beoordeelt uw inzending")).to_contain_text(
        "u krijgt een e-mail zodra er een besluit is"
    )
    expect(page.get_by_text("Ingediend op")).to_be_visible()
    expect(page.get_by_role("button", name="Indienen ter beoordeling")).to_have_count(0)
    assert_no_horizontal_overflow(page)


def decision_mail(mailbox, subject: str):
    """The mail about a decision that reached the partner (the test's SMTP server)."""
    deadline = time.monotonic() + 10
    while True:
        found = [m for m in mailbox if m["To"] == EMAIL and m["Subject"] == subject]
        if found:
            return found[-1]
        assert time.monotonic() < deadline, f"no mail {subject!r}: {[m['Subject'] for m in mailbox]}"
        time.sleep(0.1)


def follow(page, message, heading: str) -> None:
    """Open the link in the mail, as the partner does, and land on ``heading``."""
    page.goto(link_in(message, "/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
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

    # 1 Partnerovereenkomst: who signed it typed first, then the signed agreement uploaded (the natural order
    # once lost the text), then a hand-in without a file is refused and loses nothing either.
    open_current_step(page, 1, "Partnerovereenkomst")
    expect(page.get_by_text("Voeg minstens één bestand toe als bewijs.")).to_be_visible()
    page.get_by_label("Toelichting").fill("Getekend door Inge de Vries, directeur.")
    page.get_by_role("button", name="Indienen ter beoordeling").click()
    expect(page.get_by_role("alert").filter(has_text="Nog niet ingediend")).to_contain_text(
        "Voeg minstens één bestand toe als bewijs."
    )
    expect(page.get_by_label("Toelichting")).to_have_value("Getekend door Inge de Vries, directeur.")
    page.get_by_label("Bestand toevoegen", exact=True).set_input_files(agreement)
    page.get_by_role("button", name="Bestand toevoegen en opslaan").click()
    expect(page.get_by_text("partnerovereenkomst.pdf is toegevoegd.")).to_be_visible()
    expect(page.get_by_role("link", name="partnerovereenkomst.pdf")).to_be_visible()
    expect(page.locator("ul.files")).to_contain_text(re.compile(r"\(\d+ bytes\)"))  # its size, not "0 kB"
    expect(page.get_by_label("Toelichting")).to_have_value("Getekend door Inge de Vries, directeur.")
    hand_in(page)

    open_in_queue(staff, "Partnerovereenkomst")
    expect(staff.get_by_text("Getekend door Inge de Vries, directeur.")).to_be_visible()
    expect(staff.get_by_role("link", name="partnerovereenkomst.pdf")).to_be_visible()
    approve(staff, "Partnerovereenkomst", note="Welkom als partner.")
    approved = decision_mail(mailbox, "De stap ‘Partnerovereenkomst’ is goedgekeurd")
    assert "Welkom als partner." in approved.get_body(("plain",)).get_content()
    follow(page, approved, "Stap 2: Inventarisatie")

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

    # The partner reads the feedback in the mail, follows it to the step, and on the dashboard too.
    changes = decision_mail(mailbox, "St MBO vraagt een aanpassing bij de stap ‘Inventarisatie’")
    assert FEEDBACK in changes.get_body(("plain",)).get_content()
    follow(page, changes, "Stap 2: Inventarisatie")
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
    expect(
        staff.get_by_text("Drie BBL-plaatsen per jaar voor de opleiding Bakker (niveau 2 en 3).", exact=True)
    ).to_be_visible()
    # The feedback that asked for this version, and what changed since the one sent back.
    expect(staff.get_by_role("region", name="Gevraagd bij versie 1")).to_contain_text(FEEDBACK)
    expect(staff.locator("pre.diff ins").filter(has_text="Drie BBL-plaatsen")).to_be_visible()
    approve(staff, "Inventarisatie", version=2)
    next_session = decision_mail(mailbox, "De stap ‘Inventarisatie’ is goedgekeurd")
    assert "St MBO neemt contact met u op om die te plannen." in next_session.get_body(("plain",)).get_content()

    # 3 Inspiratiesessie: St MBO records it on the organisation's page.
    page.goto("/dashboard")
    expect(page.get_by_text("St MBO legt deze stap vast zodra die heeft plaatsgevonden.")).to_be_visible()
    open_current_step(page, 3, "Inspiratiesessie")
    expect(page.get_by_text("Geen inzending nodig: St MBO legt de sessie vast.")).to_be_visible()
    expect(page.get_by_role("button", name="Indienen ter beoordeling")).to_have_count(0)

    staff.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Organisaties", exact=True).click()
    staff.get_by_role("link", name=ORGANISATION).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(ORGANISATION)
    expect(staff.get_by_role("heading", name="Inspiratiesessie vastleggen")).to_be_visible()
    staff.get_by_label("Verslag (bijvoorbeeld datum en deelnemers)").fill(
        "Sessie gehouden op 3 maart met Inge de Vries en twee medewerkers."
    )
    staff.get_by_role("button", name="Vastleggen als afgerond").click()
    expect(staff.get_by_role("status").filter(has_text="De stap is vastgelegd.")).to_be_visible()
    expect(staff.get_by_role("heading", name="Inspiratiesessie vastleggen")).to_have_count(0)
    recorded = decision_mail(mailbox, "St MBO heeft de stap ‘Inspiratiesessie’ vastgelegd")
    follow(page, recorded, "Stap 4: Impactplan")

    # 4 Impactplan: one action toward Drechts Doel 1.
    open_current_step(page, 4, "Impactplan")
    action = page.get_by_role("group", name="Actie 1", exact=True)
    action.get_by_label("Drechts Doel").select_option(
        label="DDD 1: Bereikbaar maken van bestaanszekerheid voor iedereen"
    )
    action.get_by_label("Actie", exact=True).fill("BBL-plaatsen voor jongeren uit Dordrecht")
    action.get_by_label("Meetbare toezegging").fill("2 BBL-plaatsen per jaar")
    action.get_by_label("Streefdatum").fill("2027-09-01")
    hand_in(page)
    plan = page.get_by_role("table", name="Acties in het impactplan")
    expect(plan).to_contain_text("DDD 1: Bereikbaar maken van bestaanszekerheid voor iedereen")
    expect(plan).to_contain_text("2 BBL-plaatsen per jaar")
    assert_no_horizontal_overflow(page)

    open_in_queue(staff, "Impactplan")
    expect(staff.get_by_role("table", name="Acties in het impactplan")).to_contain_text(
        "BBL-plaatsen voor jongeren uit Dordrecht"
    )
    approve(staff, "Impactplan")
    follow(page, decision_mail(mailbox, "De stap ‘Impactplan’ is goedgekeurd"), "Stap 5: Beoordeling en label")

    # 5 Beoordeling en label: approving it awards the label.
    open_current_step(page, 5, "Beoordeling en label")
    page.get_by_label("Toelichting").fill("Ons impactplan loopt; graag een beoordeling.")
    hand_in(page)

    open_in_queue(staff, "Beoordeling en label")
    expect(staff.get_by_text("Goedkeuren kent het label toe")).to_be_visible()
    approve(staff, "Beoordeling en label")

    # The mail brings the partner to the dashboard, which shows the label and when renewal opens.
    valid_until = local_today() + relativedelta(years=2)
    awarded = decision_mail(mailbox, f"Gefeliciteerd: {ORGANISATION} heeft het label Ondernemen met impact")
    follow(page, awarded, ORGANISATION)
    summary = page.locator("dl.summary")
    expect(summary).to_contain_text("Label behaald")
    expect(summary.locator("div").filter(has=page.get_by_text("Geldig tot en met", exact=True))).to_contain_text(
        re.compile(rf"\d{{1,2}} \w+ {valid_until.year}")
    )
    expect(page.get_by_text("5 van 5 stappen afgerond")).to_be_visible()
    expect(page.get_by_text("Gefeliciteerd: uw organisatie heeft het label Ondernemen met impact")).to_be_visible()
    opens = valid_until - relativedelta(months=6)
    expect(
        page.get_by_text(re.compile(rf"Verlengen kunt u aanvragen vanaf \d{{1,2}} \w+ {opens.year}"))
    ).to_be_visible()
    expect(page.get_by_role("link", name="Verlenging aanvragen")).to_have_count(0)
    assert_no_horizontal_overflow(page)

    # The history on the organisation's page names the award and who gave it.
    staff.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Organisaties", exact=True).click()
    staff.get_by_role("link", name=ORGANISATION).click()
    award = staff.locator("ol.timeline li").filter(has=staff.get_by_text("Label toegekend", exact=True))
    expect(award).to_have_count(1)
    expect(award).to_contain_text("Sanne de Vries")
    page.get_by_role("link", name="Gegevens en volledige geschiedenis van uw organisatie").click()
    expect(page.get_by_role("heading", name="Geschiedenis")).to_be_visible()
    expect(page.locator("ol.timeline")).to_contain_text("Label toegekend")
    assert_no_horizontal_overflow(page)

    # St MBO revokes the label; the partner hears why, and the dashboard says what to do now.
    staff.locator("#revoke-reason").fill("Afspraken uit het impactplan niet nagekomen.")
    staff.get_by_role("button", name="Label intrekken").click()
    expect(staff.get_by_role("status").filter(has_text="Het label is ingetrokken.")).to_be_visible()
    revoked = decision_mail(mailbox, f"Het label Ondernemen met impact van {ORGANISATION} is ingetrokken")
    follow(page, revoked, ORGANISATION)
    notice = page.get_by_role("status").filter(has_text="Het label is ingetrokken")
    expect(notice).to_contain_text("Afspraken uit het impactplan niet nagekomen.")
    expect(page.get_by_text("Alle stappen zijn afgerond.")).to_have_count(0)
    expect(page.get_by_text("Wat kunt u nu doen?")).to_be_visible()
    expect(page.get_by_role("link", name="Nieuwe beoordeling aanvragen")).to_be_visible()
    expect(page.locator("dl.summary")).not_to_contain_text("Geldig tot")
    assert_no_horizontal_overflow(page)
