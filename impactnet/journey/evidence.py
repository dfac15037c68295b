"""Checking and storing uploaded evidence.

The file type is decided by the content (the `filetype` library reads the
magic bytes; for DOCX and XLSX the zip's own parts are checked), never by the
name alone, and the name's extension must agree with it. Files are stored
under generated names in the upload folder, outside the static files.
"""

from __future__ import annotations

import os
import secrets
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import filetype
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session

from impactnet.database import whole_transaction_committed, whole_transaction_rolled_back
from impactnet.extensions import db


@dataclass(frozen=True)
class AllowedType:
    mime: str
    extensions: tuple[str, ...]
    zip_part: str | None = None  # for Office Open XML: a part the zip must contain


ALLOWED = {
    "pdf": AllowedType("application/pdf", ("pdf",)),
    "png": AllowedType("image/png", ("png",)),
    "jpg": AllowedType("image/jpeg", ("jpg", "jpeg")),
    "docx": AllowedType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",), "word/document.xml"
    ),
    "xlsx": AllowedType(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",), "xl/workbook.xml"
    ),
}
ALLOWED_EXTENSIONS_TEXT = "PDF, PNG, JPEG, DOCX, XLSX"


class EvidenceError(ValueError):
    """The file is refused; the message says why, in Dutch."""


def upload_dir() -> Path:
    configured = current_app.config.get("UPLOAD_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "uploads"


def _extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def _is_office_file(path: Path, part: str) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
    return "[Content_Types].xml" in names and part in names


def detect_type(path: Path, filename: str, accept: dict[str, AllowedType] | None = None) -> AllowedType:
    """The allowed type of the file at ``path`` (one of ``accept``, default: every evidence type),
    or EvidenceError."""
    accept = ALLOWED if accept is None else accept
    extension = _extension(filename)
    kind = filetype.guess(str(path))
    for allowed in accept.values():
        if extension not in allowed.extensions:
            continue
        if allowed.zip_part and _is_office_file(path, allowed.zip_part):
            return allowed
        if not allowed.zip_part and kind is not None and kind.mime == allowed.mime:
            return allowed
        raise EvidenceError(
            _l(
                "De inhoud van %(name)s past niet bij een %(ext)s-bestand. Upload het echte bestand.",
                name=filename,
                ext=extension.upper(),
            )
        )
    types = ALLOWED_EXTENSIONS_TEXT if accept is ALLOWED else ", ".join(key.upper() for key in accept)
    raise EvidenceError(_l("Dit soort bestand kunnen we niet aannemen. Toegestaan: %(types)s.", types=types))


def clean_filename(filename: str) -> str:
    """The name shown and offered on download: no folders, no control characters."""
    name = os.path.basename((filename or "").replace("\\", "/"))
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>:|?*')
    return name.strip()[-200:] or "bestand"


def new_stored_name() -> str:
    return secrets.token_hex(16)


def stored_path(organisation_id: int, stored_name: str) -> Path:
    """Where a stored file lives (its folder is made when missing)."""
    directory = upload_dir() / str(organisation_id)
    directory.mkdir(parents=True, exist_ok=True)
    return directory / stored_name


def save_upload(file_storage, organisation_id: int) -> tuple[str, AllowedType, int, str]:
    """Check and store an uploaded file of an organisation. Returns (stored name, type, size, shown name).

    Nothing stays on disk when the file is refused.
    """
    return store_upload(file_storage, lambda name: stored_path(organisation_id, name))


def store_upload(
    file_storage, path_for: Callable[[str], Path], accept: dict[str, AllowedType] | None = None
) -> tuple[str, AllowedType, int, str]:
    """Check an uploaded file (size, type by content: one of ``accept``) and store it at
    ``path_for(stored name)``; the file follows the database transaction (see below)."""
    original = clean_filename(file_storage.filename or "")
    stored_name = new_stored_name()
    path = path_for(stored_name)
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    size = 0
    try:
        with path.open("wb") as out:
            while chunk := file_storage.stream.read(64 * 1024):
                size += len(chunk)
                if size > limit:
                    raise EvidenceError(
                        _l(
                            "%(name)s is te groot: hoogstens %(mb)d MB per bestand.",
                            name=original,
                            mb=limit // (1024 * 1024),
                        )
                    )
                out.write(chunk)
        if size == 0:
            raise EvidenceError(_l("%(name)s is leeg.", name=original))
        allowed = detect_type(path, original, accept)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    written_in_transaction(path)
    return stored_name, allowed, size, original


# Files follow the database transaction: a file written for rows that are
# rolled back (the whole transaction, or the savepoint it was written in) is
# removed, and a file whose row is deleted goes only once the whole transaction
# commits. Nothing is left half-saved either way.

WRITTEN, TO_DELETE = "written", "to_delete"


def _note(kind: str, path: Path) -> None:
    session = db.session()
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault("evidence_files", []).append((transaction, kind, path))


def written_in_transaction(path: Path) -> None:
    _note(WRITTEN, path)


def delete_after_commit(organisation_id: int, stored_name: str) -> None:
    _note(TO_DELETE, stored_path(organisation_id, stored_name))


def _inside(transaction, ended) -> bool:
    """Whether ``transaction`` (None: before any began) is ``ended`` or one of its savepoints."""
    if transaction is None:
        return whole_transaction_rolled_back(ended)
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(Session, "after_commit")
def _after_commit(session) -> None:
    if not whole_transaction_committed(session):
        return  # a savepoint released: its files go with the transaction around it
    for _transaction, kind, path in session.info.pop("evidence_files", []):
        if kind == TO_DELETE:
            path.unlink(missing_ok=True)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session, previous_transaction) -> None:
    noted = session.info.get("evidence_files")
    if not noted:
        return
    kept = []
    for transaction, kind, path in noted:
        if not _inside(transaction, previous_transaction):
            kept.append((transaction, kind, path))
        elif kind == WRITTEN:
            path.unlink(missing_ok=True)
    session.info["evidence_files"] = kept
