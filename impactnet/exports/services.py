"""The exported tables, built from the same snapshot payloads the API and the dashboards read.

Aggregates only: municipality names and counts, never an organisation's or a person's name or
address. Like every service these only read (and would flush, never commit).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime

from flask_babel import gettext as _

from impactnet.api.services import FIGURES, regions_payload, series_payload
from impactnet.core.tables import Table
from impactnet.database import LOCAL_TIMEZONE
from impactnet.regions.models import Municipality
from impactnet.stats.dashboard import SMALLEST_SHOWN, Breakdown, Dashboard, suppressed

REGION_LABEL = "Regio Drechtsteden"  # a name, the same in both languages
REGION_COLUMNS = ("municipality", *FIGURES, "as_of", "target_year", "target_partners", "target_labelled")
SERIES_COLUMNS = ("month", *FIGURES, "applicants", "new_this_month", "as_of")


def as_of_cell(moment: datetime | str | None) -> str | None:
    """When figures were computed, as a cell: Dutch time, "2026-12-01 14:05" (which Excel reads as
    a date and time in any language); None when they never were."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(LOCAL_TIMEZONE).strftime("%Y-%m-%d %H:%M")


def regions_table(now: datetime, year: int) -> Table:
    """One row per active municipality with its latest figures and its target for ``year`` (blank
    without one), then the region's row. The region has no target of its own: summing only the
    municipalities that set one would look like a regional target that nobody agreed on. Each row
    says when its figures were computed (``as_of``)."""
    payload = regions_payload(now)
    rows = []
    for municipality in payload["municipalities"]:
        target = next((t for t in municipality["targets"] if t["year"] == year), None)
        rows.append(
            (
                municipality["name"],
                *(municipality[field] for field in FIGURES),
                as_of_cell(municipality["as_of"]),
                *((year, target["partners"], target["labelled"]) if target else (None, None, None)),
            )
        )
    region = payload["region"]
    rows.append((REGION_LABEL, *(region[field] for field in FIGURES), as_of_cell(region["as_of"]), None, None, None))
    return Table("Regio", REGION_COLUMNS, rows)


def series_table(municipality: Municipality, start: date, end: date, now: datetime) -> Table:
    """The municipality's monthly series from ``start`` to ``end``, oldest month first, each month
    with when its figures were computed."""
    months = series_payload(municipality, start, end, now)["months"]
    return Table(
        "Reeks",
        SERIES_COLUMNS,
        [
            tuple(as_of_cell(month[column]) if column == "as_of" else month[column] for column in SERIES_COLUMNS)
            for month in months
        ],
    )


def _count(n: int) -> int | str:
    """A breakdown cell as the dashboard shows it: "< 5" for a small number (it could point at
    one organisation), else the number."""
    return n if n >= SMALLEST_SHOWN else suppressed(n)


def _new_table(board: Dashboard) -> Table:
    rows = [
        (str(what), *(getattr(board.new[period], field) for period in ("month", "quarter", "year")))
        for what, field in ((_("Nieuwe partners"), "partners"), (_("Nieuwe labels"), "labels"))
    ]
    return Table("Nieuw", ("figure", "this_month", "this_quarter", "this_year"), rows)


def _funnel_table(board: Dashboard) -> Table:
    rows = [
        (
            step.position,
            step.title,
            _count(step.organisations),
            step.shown_median_days,
        )
        for step in board.funnel
    ]
    return Table("Stappen", ("position", "step", "organisations", "median_days_at_step"), rows)


def _breakdown_table(sheet: str, column: str, rows: Iterable[Breakdown]) -> Table:
    return Table(
        sheet,
        (column, "partners", "labelled"),
        [(row.label, _count(row.partners), _count(row.labelled)) for row in rows],
    )


def _targets_table(board: Dashboard) -> Table:
    """Every target year with what it reached (at the end of a finished year, else so far, with the
    day of those figures) and, for a year still open, the projection."""
    rows = []
    results = {result.year: result for result in board.results}
    for target, projection in board.targets:
        result = results.get(target.year)
        reached = (
            (result.as_of, result.partners.now, result.labelled.now, result.reached)
            if result and result.partners and result.labelled  # figures of that year exist
            else (None,) * 4
        )
        projection = projection if result is None or not result.finished else None
        rows.append(
            (
                target.year,
                target.partners_wanted,
                target.labelled_wanted,
                *reached,
                *(
                    (
                        projection.on_track,
                        projection.projected_partners_date,
                        projection.projected_labelled_date,
                        round(projection.partners_needed_per_month, 1),
                        round(projection.labelled_needed_per_month, 1),
                    )
                    if projection
                    else (None,) * 5
                ),
            )
        )
    columns = (
        "year",
        "target_partners",
        "target_labelled",
        "result_on",
        "result_partners",
        "result_labelled",
        "reached",
        "on_track",
        "projected_partners_date",
        "projected_labelled_date",
        "partners_needed_per_month",
        "labelled_needed_per_month",
    )
    return Table("Doelen", columns, [tuple(_plain(cell) for cell in row) for row in rows])


def _plain(cell: object) -> object:
    """Dates as ISO text (which Excel reads as dates in any language) and yes/no as words in the
    reader's language: the same in a CSV and in a spreadsheet."""
    if isinstance(cell, bool):
        return str(_("ja") if cell else _("nee"))
    if isinstance(cell, date):
        return cell.isoformat()
    return cell


# The municipality dashboard's tables by their name in the download URL.
DASHBOARD_TABLES = {
    "new": _new_table,
    "funnel": _funnel_table,
    "sectors": lambda board: _breakdown_table("Sectoren", "sector", board.sectors),
    "sizes": lambda board: _breakdown_table("Grootte", "size_class", board.sizes),
    "targets": _targets_table,
}


def dashboard_table(board: Dashboard, name: str) -> Table:
    """One of the dashboard's tables (a key of DASHBOARD_TABLES) with the figures it shows, and a
    last column saying when they were computed (the latest snapshot's time)."""
    table = DASHBOARD_TABLES[name](board)
    as_of = as_of_cell(board.snapshot.computed_at if board.snapshot else None)
    return replace(table, columns=(*table.columns, "as_of"), rows=[(*row, as_of) for row in table.rows])


def dashboard_filename(municipality: Municipality, name: str, day: date, extension: str) -> str:
    return f"impactnet-{municipality.slug}-{name}-{day.isoformat()}.{extension}"


def regions_filename(day: date, extension: str) -> str:
    return f"impactnet-regio-{day.isoformat()}.{extension}"


def series_filename(municipality: Municipality, start: date, end: date, extension: str) -> str:
    return f"impactnet-{municipality.slug}-reeks-{start:%Y-%m}-{end:%Y-%m}.{extension}"
