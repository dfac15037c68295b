"""GET /regions.csv and /regions.xlsx: the region table, public, from the snapshots."""

from datetime import UTC, date, datetime

import pytest

from impactnet.database import local_today
from impactnet.extensions import db
from tests import factories
from tests.exports.helpers import csv_rows, workbook, xlsx_rows
from tests.exports.helpers import snapshot as add_snapshot

HEADER = [
    "Gemeente",
    "Partners",
    "Met label",
    "Werken aan het label",
    "Label verlopen",
    "Label ingetrokken",
    "Berekend op",
    "Doeljaar",
    "Doel partners",
    "Doel met label",
]
COMPUTED = datetime(2025, 7, 1, 12, 5, tzinfo=UTC)  # 14:05 in Dordrecht (summer time)
AS_OF = "2025-07-01 14:05"


@pytest.fixture
def region(dordrecht, zwijndrecht):
    """Dordrecht with this year's and last year's target, Zwijndrecht without, an inactive
    municipality, and two days of snapshots (the later one counts)."""
    year = local_today().year
    factories.TargetFactory(municipality=dordrecht, year=year, partners_wanted=40, labelled_wanted=15)
    factories.TargetFactory(municipality=dordrecht, year=year - 1, partners_wanted=20, labelled_wanted=5)
    closed = factories.MunicipalityFactory(name="Opgeheven", slug="opgeheven", active=False)
    for day, extra in ((date(2025, 6, 1), 0), (date(2025, 7, 1), 1)):
        at = {"computed_at": COMPUTED} if extra else {}
        add_snapshot(
            dordrecht,
            day,
            partners=12 + extra,
            labelled=4,
            working_toward_label=6,
            label_expired=2,
            label_revoked=extra,
            **at,
        )
        add_snapshot(
            zwijndrecht,
            day,
            partners=3 + extra,
            labelled=0,
            working_toward_label=2,
            label_expired=1,
            label_revoked=extra,
            **at,
        )
        add_snapshot(closed, day, partners=1, labelled=1, working_toward_label=0, **at)
        add_snapshot(
            None,
            day,
            partners=16 + extra,
            labelled=5,
            working_toward_label=8,
            label_expired=3,
            label_revoked=2 * extra,
            **at,
        )
    db.session.commit()
    return year


def test_the_csv_has_a_row_per_active_municipality_and_the_region_total(client, region):
    response = client.get("/regions.csv")

    assert response.status_code == 200
    assert csv_rows(response) == [
        HEADER,
        ["Dordrecht", "13", "4", "6", "2", "1", AS_OF, str(region), "40", "15"],
        ["Zwijndrecht", "4", "0", "2", "1", "1", AS_OF, "", "", ""],
        ["Regio Drechtsteden", "17", "5", "8", "3", "2", AS_OF, "", "", ""],
    ]


def test_the_csv_is_a_utf8_attachment_with_a_byte_order_mark(client, region):
    response = client.get("/regions.csv")

    assert response.mimetype == "text/csv" and response.mimetype_params["charset"] == "utf-8"
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # the charset once
    assert response.headers["Content-Disposition"] == f"attachment; filename=impactnet-regio-{local_today()}.csv"
    assert response.get_data().startswith(b"\xef\xbb\xbfGemeente;Partners;")
    assert b"\r\n" in response.get_data()


def test_the_xlsx_has_the_same_rows_with_numbers_as_numbers(client, region):
    response = client.get("/regions.xlsx")

    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"] == f"attachment; filename=impactnet-regio-{local_today()}.xlsx"
    assert xlsx_rows(response) == [
        tuple(HEADER),
        ("Dordrecht", 13, 4, 6, 2, 1, AS_OF, region, 40, 15),
        ("Zwijndrecht", 4, 0, 2, 1, 1, AS_OF, None, None, None),
        ("Regio Drechtsteden", 17, 5, 8, 3, 2, AS_OF, None, None, None),
    ]
    sheet = workbook(response).active
    assert sheet.title == "Regio"
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width >= len("Regio Drechtsteden")
    assert sheet.column_dimensions["D"].width >= len("Werken aan het label")


def test_without_snapshots_the_figures_are_zero(client, dordrecht):
    assert csv_rows(client.get("/regions.csv"))[1:] == [
        ["Dordrecht", "0", "0", "0", "0", "0", "", "", "", ""],
        ["Regio Drechtsteden", "0", "0", "0", "0", "0", "", "", "", ""],
    ]


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://evil.example","klik")', "+31 Gemeente", "-2+3", "@SUM(A1)", "\tTab"]
)
def test_a_name_that_a_spreadsheet_would_run_is_quoted_in_csv_and_text_in_xlsx(client, name):
    factories.MunicipalityFactory(name=name, slug="kwaad")

    assert csv_rows(client.get("/regions.csv"))[1][0] == "'" + name
    cell = workbook(client.get("/regions.xlsx")).active["A2"]
    assert cell.data_type == "s" and cell.value == name


def test_accents_survive_both_formats(client):
    factories.MunicipalityFactory(name="Súdwest-Fryslân", slug="sudwest-fryslan")

    assert csv_rows(client.get("/regions.csv"))[1][0] == "Súdwest-Fryslân"
    assert xlsx_rows(client.get("/regions.xlsx"))[1][0] == "Súdwest-Fryslân"


def test_overview_and_dashboard_link_to_the_downloads(client, login_as, dordrecht):
    overview = client.get("/regions").get_data(as_text=True)
    assert 'href="/regions.csv"' in overview and 'href="/regions.xlsx"' in overview
    login_as("staff")
    dashboard = client.get("/municipalities/dordrecht").get_data(as_text=True)
    assert 'href="/municipalities/dordrecht/series.csv"' in dashboard
    assert 'href="/municipalities/dordrecht/series.xlsx"' in dashboard


def test_in_english_the_csv_has_english_headings_and_commas(client, region):
    response = client.get("/regions.csv", headers={"Accept-Language": "en"})
    rows = csv_rows(response, delimiter=",")
    assert rows[0] == [
        "Municipality",
        "Partners",
        "With label",
        "Working towards the label",
        "Label expired",
        "Label revoked",
        "Computed at",
        "Target year",
        "Target partners",
        "Target with label",
    ]
    assert rows[1] == ["Dordrecht", "13", "4", "6", "2", "1", AS_OF, str(region), "40", "15"]
    assert "Cookie" in response.headers["Vary"] or "Accept-Language" in response.headers["Vary"]
    assert xlsx_rows(client.get("/regions.xlsx", headers={"Accept-Language": "en"}))[0][0] == "Municipality"
