"""The staff page: upload, dry run, confirm; hostile uploads; who may use it."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from impactnet.accounts.models import Role
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.extensions import db
from impactnet.organisations.models import Organisation
from tests.imports.test_import_service import HEADER, row

SAMPLE = Path(__file__).with_name("sample_import.csv")
URL = "/organisations/import/"


def upload(client, data: bytes, name: str = "lijst.csv"):
    # Encoded here, in memory: the test client spools a large body to a temporary file it never closes.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), name)})
    return client.post(URL, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def organisations() -> int:
    return db.session.scalar(sa.select(sa.func.count(Organisation.id)))


@pytest.fixture
def staff(login_as, dordrecht, zwijndrecht, path):
    return login_as(Role.STAFF)


def test_preview_with_errors_then_corrected_then_imported(client, staff):
    bad = (HEADER + "\n" + row(kvk="1234-56789") + "\n" + row(kvk="90000040", municipality="Atlantis") + "\n").encode()
    response = upload(client, bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ongeldig KvK-nummer" in page and "Onbekende gemeente" in page and "Importeren" not in page
    assert organisations() == 0

    response = upload(client, SAMPLE.read_bytes(), SAMPLE.name)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "5 nieuw, 0 wijzigen, 0 ongewijzigd, 0 fouten." in page
    assert organisations() == 0  # the dry run changes nothing
    checksum = re.search(r'name="checksum" type="hidden" value="([0-9a-f]{64})"', page).group(1)

    response = client.post("/organisations/import/confirm", data={"checksum": checksum, "filename": SAMPLE.name})
    assert response.status_code == 302
    assert organisations() == 5
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == AuditAction.ORGANISATION_IMPORTED).limit(1)
    )
    assert event.actor_id == staff.id and event.after["sha256"] == checksum
    page = client.get(URL).get_data(as_text=True)
    assert "Import klaar: 5 nieuw" in page

    # Again: nothing changes.
    upload(client, SAMPLE.read_bytes(), SAMPLE.name)
    response = client.post("/organisations/import/confirm", data={"checksum": checksum, "filename": SAMPLE.name})
    assert "0 nieuw, 0 gewijzigd, 5 ongewijzigd" in client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("checksum", ["", "0" * 64, "../../etc/passwd", "a" * 65])
def test_confirm_of_an_unknown_file_is_refused(client, staff, checksum):
    response = client.post("/organisations/import/confirm", data={"checksum": checksum, "filename": "x.csv"})
    assert response.status_code == 400 and "Laad het opnieuw op" in response.get_data(as_text=True)
    assert organisations() == 0


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\x00\x01\x02binary", "lijst.csv", "Dit is geen CSV- of Excel-bestand"),
        (b"PK\x03\x04not a zip", "lijst.xlsx", "beschadigd"),
        ((HEADER + "\n" + row(name="=cmd|' /C calc'!A0") + "\n").encode(), "formule.csv", "Formule in naam"),
        ((HEADER + "\n" + row(name="Caf\xe9") + "\n").encode("cp1252"), "oud.csv", "Windows-1252"),
        (b"\xff\xfe\x81\x8d\x8f\x90\x9d", "vreemd.csv", "geen UTF-8 en geen Windows-1252"),
    ],
)
def test_hostile_uploads_get_a_dutch_message(client, staff, data, name, message):
    response = upload(client, data, name)
    assert response.status_code in (200, 422) and message in response.get_data(as_text=True)
    assert organisations() == 0


def test_a_file_too_large_and_a_missing_file(client, staff, app, monkeypatch):
    # The service tests check the 10 MB default; a small limit keeps the upload in memory here.
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 1024 * 1024)
    response = upload(client, SAMPLE.read_bytes() + b"x" * (1024 * 1024), "groot.csv")
    assert response.status_code == 422 and "groter dan 1 MB" in response.get_data(as_text=True)
    response = client.post(URL, data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Kies een bestand." in response.get_data(as_text=True)


def test_a_body_over_the_request_limit_is_413_in_dutch(client, staff, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 5000)  # as a 50 MB file meets the 50 MB default
    response = upload(client, SAMPLE.read_bytes() + b"%" * 10_000)
    assert response.status_code == 413 and "te groot" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.PARTNER, Role.MUNICIPALITY])
def test_partners_and_viewers_get_403(client, login_as, path, role):
    login_as(role)
    before = organisations()
    assert client.get(URL).status_code == 403
    assert upload(client, SAMPLE.read_bytes()).status_code == 403
    assert client.post("/organisations/import/confirm", data={"checksum": "0" * 64}).status_code == 403
    assert organisations() == before
