"""Import organisations from a file: the dry run (:func:`dry_run`) and the import (:func:`run_import`).

The web page keeps the previewed file in the instance folder under its SHA-256 checksum, and the
confirmation names that checksum: the import reads exactly the bytes that were previewed, checks them
again (the portal may have changed meanwhile) and applies them only when there is no error at all.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dateutil.relativedelta import relativedelta
from flask import current_app
from flask_babel import lazy_gettext as _l

from impactnet.accounts.models import User
from impactnet.database import local_today
from impactnet.imports.applying import Outcome, Source, apply_plan
from impactnet.imports.checking import Plan, check_rows
from impactnet.imports.reading import ImportFileError, read_sheet

__all__ = ["ImportFileError", "Preview", "dry_run", "keep_file", "kept_file", "run_import"]
CHECKSUM = re.compile(r"^[0-9a-f]{64}$")


@dataclass
class Preview:
    plan: Plan
    source: Source


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def dry_run(data: bytes, filename: str, today: date | None = None) -> Preview:
    """What importing ``data`` would do, row by row (changes nothing); ImportFileError for a file
    that cannot be read at all."""
    config = current_app.config
    sheet = read_sheet(data, filename, max_bytes=config["IMPORT_MAX_BYTES"], max_rows=config["IMPORT_MAX_ROWS"])
    if not sheet.rows:
        raise ImportFileError(_l("Het bestand heeft een kopregel maar geen organisaties."))
    rows = check_rows(sheet.rows, today or local_today(), relativedelta(months=config["LABEL_VALIDITY_MONTHS"]))
    return Preview(
        Plan(rows, sheet.notices), Source(filename=Path(filename).name[:200] or "import", checksum=checksum(data))
    )


def run_import(
    actor: User, data: bytes, filename: str, *, invite: bool, today: date | None = None
) -> tuple[Preview, Outcome | None]:
    """Check ``data`` again and, without errors, import it and rebuild the growth history from the
    first imported date (the caller commits; on errors nothing is changed and the outcome is None)."""
    from impactnet.stats.services import backfill_snapshots, compute_projections, take_snapshots

    today = today or local_today()
    preview = dry_run(data, filename, today)
    if preview.plan.errors:
        return preview, None
    outcome = apply_plan(actor, preview.plan.rows, preview.source, invite=invite, today=today)
    if outcome.first_day is not None:
        backfill_snapshots(outcome.first_day, today)
    take_snapshots(today)
    compute_projections(today)
    return preview, outcome


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def keep_file(data: bytes) -> str:
    """Keep a previewed file until it is imported; returns its checksum."""
    digest = checksum(data)
    path = _folder() / digest
    if not path.exists():
        temporary = path.with_suffix(".part")
        temporary.write_bytes(data)
        os.replace(temporary, path)
    return digest


def kept_file(digest: str) -> bytes | None:
    """The previewed file with this checksum, or None (unknown, or not a checksum at all)."""
    if not CHECKSUM.match(digest or ""):
        return None
    path = _folder() / digest
    if not path.is_file():
        return None
    data = path.read_bytes()
    return data if checksum(data) == digest else None
