"""The organisation search as CSV and XLSX: content read back, the same filters, the audit trail."""

from __future__ import annotations

import csv
import io
from datetime import UTC

import openpyxl
import sqlalchemy as sa

from impactnet.accounts.models import Role
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.extensions import db
from tests.workspace.test_search import network, staff  # noqa: F401 (fixtures)


def _csv(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # the byte-order mark: Excel reads the accents right
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_csv_has_dutch_headings_the_filters_of_the_page_and_the_contacts(client, staff, network):  # noqa: F811
    response = client.get("/organisations/export.csv?municipality=dordrecht&sort=kvk&dir=desc")
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"
    rows = _csv(response)
    header = rows[0]
    assert header[:3] == ["Naam", "KvK-nummer", "Gemeente"] and "E-mailadressen" in header
    assert [row[0] for row in rows[1:]] == ["Labelhouder 100% B.V.", "Oud_Label", "Bakkerij De Molen"]
    bakker = dict(zip(header, rows[3], strict=True))
    assert bakker["KvK-nummer"] == "01234567"  # text: the leading zero stays
    assert bakker["Contactpersonen"] == "Anna" and bakker["E-mailadressen"] == "Anna.Bakker@molen.example.nl"
    assert bakker["Huidige stap"] == "Partnerovereenkomst" and bakker["Wacht op"] == "Partner"
    assert bakker["Sector"] == "Horeca en recreatie" and bakker["Status"] == "Aangemeld"
    old = dict(zip(header, rows[2], strict=True))
    assert old["Status"] == "Label verlopen" and old["Wacht op"] == "St MBO"


def test_xlsx_holds_the_same_rows(client, staff, network):  # noqa: F811
    response = client.get("/organisations/export.xlsx?q=8765+4321")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data()), read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:2] == ["Naam", "KvK-nummer"]
    assert rows[1][:3] == ["Bouwbedrijf Zwijn", "87654321", "Zwijndrecht"] and len(rows) == 2
    assert "info@zwijn.example.nl" in rows[1]


def test_a_download_is_recorded_with_who_which_filters_and_how_many_rows(client, staff, network):  # noqa: F811
    client.get("/organisations/export.csv?status=labelled&q=label&sort=expiry")
    client.get("/organisations/export.xlsx")
    events = list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.action == AuditAction.ORGANISATIONS_DOWNLOADED)
            .order_by(AuditEvent.id)
        )
    )
    assert len(events) == 2
    first, second = events
    assert first.actor_id == staff.id and first.occurred_at is not None
    assert first.after == {
        "format": "csv",
        "filters": {"q": "label", "status": "labelled"},
        "sort": "expiry asc",
        "rows": 1,
    }
    assert second.after["format"] == "xlsx" and second.after["filters"] == {} and second.after["rows"] == 4


def test_a_formula_in_a_name_is_not_run_by_the_spreadsheet(client, login_as, network):  # noqa: F811
    network["bakker"].name = '=HYPERLINK("http://evil.example")'
    db.session.commit()
    login_as(Role.STAFF)
    rows = _csv(client.get("/organisations/export.csv?q=01234567"))
    assert rows[1][0].startswith("'=")


def test_a_refused_parameter_records_no_download(client, staff, network):  # noqa: F811
    assert client.get("/organisations/export.csv?sort=evil").status_code == 400
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == AuditAction.ORGANISATIONS_DOWNLOADED)
        )
        == 0
    )


def test_the_registration_date_is_the_dutch_calendar_day(client, staff, network):  # noqa: F811
    from datetime import datetime

    network["bakker"].created_at = datetime(2026, 3, 31, 22, 30, tzinfo=UTC)  # 1 April in Dordrecht
    db.session.commit()
    rows = _csv(client.get("/organisations/export.csv?q=molen"))
    assert dict(zip(rows[0], rows[1], strict=True))["Aangemeld op"] == "2026-04-01"
