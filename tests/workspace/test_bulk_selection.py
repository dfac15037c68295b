"""What a bulk action works on: the checkboxes on the search page, "alle N resultaten" across the
page boundary, the filter re-applied on the server, the cap, and the download of a selection."""

from __future__ import annotations

import csv
import io

import openpyxl
import sqlalchemy as sa

from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.extensions import db
from impactnet.organisations.models import OrganisationStatus
from impactnet.workspace import bulk
from impactnet.workspace.search_params import PAGE_SIZE
from tests import factories
from tests.workspace.bulk_helpers import partners, selection, staff, token_in  # noqa: F401


def test_the_search_page_offers_labelled_checkboxes_and_all_results(client, staff, dordrecht, path):  # noqa: F811
    for n in range(PAGE_SIZE + 5):
        factories.OrganisationFactory(municipality=dordrecht, name=f"Bedrijf {n:02d}")
    page = client.get("/organisations/?municipality=dordrecht").get_data(as_text=True)
    assert page.count('class="bulk-pick"') == PAGE_SIZE
    assert '<label for="pick-' in page and "Bedrijf 00 selecteren</label>" in page
    assert "Alle 55 resultaten van dit filter (niet alleen deze pagina)" in page
    assert 'name="filter" value="municipality=dordrecht"' in page
    for action in ("message", "account-manager", "download"):
        assert f'formaction="/organisations/bulk/{action}"' in page


def test_all_results_reach_beyond_the_page_shown(client, staff, dordrecht, zwijndrecht, path):  # noqa: F811
    for n in range(PAGE_SIZE + 5):
        factories.OrganisationFactory(municipality=dordrecht, name=f"Bedrijf {n:02d}")
    factories.OrganisationFactory(municipality=zwijndrecht, name="Elders B.V.")
    page = client.get(
        "/organisations/bulk/download", query_string=selection(everything=True, municipality="dordrecht", page="1")
    )
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "55 organisaties gekozen" in text and "(alle resultaten van het filter)" in text
    assert "En nog 30 organisaties." in text and "Elders" not in text


def test_ticked_ids_outside_the_filter_gone_or_erased_are_left_out(client, staff, partners):  # noqa: F811
    # The builder was ticked under "status=partner" but works toward the label now; 999999 never existed.
    data = selection(partners["bakery"], partners["builder"], partners["erased"], status="partner")
    data["ids"] += ",999999"
    text = client.get("/organisations/bulk/message", query_string=data).get_data(as_text=True)
    assert "1 organisatie gekozen" in text and "3 aangevinkte organisaties doen niet mee" in text
    assert "Bouwbedrijf Zwijn" not in text and "Gewiste organisatie" not in text


def test_an_empty_selection_is_refused(client, staff, partners):  # noqa: F811
    for query in ({}, selection(), selection(partners["erased"])):
        response = client.get("/organisations/bulk/message", query_string=query)
        assert response.status_code == 422
        assert "Actie op een selectie niet mogelijk" in response.get_data(as_text=True)
    assert "Kies ten minste één organisatie" in client.get("/organisations/bulk/download").get_data(as_text=True)
    assert "Geen van de gekozen organisaties kan meedoen" in client.get(
        "/organisations/bulk/download", query_string=selection(partners["erased"])
    ).get_data(as_text=True)


def test_a_selection_beyond_the_cap_is_refused_in_dutch(client, staff, dordrecht, path, monkeypatch):  # noqa: F811
    monkeypatch.setattr(bulk, "MAX_SELECTION", 3)
    organisations = [factories.OrganisationFactory(municipality=dordrecht) for _ in range(5)]
    response = client.get("/organisations/bulk/message", query_string=selection(everything=True))
    assert response.status_code == 422
    assert (
        "hoogstens 3 organisaties tegelijk betreffen; deze selectie telt er 5. Maak het filter nauwer."
        in response.get_data(as_text=True)
    )
    response = client.post("/organisations/bulk/account-manager", data=selection(*organisations[:4]))
    assert response.status_code == 422 and "telt er 4" in response.get_data(as_text=True)
    assert client.get("/organisations/bulk/download", query_string=selection(*organisations[:3])).status_code == 200


def _download(client, data, fmt):
    page = client.get("/organisations/bulk/download", query_string=data).get_data(as_text=True)
    return client.post("/organisations/bulk/download", data={**data, "token": token_in(page), "fmt": fmt})


def test_a_selection_downloads_as_csv_and_xlsx_and_is_recorded(client, staff, partners):  # noqa: F811
    data = selection(partners["builder"], partners["bakery"], sort="name", dir="desc")
    response = _download(client, data, "csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "private, no-store"
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))
    assert [row[0] for row in rows[1:]] == ["Bouwbedrijf Zwijn", "Bakkerij De Molen"]  # the search's order
    assert "anna@molen.example.nl" in rows[2][-1]
    response = _download(client, selection(everything=True, municipality="zwijndrecht"), "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data()), read_only=True).active
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == ["Naam", "Bouwbedrijf Zwijn"]
    first, second = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == AuditAction.ORGANISATIONS_DOWNLOADED).order_by(AuditEvent.id)
    )
    assert first.actor_id == staff.id and first.after["format"] == "csv" and first.after["rows"] == 2
    assert first.after["selection"] == {
        "scope": "selected",
        "filters": {},
        "ids": [partners["builder"].id, partners["bakery"].id],
        "left_out": 0,
    }
    assert second.after["selection"]["scope"] == "all" and second.after["filters"] == {"municipality": "zwijndrecht"}


def test_a_download_needs_its_preview(client, staff, partners):  # noqa: F811
    data = selection(partners["bakery"])
    page = client.get("/organisations/bulk/download", query_string=data).get_data(as_text=True)
    assert "CSV downloaden" in page and "1 organisatie gekozen" in page
    stale = client.post(
        "/organisations/bulk/download",
        data={**selection(partners["bakery"], partners["builder"]), "token": token_in(page), "fmt": "csv"},
    )
    assert stale.status_code == 409 and "veranderd sinds de voorvertoning" in stale.get_data(as_text=True)
    bad = client.post("/organisations/bulk/download", data={**data, "token": token_in(page), "fmt": "pdf"})
    assert bad.status_code == 422 and "Kies CSV of Excel (XLSX)." in bad.get_data(as_text=True)
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == AuditAction.ORGANISATIONS_DOWNLOADED)
        )
        == 0
    )


def test_an_organisation_new_to_the_filter_needs_a_new_preview(client, staff, partners):  # noqa: F811
    data = selection(everything=True, status="partner")
    page = client.get("/organisations/bulk/download", query_string=data).get_data(as_text=True)
    partners["builder"].status = OrganisationStatus.PARTNER  # matches the filter now: not what was previewed
    db.session.commit()
    response = client.post("/organisations/bulk/download", data={**data, "token": token_in(page), "fmt": "csv"})
    assert response.status_code == 409 and "2 organisaties gekozen" in response.get_data(as_text=True)
