"""The partner agreement on step 1: staff upload a PDF per language (each a new version), partners
download the latest in their language and hand in the signed copy. Hostile uploads are refused in
Dutch with nothing saved and nothing left on disk."""

from __future__ import annotations

import io
import re
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from impactnet.accounts.models import Role
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.extensions import db
from impactnet.journey import documents
from impactnet.journey.evidence import EvidenceError
from impactnet.journey.models import Evidence, StepDocument, StepState
from tests import factories
from tests.helpers import count, login_client
from tests.journey.helpers import PDF, latest_submission, step_url

AGREEMENT = "partnerovereenkomst"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
NOT_PDF = "Dit soort bestand kunnen we niet aannemen. Toegestaan: PDF."


@pytest.fixture
def uploads(app, tmp_path, monkeypatch):
    """The upload folder, empty and private to this test."""
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path))
    return tmp_path


def _files(folder) -> list:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def _pdf(name: str = "overeenkomst.pdf", content: bytes = PDF) -> FileStorage:
    return FileStorage(io.BytesIO(content), name)


def _staff_upload(
    client,
    language: str = "nl",
    content: bytes = PDF,
    name: str = "overeenkomst.pdf",
    step_key: str = AGREEMENT,
    **extra,
):
    data = {"language": language, "document": (io.BytesIO(content), name), **extra}
    return client.post(f"/path/steps/{step_key}/documents", data=data, content_type="multipart/form-data")


# The service


def test_each_upload_is_the_next_version_of_its_language_and_the_latest_is_offered(path, uploads):
    staff = factories.UserFactory(role=Role.STAFF)
    step = path[AGREEMENT]
    first = documents.add_document(staff, step, "nl", _pdf("versie-1.pdf"))
    second = documents.add_document(staff, step, "nl", _pdf("versie-2.pdf"))
    english = documents.add_document(staff, step, "en", _pdf("agreement.pdf"))
    db.session.commit()
    assert (first.version, second.version, english.version) == (1, 2, 1)
    assert documents.offered_document(step, "nl") == second
    assert documents.offered_document(step, "en") == english
    assert documents.document_versions(step) == [second, first, english]  # by language, newest first
    assert documents.document_path(first.stored_name).read_bytes() == PDF  # old versions stay
    assert second.uploaded_by == staff and second.file_name == "versie-2.pdf" and second.size == len(PDF)
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == AuditAction.STEP_DOCUMENT_ADDED).order_by(AuditEvent.id)
    ).all()
    assert [(e.actor_id, e.object_type, e.object_id) for e in events] == [
        (staff.id, "step_documents", d.id) for d in (first, second, english)
    ]
    assert events[1].after == {
        "step": AGREEMENT,
        "language": "nl",
        "version": 2,
        "name": "versie-2.pdf",
        "size": len(PDF),
    }


def test_without_an_english_file_english_users_are_offered_the_dutch_one(path, uploads):
    step = path[AGREEMENT]
    assert documents.offered_document(step, "en") is None and documents.offered_document(step, "nl") is None
    dutch = documents.add_document(factories.UserFactory(role=Role.STAFF), step, "nl", _pdf())
    assert documents.offered_document(step, "en") == dutch
    assert documents.offered_document(path["inventarisatie"], "nl") is None  # a step without a document


def test_only_the_agreement_step_and_known_languages_take_a_document(path, uploads):
    staff = factories.UserFactory(role=Role.STAFF)
    with pytest.raises(LookupError):
        documents.add_document(staff, path["inventarisatie"], "nl", _pdf())
    with pytest.raises(LookupError):
        documents.add_document(staff, path[AGREEMENT], "de", _pdf())
    assert count(StepDocument) == 0 and _files(uploads) == []


