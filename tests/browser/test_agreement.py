"""The partner agreement in a real browser: St MBO uploads the PDF under Stappen (at a desk), the
partner downloads it on step 1 (on a phone), hands in the signed copy with the typed text in one go,
and sees the next version once St MBO uploads it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from impactnet.journey.models import StepState
from tests import factories
from tests.browser.test_accessibility import sign_in
from tests.browser.test_registration_flow import assert_no_horizontal_overflow
from tests.journey.helpers import PDF, latest_submission

pytestmark = pytest.mark.browser

STATEMENT = "Getekend door Fatima el Amrani, directeur."


def upload_agreement(staff, path_to_file, language: str = "Nederlands") -> None:
    """Staff open the agreement step under Stappen and upload a PDF for ``language``."""
    staff.goto("/path/")
    staff.get_by_role("link", name="Partnerovereenkomst").click()
    expect(staff.get_by_role("heading", name="Document voor de partner")).to_be_visible()
    staff.get_by_label("Taal van het document").select_option(label=language)
    staff.get_by_label("PDF-bestand").set_input_files(path_to_file)
    staff.get_by_role("button", name="Document uploaden").click()
    expect(staff).to_have_url(re.compile(r"/path/steps/partnerovereenkomst#documents$"))


def test_partner_downloads_the_agreement_and_hands_in_the_signed_copy(page, staff_page, path, dordrecht, tmp_path):
    staff = staff_page
    blank = tmp_path / "Partnerovereenkomst 2026.pdf"
    blank.write_bytes(PDF + b"% versie 1\n")
    upload_agreement(staff, blank)
    expect(
        staff.get_by_role("status").filter(has_text="Versie 1 van het document (Nederlands) is geüpload.")
    ).to_be_visible()
    expect(staff.get_by_role("row").filter(has_text="Partnerovereenkomst 2026.pdf")).to_contain_text("Sanne de Vries")

    partner = factories.PartnerUserFactory(organisation=factories.OrganisationFactory(municipality=dordrecht))
    sign_in(page, partner.email)
    page.goto(f"/organisations/{partner.organisation_id}/steps/partnerovereenkomst")
    expect(page.get_by_text("U ontvangt de overeenkomst van St MBO")).to_have_count(0)
    download_link = page.get_by_role("link", name=re.compile(r"^Download de partnerovereenkomst \(PDF, versie 1, "))
    expect(download_link).to_be_visible()
    expect(page.get_by_text("laat hem tekenen door wie uw organisatie mag vertegenwoordigen")).to_be_visible()
    assert_no_horizontal_overflow(page)
    with page.expect_download() as caught:
        download_link.click()
    download = caught.value
    assert download.suggested_filename == "Partnerovereenkomst 2026.pdf"
    with open(download.path(), "rb") as received:
        assert received.read() == PDF + b"% versie 1\n"
    answer = page.request.get(download_link.get_attribute("href"))  # the same signed-in browser context
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"].startswith("attachment")

    # The signed copy and the typed text go in together: one press of "hand in".
    signed = tmp_path / "getekend.pdf"
    signed.write_bytes(PDF)
    page.get_by_label("Toelichting").fill(STATEMENT)
    page.get_by_label("Bestand toevoegen", exact=True).set_input_files(signed)
    page.get_by_role("button", name="Indienen ter beoordeling").click()
    expect(page.get_by_role("status").filter(has_text="Ingediend. St MBO beoordeelt uw inzending")).to_be_visible()
    expect(page.get_by_text(STATEMENT)).to_be_visible()
    expect(page.get_by_role("link", name="getekend.pdf")).to_be_visible()
    submission = latest_submission(partner.organisation, "partnerovereenkomst")
    assert submission.state is StepState.SUBMITTED and submission.statement == STATEMENT
    assert [item.original_name for item in submission.evidence] == ["getekend.pdf"]

    # St MBO brings out a new version: the partner is offered version 2 from then on.
    newer = tmp_path / "Partnerovereenkomst 2027.pdf"
    newer.write_bytes(PDF + b"% versie 2\n")
    upload_agreement(staff, newer)
    expect(
        staff.get_by_role("status").filter(has_text="Versie 2 van het document (Nederlands) is geüpload.")
    ).to_be_visible()
    expect(staff.get_by_role("row").filter(has_text="Partnerovereenkomst 2026.pdf")).to_be_visible()  # kept, listed
    page.reload()
    newest = page.get_by_role("link", name=re.compile(r"^Download de partnerovereenkomst \(PDF, versie 2, "))
    expect(newest).to_be_visible()
    with page.expect_download() as caught:
        newest.click()
    assert caught.value.suggested_filename == "Partnerovereenkomst 2027.pdf"


def test_staff_see_a_refused_file_explained_in_dutch(staff_page, path, tmp_path):
    not_a_pdf = tmp_path / "overeenkomst.pdf"
    not_a_pdf.write_bytes(b"Dit is geen PDF maar tekst.")
    staff = staff_page
    staff.goto("/path/steps/partnerovereenkomst")
    staff.get_by_label("PDF-bestand").set_input_files(not_a_pdf)
    staff.get_by_role("button", name="Document uploaden").click()
    alert = staff.get_by_role("alert").filter(has_text="Het document is niet geüpload")
    expect(alert).to_contain_text("De inhoud van overeenkomst.pdf past niet bij een PDF-bestand.")
    expect(staff.get_by_text("Nog geen document geüpload.")).to_be_visible()
