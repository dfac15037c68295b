"""The documents St MBO offers on a step: the partner agreement, a PDF per language, versioned.

Staff upload a PDF for a language; each upload is the next version of that language's document and
the latest is the one offered. Earlier versions stay listed for staff (who uploaded what, when).
Files are checked and stored as evidence files are (impactnet.journey.evidence: type by content,
the same size limit, generated names outside the static files, following the transaction), in a
folder of their own.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from impactnet.accounts.models import User
from impactnet.audit.models import AuditAction
from impactnet.audit.services import record
from impactnet.core.locale import DEFAULT_LOCALE, LANGUAGES
from impactnet.database import utcnow
from impactnet.extensions import db
from impactnet.journey import evidence as files
from impactnet.journey.models import JourneyStep, StepDocument

# The steps that offer a document; the partner agreement is the only one St MBO has (issue 12).
DOCUMENT_STEPS = ("partnerovereenkomst",)
PDF_ONLY = {"pdf": files.ALLOWED["pdf"]}
PDF_MIME = files.ALLOWED["pdf"].mime
LANGUAGE_NAMES = {"nl": _l("Nederlands"), "en": _l("Engels")}


class DocumentRaceError(RuntimeError):
    """A colleague uploaded a version of the same document at the same moment; nothing was saved."""

    def __str__(self) -> str:
        return str(_l("Tegelijk heeft een collega een versie geüpload. Kijk in de lijst en upload zo nodig opnieuw."))


def offers_document(step: JourneyStep) -> bool:
    return step.key in DOCUMENT_STEPS


def document_path(stored_name: str) -> Path:
    """Where a step document's file lives (its folder is made when missing)."""
    directory = files.upload_dir() / "documents"
    directory.mkdir(parents=True, exist_ok=True)
    return directory / stored_name


def add_document(
    actor: User, step: JourneyStep, language: str, upload, *, uploaded_at: datetime | None = None
) -> StepDocument:
    """Store ``upload`` (a PDF, checked by its content) as the next version of ``step``'s document in
    ``language`` and record it. Raises EvidenceError (Dutch message) when the file is refused,
    LookupError for a step without a document or a language impactnet does not speak. ``uploaded_at``:
    now, unless given (the demo's backdated history). Flushes."""
    if not offers_document(step) or language not in LANGUAGES:
        raise LookupError((step.key, language))
    stored_name, _allowed, size, name = files.store_upload(upload, document_path, PDF_ONLY)
    document = StepDocument(
        step_key=step.key,
        language=language,
        version=next_version(step.key, language),
        file_name=name,
        stored_name=stored_name,
        size=size,
        uploaded_by_id=actor.id,
        uploaded_at=uploaded_at or utcnow(),
    )
    try:
        with db.session.begin_nested():  # a colleague's upload of the same version: only this one is undone
            db.session.add(document)
    except sa.exc.IntegrityError:
        raise DocumentRaceError(step.key) from None
    record(
        actor,
        AuditAction.STEP_DOCUMENT_ADDED,
        document,
        after={"step": step.key, "language": language, "version": document.version, "name": name, "size": size},
        occurred_at=uploaded_at,
    )
    return document


def next_version(step_key: str, language: str) -> int:
    latest = db.session.scalar(
        sa.select(sa.func.max(StepDocument.version)).where(
            StepDocument.step_key == step_key, StepDocument.language == language
        )
    )
    return (latest or 0) + 1


def latest_document(step_key: str, language: str) -> StepDocument | None:
    return db.session.scalar(
        sa.select(StepDocument)
        .where(StepDocument.step_key == step_key, StepDocument.language == language)
        .order_by(StepDocument.version.desc())
        .limit(1)
    )


def offered_document(step: JourneyStep, language: str) -> StepDocument | None:
    """The document the step offers in ``language``: its latest version, else the latest Dutch one."""
    if not offers_document(step):
        return None
    return latest_document(step.key, language) or (
        latest_document(step.key, DEFAULT_LOCALE) if language != DEFAULT_LOCALE else None
    )


def document_versions(step: JourneyStep) -> list[StepDocument]:
    """Every version of the step's documents, by language, the newest first (for staff)."""
    order = sa.case({code: index for index, code in enumerate(LANGUAGES)}, value=StepDocument.language)
    return list(
        db.session.scalars(
            sa.select(StepDocument)
            .where(StepDocument.step_key == step.key)
            .order_by(order, StepDocument.version.desc())
        )
    )


def get_document(document_id: int) -> StepDocument | None:
    """A document by id. Every partner (of any organisation: the agreement is the same for all) and
    staff may download every version; the view checks the role."""
    return db.session.get(StepDocument, document_id)
