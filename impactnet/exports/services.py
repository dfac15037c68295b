"""The exported tables, built from the same snapshot payloads the API and the dashboards read.

Aggregates only: municipality names and counts, never an organisation's or a person's name or
address. Like every service these only read (and would flush, never commit).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from impactnet.api.services import FIGURES, regions_payload, series_payload
from impactnet.regions.models import Municipality

REGION_LABEL = "Regio Drechtsteden"
REGION_COLUMNS = ("municipality", *FIGURES, "target_year", "target_partners", "target_labelled")
SERIES_COLUMNS = ("month", *FIGURES, "applicants", "new_this_month", "labels_expired")


@dataclass(frozen=True)
class Table:
    """A header and rows of plain values (str, int or None), ready for any file format."""

    sheet: str
    columns: tuple[str, ...]
    rows: list[tuple]


def regions_table(now: datetime, year: int) -> Table:
    """One row per active municipality with its latest figures and its target for ``year`` (blank
    without one), then the region's row. The region has no target of its own: summing only the
    municipalities that set one would look like a regional target that nobody agreed on."""
    payload = regions_payload(now)
    rows = []
    for municipality in payload["municipalities"]:
        target = next((t for t in municipality["targets"] if t["year"] == year), None)
        rows.append((municipality["name"], *(municipality[field] for field in FIGURES),
                     *((year, target["partners"], target["labelled"]) if target else (None, None, None))))
    region = payload["region"]
    rows.append((REGION_LABEL, *(region[field] for field in FIGURES), None, None, None))
    return Table("Regio", REGION_COLUMNS, rows)


def series_table(municipality: Municipality, start: date, end: date, now: datetime) -> Table:
    """The municipality's monthly series from ``start`` to ``end``, oldest month first."""
    months = series_payload(municipality, start, end, now)["months"]
    return Table("Reeks", SERIES_COLUMNS, [tuple(month[column] for column in SERIES_COLUMNS) for month in months])


def regions_filename(day: date, extension: str) -> str:
    return f"impactnet-regio-{day.isoformat()}.{extension}"


def series_filename(municipality: Municipality, start: date, end: date, extension: str) -> str:
    return f"impactnet-{municipality.slug}-reeks-{start:%Y-%m}-{end:%Y-%m}.{extension}"