@pytest.mark.parametrize(
    "content,name,message",
    [
        pytest.param(b"%PDF-", "leeg.pdf", None, id="pdf-header-only-is-accepted"),
        pytest.param(
            PNG, "overeenkomst.pdf", "De inhoud van overeenkomst.pdf past niet bij een PDF-bestand.", id="png-named-pdf"
        ),
        pytest.param(PDF, "overeenkomst.png", NOT_PDF, id="pdf-named-png"),
        pytest.param(b"Getekend!", "overeenkomst.txt", NOT_PDF, id="text"),
        pytest.param(b"", "leeg.pdf", "leeg.pdf is leeg.", id="empty"),
    ],
)
def test_the_file_must_be_a_pdf_by_its_content(path, uploads, content, name, message):
    staff = factories.UserFactory(role=Role.STAFF)
    if message is None:
        assert documents.add_document(staff, path[AGREEMENT], "nl", _pdf(name, content)).version == 1
        return
    with pytest.raises(EvidenceError, match=re.escape(message)):
        documents.add_document(staff, path[AGREEMENT], "nl", _pdf(name, content))
    db.session.rollback()
    assert count(StepDocument) == count(AuditEvent) == 0 and _files(uploads) == []


def test_a_colleague_uploading_the_same_version_at_once_saves_nothing_twice(path, uploads, monkeypatch):
    staff = factories.UserFactory(role=Role.STAFF)
    documents.add_document(staff, path[AGREEMENT], "nl", _pdf())
    db.session.commit()
    monkeypatch.setattr(documents, "next_version", lambda step_key, language: 1)  # read before the colleague's commit
    with pytest.raises(documents.DocumentRaceError, match="Tegelijk heeft een collega"):
        documents.add_document(staff, path[AGREEMENT], "nl", _pdf("tweede.pdf"))
    db.session.rollback()
    assert count(StepDocument) == 1 and len(_files(uploads)) == 1


# Staff upload on the step's page under Stappen


def test_staff_upload_versions_on_the_step_page_and_see_who_uploaded_what(client, login_as, path, uploads):
    staff = login_as(Role.STAFF, name="Sanne de Vries")
    page = client.get(f"/path/steps/{AGREEMENT}").get_data(as_text=True)
    assert "Document voor de partner" in page and "Nog geen document geüpload" in page
    response = _staff_upload(client, name="Partnerovereenkomst 2026.pdf")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/path/steps/{AGREEMENT}#documents")
    assert _staff_upload(client, name="Partnerovereenkomst 2027.pdf").status_code == 302
    page = client.get(f"/path/steps/{AGREEMENT}").get_data(as_text=True)
    assert "Versie 2 van het document (Nederlands) is geüpload." in page
    rows = re.findall(r"<tr>\s*<td>Nederlands</td>(.*?)</tr>", page, re.S)
    assert len(rows) == 2
    assert '2 <span class="status">aangeboden</span>' in rows[0] and "Partnerovereenkomst 2027.pdf" in rows[0]
    assert "aangeboden" not in rows[1] and "Partnerovereenkomst 2026.pdf" in rows[1]
    assert all("Sanne de Vries" in row for row in rows)
    assert count(AuditEvent, AuditEvent.action == AuditAction.STEP_DOCUMENT_ADDED, AuditEvent.actor_id == staff.id) == 2
    assert len(_files(uploads)) == 2
    # Other steps have no document: no upload form, and the route is not there.
    assert "Document voor de partner" not in client.get("/path/steps/inventarisatie").get_data(as_text=True)
    assert _staff_upload(client, step_key="inventarisatie").status_code == 404
    assert _staff_upload(client, step_key="bestaat-niet").status_code == 404
    assert count(StepDocument) == 2


