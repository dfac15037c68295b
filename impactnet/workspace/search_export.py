"""The organisation search as a download (CSV or XLSX), for St MBO only: it holds contact people
(personal data), so each download is recorded in the audit trail: who, when, which filters and
how many rows."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from impactnet.accounts.models import User
from impactnet.audit.models import AuditAction
from impactnet.audit.services import record
from impactnet.core.locale import localized
from impactnet.core.tables import Table
from impactnet.database import local_day
from impactnet.organisations.choices import SECTORS, SIZE_CLASSES, STATUS_LABELS, label_for
from impactnet.workspace.search import Row, all_rows, contacts
from impactnet.workspace.search_params import SearchParams

WAITING_LABELS = {"partner": _l("Partner"), "stmbo": _l("St MBO")}

COLUMNS = (
    _l("Naam"),
    _l("KvK-nummer"),
    _l("Gemeente"),
    _l("Adres"),
    _l("Postcode"),
    _l("Plaats"),
    _l("Sector"),
    _l("Aantal medewerkers"),
    _l("Status"),
    _l("Huidige stap"),
    _l("Wacht op"),
    _l("Label behaald op"),
    _l("Label geldig tot"),
    _l("Aangemeld op"),
    _l("Contactpersonen"),
    _l("E-mailadressen"),
)


def _day(value) -> str | None:
    return value.isoformat() if value is not None else None


def _line(row: Row, people: list[User], today: date) -> tuple:
    o = row.organisation
    return (
        o.name,
        o.kvk_number,
        row.municipality,
        o.street_address,
        o.postcode,
        o.city,
        label_for(SECTORS, o.sector),
        label_for(SIZE_CLASSES, o.size_class),
        str(STATUS_LABELS.get(str(o.shown_status(today)), o.status)),
        localized(row.step, "title") if row.step is not None else None,
        str(WAITING_LABELS[row.waiting]) if row.waiting else None,
        _day(o.label_awarded_on),
        _day(o.label_valid_until),
        _day(local_day(o.created_at)),
        ", ".join(p.name for p in people if p.name) or None,
        ", ".join(p.email for p in people) or None,
    )


def export_table(
    actor: User,
    params: SearchParams,
    today: date,
    fmt: str,
    *,
    rows: list[Row] | None = None,
    selection: dict | None = None,
) -> Table:
    """Every organisation the search finds (or ``rows``, a bulk selection described by ``selection``),
    with its contact people, as a table (three queries); records the download in the audit trail
    (flushes; the view commits)."""
    rows = all_rows(params, today) if rows is None else rows
    people = contacts([row.organisation.id for row in rows])
    table = Table(
        str(_l("Organisaties")),
        tuple(str(c) for c in COLUMNS),
        [_line(row, people.get(row.organisation.id, []), today) for row in rows],
    )
    after = {"format": fmt, "filters": params.filters(), "sort": f"{params.sort} {params.dir}", "rows": len(rows)}
    if selection is not None:
        after["selection"] = selection
    record(actor, AuditAction.ORGANISATIONS_DOWNLOADED, actor, after=after)
    return table
