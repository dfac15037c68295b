"""GET /municipalities/<slug>/series.csv and .xlsx: a municipality's monthly series."""

from datetime import UTC, date, datetime

import pytest

from impactnet.accounts.models import Role
from impactnet.extensions import db
from tests import factories
from tests.exports.helpers import csv_rows, workbook, xlsx_rows
from tests.exports.helpers import snapshot as add_snapshot

URL = "/municipalities/dordrecht/series"
HEADER = (
    "Maand",
    "Partners",
    "Met label",
    "Werken aan het label",
    "Label verlopen",
    "Label ingetrokken",
    "Aangemeld",
    "Nieuwe partners deze maand",
    "Berekend op",
)


@pytest.fixture
def history(dordrecht, zwijndrecht):
    """Dordrecht: snapshots on the 15th and the 28th of January to June 2025 (the 28th counts)."""
    for month in range(1, 7):
        for day, partners in ((15, 10 * month), (28, 10 * month + 5)):
            add_snapshot(
                dordrecht,
                date(2025, month, day),
                partners=partners,
                labelled=month,
                working_toward_label=partners - month - month % 2,
                applicants=2,
                new_this_month=3,
                label_expired=month % 2,
                computed_at=datetime(2025, month, day, 23, 30, tzinfo=UTC),
            )
    add_snapshot(zwijndrecht, date(2025, 3, 28), partners=99)
    db.session.commit()
    return dordrecht


def test_the_csv_has_one_row_per_month_in_the_range(client, history, login_as):
    login_as(Role.MUNICIPALITY)
    response = client.get(URL + ".csv?from=2025-02&to=2025-04-20")

    assert response.status_code == 200
    assert csv_rows(response) == [
        list(HEADER),
        ["2025-02", "25", "2", "23", "0", "0", "2", "3", "2025-03-01 00:30"],  # 23:30 UTC: past midnight here
        ["2025-03", "35", "3", "31", "1", "0", "2", "3", "2025-03-29 00:30"],
        ["2025-04", "40", "4", "36", "0", "0", "2", "3", "2025-04-16 01:30"],  # summer time
    ]
    assert (
        response.headers["Content-Disposition"] == "attachment; filename=impactnet-dordrecht-reeks-2025-02-2025-04.csv"
    )
    assert response.mimetype == "text/csv" and response.headers["Cache-Control"] == "private, no-store"


def test_the_xlsx_has_the_same_rows_with_numbers_as_numbers(client, history, login_as):
    login_as(Role.STAFF)
    response = client.get(URL + ".xlsx?from=2025-01&to=2025-12")

    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert (
        response.headers["Content-Disposition"] == "attachment; filename=impactnet-dordrecht-reeks-2025-01-2025-12.xlsx"
    )
    rows = xlsx_rows(response)
    assert rows[0] == HEADER
    assert [row[:-1] for row in rows[1:]] == [
        (f"2025-{m:02d}", 10 * m + 5, m, 9 * m + 5 - m % 2, m % 2, 0, 2, 3) for m in range(1, 7)
    ]
    assert rows[6][-1] == "2025-06-29 01:30"
    sheet = workbook(response).active
    assert sheet.title == "Reeks" and sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["D"].width >= len("Werken aan het label")


def test_a_range_without_snapshots_is_just_the_header(client, history, login_as):
    login_as(Role.STAFF)
    assert csv_rows(client.get(URL + ".csv?from=2024-01&to=2024-12")) == [list(HEADER)]
    assert xlsx_rows(client.get(URL + ".xlsx?from=2024-01&to=2024-12")) == [HEADER]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_visitor_is_sent_to_the_login_page(client, history, fmt):
    response = client.get(f"{URL}.{fmt}")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMIN])
def test_staff_download_every_municipality(client, history, login_as, fmt, role):
    login_as(role)
    assert client.get(f"/municipalities/zwijndrecht/series.{fmt}?from=2025-01&to=2025-12").status_code == 200


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_viewer_of_another_municipality_or_a_partner_gets_403(client, history, login, zwijndrecht, fmt):
    login(factories.MunicipalityUserFactory(municipality=zwijndrecht))
    assert client.get(f"{URL}.{fmt}").status_code == 403
    login(factories.PartnerUserFactory(organisation=factories.OrganisationFactory(municipality=history)))
    assert client.get(f"{URL}.{fmt}").status_code == 403


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_unknown_municipality_is_404(client, history, login_as, fmt):
    login_as(Role.STAFF)
    assert client.get(f"/municipalities/bestaat-niet/series.{fmt}").status_code == 404


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        ("from=2025-13", "from", "is geen bestaande datum"),
        ("from=25-01", "from", "moet een datum zijn"),
        ("from=2025-02-30", "from", "is geen bestaande datum"),
        ("to=gisteren", "to", "moet een datum zijn"),
        ("from=2025-06&to=2025-01", "from", "ligt na"),
        ("from=2000-01&to=2025-01", "from", "jaar of meer"),
        ("from=1990-01&to=2025-01", "from", "in de jaren 2000 tot en met 2099"),
        ("to=", "to", "is leeg"),
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_bad_date_is_400_with_a_dutch_message_naming_the_parameter(
    client, history, login_as, fmt, query, parameter, message
):
    login_as(Role.MUNICIPALITY)
    response = client.get(f"{URL}.{fmt}?{query}")

    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "Content-Disposition" not in response.headers
    body = response.get_data(as_text=True)
    assert f"&#39;{parameter}&#39;" in body and message in body