@pytest.mark.parametrize(
    "data,message",
    [
        pytest.param(
            {"content": PNG, "name": "overeenkomst.pdf"},
            "De inhoud van overeenkomst.pdf past niet bij een PDF-bestand.",
            id="not-a-pdf",
        ),
        pytest.param({"content": PDF, "name": "overeenkomst.docx"}, NOT_PDF, id="wrong-extension"),
        pytest.param({"content": b"", "name": "leeg.pdf"}, "leeg.pdf is leeg.", id="empty"),
        pytest.param({"content": b"", "name": ""}, "Kies een PDF-bestand.", id="no-file"),
        pytest.param({"language": "de"}, "Ongeldige", id="unknown-language"),
    ],
)
def test_hostile_staff_uploads_are_refused_in_dutch_with_nothing_saved(client, login_as, path, uploads, data, message):
    login_as(Role.STAFF)
    response = _staff_upload(client, **data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and "Het document is niet geüpload" in html
    assert count(StepDocument) == count(AuditEvent) == 0 and _files(uploads) == []


def test_a_file_over_the_evidence_size_limit_is_refused(app, client, login_as, path, uploads, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 1000)
    login_as(Role.STAFF)
    response = _staff_upload(client, content=PDF + b"%" * (1001 - len(PDF)), name="groot.pdf")
    assert response.status_code == 422
    assert "groot.pdf is te groot" in response.get_data(as_text=True)
    assert count(StepDocument) == 0 and _files(uploads) == []
    assert _staff_upload(client, content=PDF + b"%" * (1000 - len(PDF))).status_code == 302


def test_the_race_with_a_colleague_is_a_409_with_a_dutch_message(client, login_as, path, uploads, monkeypatch):
    login_as(Role.STAFF)
    assert _staff_upload(client).status_code == 302
    monkeypatch.setattr(documents, "next_version", lambda step_key, language: 1)
    response = _staff_upload(client, name="tegelijk.pdf")
    assert response.status_code == 409
    assert "Tegelijk heeft een collega een versie geüpload." in response.get_data(as_text=True)
    assert count(StepDocument) == 1 and len(_files(uploads)) == 1


def test_staff_upload_without_csrf_token_is_refused(make_app, path, uploads):
    csrf_app = make_app(WTF_CSRF_ENABLED=True, UPLOAD_DIR=str(uploads))
    client = csrf_app.test_client()
    login_client(client, factories.UserFactory(role=Role.STAFF))
    response = _staff_upload(client)
    assert response.status_code == 400
    assert count(StepDocument) == 0 and _files(uploads) == []


@pytest.mark.parametrize("role", [Role.PARTNER, Role.MUNICIPALITY])
def test_others_cannot_use_the_staff_upload(client, login_as, path, uploads, role):
    login_as(role)
    assert _staff_upload(client).status_code == 403
    assert client.get(f"/path/steps/{AGREEMENT}").status_code == 403
    assert count(StepDocument) == 0 and _files(uploads) == []


def test_visitors_are_sent_to_the_login_page(client, path, uploads):
    response = _staff_upload(client)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


# The partner's download and step 1


@pytest.fixture
def agreement(path, uploads):
    staff = factories.UserFactory(role=Role.STAFF)
    documents.add_document(staff, path[AGREEMENT], "nl", _pdf("Partnerovereenkomst v1.pdf"))
    dutch = documents.add_document(
        staff, path[AGREEMENT], "nl", _pdf("Partnerovereenkomst v2.pdf", PDF + b"% versie 2\n")
    )
    db.session.commit()
    return dutch


@pytest.mark.parametrize("role", [Role.PARTNER, Role.STAFF, Role.ADMIN])
def test_partners_and_staff_download_the_agreement(client, login_as, agreement, role):
    login_as(role)
    response = client.get(f"/documents/{agreement.id}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="Partnerovereenkomst v2.pdf"'
    assert response.data == PDF + b"% versie 2\n"


def test_others_cannot_download_and_unknown_documents_are_404(client, login_as, agreement):
    assert client.get(f"/documents/{agreement.id}").headers["Location"].startswith("/login")
    login_as(Role.MUNICIPALITY)
    assert client.get(f"/documents/{agreement.id}").status_code == 403
    login_as(Role.PARTNER)
    assert client.get(f"/documents/{agreement.id + 100}").status_code == 404
    documents.document_path(agreement.stored_name).unlink()  # a file lost from disk: 404, not 500
    assert client.get(f"/documents/{agreement.id}").status_code == 404


def test_step_1_offers_the_latest_agreement_and_says_what_to_do(client, login_as, agreement):
    organisation = login_as(Role.PARTNER).organisation
    html = client.get(step_url(organisation, AGREEMENT)).get_data(as_text=True)
    date = agreement.uploaded_at.astimezone(ZoneInfo("Europe/Amsterdam")).day  # the day as shown; the month in Dutch
    link = re.search(r'<a class="button secondary" href="/documents/(\d+)" download>([^<]*)</a>', html)
    assert link and int(link.group(1)) == agreement.id
    assert re.fullmatch(rf"Download de partnerovereenkomst \(PDF, versie 2, {date} \w+ \d{{4}}\)", link.group(2))
    assert "laat hem tekenen door wie uw organisatie mag vertegenwoordigen" in html
    assert "U ontvangt de overeenkomst van St MBO" not in html
    assert "St MBO stuurt u de partnerovereenkomst per e-mail" not in html
    assert "partnerovereenkomst" not in client.get(step_url(organisation, "inventarisatie")).get_data(as_text=True)


def test_english_users_get_the_english_file_or_else_the_dutch(client, login_as, agreement):
    partner = login_as(Role.PARTNER, locale="en")
    html = client.get(step_url(partner.organisation, AGREEMENT)).get_data(as_text=True)
    assert f'href="/documents/{agreement.id}"' in html and "Download the partner agreement (PDF, version 2," in html
    english = documents.add_document(
        factories.UserFactory(role=Role.STAFF), agreement_step(), "en", _pdf("Partner agreement.pdf")
    )
    db.session.commit()
    html = client.get(step_url(partner.organisation, AGREEMENT)).get_data(as_text=True)
    assert f'href="/documents/{english.id}"' in html and "Download the partner agreement (PDF, version 1," in html
    assert "have it signed by whoever may represent your organisation" in html
    assert client.get(f"/documents/{english.id}").headers["Content-Disposition"].endswith('"Partner agreement.pdf"')


def agreement_step():
    from impactnet.journey.services import step_by_key

    return step_by_key(AGREEMENT)


def test_without_a_document_the_step_says_st_mbo_mails_it(app, client, login_as, path, monkeypatch):
    monkeypatch.setitem(app.config, "CONTACT_EMAIL", "partners@stmbo.example.nl")
    organisation = login_as(Role.PARTNER).organisation
    html = client.get(step_url(organisation, AGREEMENT)).get_data(as_text=True)
    assert "St MBO stuurt u de partnerovereenkomst per e-mail." in html
    assert '<a href="mailto:partners@stmbo.example.nl">partners@stmbo.example.nl</a>' in html
    assert "/documents/" not in html


def test_the_default_contact_address_is_st_mbos():
    from config import Config

    assert Config.CONTACT_EMAIL == "info@stmbo.nl"


def test_the_signed_copy_goes_in_with_the_typed_text_in_one_post(client, login_as, agreement):
    organisation = login_as(Role.PARTNER).organisation
    response = client.post(
        step_url(organisation, AGREEMENT),
        content_type="multipart/form-data",
        data={
            "statement": "Getekend door Fatima el Amrani, directeur.",
            "file": (io.BytesIO(PDF), "getekend.pdf"),
            "submit": "Indienen ter beoordeling",
        },
    )
    assert response.status_code == 302
    submission = latest_submission(organisation, AGREEMENT)
    assert submission.state is StepState.SUBMITTED
    assert submission.statement == "Getekend door Fatima el Amrani, directeur."
    assert [e.original_name for e in submission.evidence] == ["getekend.pdf"]
    assert count(Evidence) == 1 and count(StepDocument) == 2  # the signed copy is evidence, not a new version
