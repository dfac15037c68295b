"""The directory as open data: one JSON item or CSV row per listed organisation."""

from __future__ import annotations

from impactnet.core.tables import Table
from impactnet.directory.services import Entry

COLUMNS = (
    "kvk",
    "name",
    "municipality",
    "sector",
    "status",
    "label_awarded_on",
    "label_valid_until",
    "goals",
    "website",
    "impact_statement",
)


def item(entry: Entry) -> dict:
    return {
        "kvk": entry.kvk,
        "name": entry.name,
        "municipality": entry.municipality_slug,
        "sector": entry.sector,
        "status": entry.status.value,
        "label_awarded_on": entry.label_awarded_on.isoformat() if entry.label_awarded_on else None,
        "label_valid_until": entry.label_valid_until.isoformat() if entry.label_valid_until else None,
        "goals": list(entry.goals),
        "website": entry.website,
        "impact_statement": entry.impact_statement,
    }


def table(entries: list[Entry]) -> Table:
    rows = []
    for entry in entries:
        values = item(entry)
        values["goals"] = ";".join(str(number) for number in entry.goals)
        rows.append(tuple(values[column] for column in COLUMNS))
    return Table("Partners", COLUMNS, rows)
