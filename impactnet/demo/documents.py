"""The demo's partner agreement: a one-page PDF in Dutch and one in English, written at seed time
(no binary files in git) and uploaded as St MBO's staff would, through the documents service."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from impactnet.accounts.models import User
from impactnet.extensions import db
from impactnet.journey import documents
from impactnet.journey.models import JourneyStep

# The network's first day (as impactnet.demo.seed starts it): St MBO had its agreement from the start.
UPLOADED_AT = datetime(2021, 11, 1, 9, tzinfo=UTC)
AGREEMENTS = {
    "nl": (
        "partnerovereenkomst.pdf",
        "Partnerovereenkomst Ondernemen met impact",
        (
            "Voorbeeld voor de demo van impactnet; niet de echte overeenkomst van St MBO.",
            "",
            "Partijen: Stichting Maatschappelijk Betrokken Ondernemen (St MBO), Dordrecht,",
            "en de organisatie die hieronder tekent (de partner).",
            "",
            "1. De partner werkt toe naar het label Ondernemen met impact.",
            "2. De partner bepaalt zelf welke impact hij wil maken (Drechtse Doelen).",
            "3. St MBO begeleidt de partner en beoordeelt het impactplan.",
            "",
            "Naam organisatie: ____________________   KvK-nummer: __________",
            "Getekend door: ____________________   Functie: __________",
            "Datum: __________   Handtekening: ____________________",
        ),
    ),
    "en": (
        "partner-agreement.pdf",
        "Partner agreement Ondernemen met impact",
        (
            "Example for the impactnet demo; not St MBO's real agreement.",
            "",
            "Parties: Stichting Maatschappelijk Betrokken Ondernemen (St MBO), Dordrecht,",
            "and the organisation signing below (the partner).",
            "",
            "1. The partner works toward the label Ondernemen met impact.",
            "2. The partner decides what impact it wants to make (Drechtse Doelen).",
            "3. St MBO guides the partner and reviews the impact plan.",
            "",
            "Organisation: ____________________   KvK number: __________",
            "Signed by: ____________________   Position: __________",
            "Date: __________   Signature: ____________________",
        ),
    ),
}


def _pdf_text(text: str) -> bytes:
    """A PDF string literal in WinAnsi (the standard fonts' encoding)."""
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def simple_pdf(title: str, lines: tuple[str, ...]) -> bytes:
    """A valid one-page A4 PDF with a title and lines of text in Helvetica."""
    content = b"BT /F2 16 Tf 56 780 Td " + _pdf_text(title) + b" Tj /F1 11 Tf 0 -32 Td 15 TL"
    for line in lines:
        content += b" " + _pdf_text(line) + b" Tj T*"
    content += b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def ensure_agreements(staff: User) -> None:
    """Upload the demo agreement in each language that has none yet. Flushes."""
    for step in db.session.scalars(sa.select(JourneyStep).where(JourneyStep.key.in_(documents.DOCUMENT_STEPS))):
        for language, (file_name, title, lines) in AGREEMENTS.items():
            if documents.latest_document(step.key, language) is None:
                upload = FileStorage(io.BytesIO(simple_pdf(title, lines)), file_name, content_type="application/pdf")
                documents.add_document(staff, step, language, upload, uploaded_at=UPLOADED_AT)
    db.session.flush()
