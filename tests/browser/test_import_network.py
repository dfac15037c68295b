"""Bringing the network in, in a real browser: a file with errors, corrected, imported, and the
growth chart showing the history it brought."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from impactnet.extensions import db
from impactnet.organisations.models import Organisation
from impactnet.stats.models import GrowthSnapshot
from tests.browser.test_registration_flow import assert_no_horizontal_overflow

pytestmark = pytest.mark.browser
SAMPLE = Path(__file__).resolve().parent.parent / "imports" / "sample_import.csv"


def test_import_with_errors_corrected_imported_and_charted(staff_page, dordrecht, zwijndrecht, path, tmp_path):
    page = staff_page
    broken = tmp_path / "netwerk.csv"
    broken.write_text(
        SAMPLE.read_text(encoding="utf-8").replace("90000002;", "9000-0002x;").replace("2024-09-01", "2099-09-01"),
        encoding="utf-8",
    )
    page.goto("/organisations")
    page.get_by_role("link", name="Organisaties importeren").click()
    page.get_by_label("Bestand (CSV of xlsx)").set_input_files(str(broken))
    page.get_by_role("button", name="Controleren").click()
    expect(page.locator("#import-summary")).to_contain_text("3 nieuw, 0 wijzigen, 0 ongewijzigd, 2 fouten.")
    expect(page.get_by_text("Ongeldig KvK-nummer ‘9000-0002x’ (8 cijfers).")).to_be_visible()
    expect(page.get_by_text("overeenkomst_getekend ligt in de toekomst (2099-09-01).")).to_be_visible()
    expect(page.get_by_role("button", name="Importeren")).to_have_count(0)
    page.set_viewport_size({"width": 375, "height": 800})
    assert_no_horizontal_overflow(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label("Bestand (CSV of xlsx)").set_input_files(str(SAMPLE))
    page.get_by_role("button", name="Controleren").click()
    expect(page.locator("#import-summary")).to_contain_text("5 nieuw, 0 wijzigen, 0 ongewijzigd, 0 fouten.")
    expect(page.get_by_label("Contactpersonen uitnodigen per e-mail")).not_to_be_checked()
    page.get_by_role("button", name="Importeren").click()
    expect(page.get_by_role("status").filter(has_text="Import klaar")).to_contain_text(
        "Import klaar: 5 nieuw, 0 gewijzigd, 0 ongewijzigd, 0 uitnodigingen."
    )
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 5

    # The history: in mid-2025 Dordrecht had three partners, one of them labelled (the other's label had expired).
    mid_2025 = db.session.scalar(
        sa.select(GrowthSnapshot).where(
            GrowthSnapshot.municipality_id == dordrecht.id, GrowthSnapshot.day == date(2025, 6, 1)
        )
    )
    assert (mid_2025.partners, mid_2025.labelled) == (3, 1)
    chart = page.request.get(f"/municipalities/{dordrecht.slug}/growth.svg")
    assert chart.status == 200 and "Partners" in chart.text()
    page.goto(f"/municipalities/{dordrecht.slug}")
    expect(page.locator(f'img[src*="/municipalities/{dordrecht.slug}/growth.svg"]').first).to_be_visible()
