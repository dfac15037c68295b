"""Reading the downloads back, and snapshots to export."""

from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import load_workbook

from impactnet.extensions import db
from impactnet.stats.models import REGION, GrowthSnapshot

BOM = b"\xef\xbb\xbf"


def csv_rows(response, delimiter: str = ";") -> list[list[str]]:
    """The rows as Excel splits them: Dutch Excel on ';' (the default here, Dutch being the
    default language), English Excel on ','."""
    body = response.get_data()
    assert body.startswith(BOM)
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=delimiter))


def workbook(response):
    return load_workbook(io.BytesIO(response.get_data()))


def xlsx_rows(response) -> list[tuple]:
    return list(workbook(response).active.iter_rows(values_only=True))


def all_text(response, fmt: str) -> str:
    """Everything a download holds as one text, to search for what must not be in it."""
    rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)
    return "\n".join(" ".join("" if cell is None else str(cell) for cell in row) for row in rows)


def snapshot(municipality, day: date, **figures) -> GrowthSnapshot:
    """A snapshot of ``municipality`` (None: the region) on ``day``."""
    row = GrowthSnapshot(
        scope_key=REGION if municipality is None else municipality.id,
        municipality_id=None if municipality is None else municipality.id,
        day=day,
        **figures,
    )
    db.session.add(row)
    return row
