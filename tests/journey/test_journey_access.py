"""Who may read and change an organisation's steps and files, through HTTP.

Another organisation's ids reveal nothing (404), a municipality sees no
submissions or files, staff read and download but never edit on the
organisation's behalf. Files are served as attachments from the upload
folder, never from the static files.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

import impactnet
from impactnet.accounts.models import Role
from impactnet.audit.models import AuditEvent
from impactnet.extensions import db
from impactnet.journey import evidence as files
from impactnet.journey import services as journey
from impactnet.journey.models import Evidence, StepProgress, StepState, StepSubmission
from tests import factories
from tests.helpers import count, login_client
from tests.journey.helpers import PDF, latest_submission, step_url, upload

# A 1x1 transparent PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001"
    "0d0a2db40000000049454e44ae426082"
)


@pytest.fixture
def uploads(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path))
    return tmp_path


def _with_evidence(municipality, name: str, content: bytes = PDF, filename: str = "overeenkomst.pdf"):
    """An organisation with a partner user and a draft agreement holding one file."""
    partner = factories.PartnerUserFactory(organisation__municipality=municipality, organisation__name=name)
    item = journey.add_evidence(
        partner, partner.organisation, "partnerovereenkomst", FileStorage(io.BytesIO(content), filename)
    )
    journey.save_draft(partner, partner.organisation, "partnerovereenkomst", journey.StepInput(statement="Getekend"))
    db.session.commit()
    return partner, item


def _snapshot():
    """Everything a hostile request could have changed."""
    db.session.expire_all()
    return {
        "evidence": sorted(
            db.session.execute(
                sa.select(Evidence.id, Evidence.submission_id, Evidence.stored_name, Evidence.original_name)
            ).all()
        ),
        "submissions": sorted(
            db.session.execute(sa.select(StepSubmission.id, StepSubmission.state, StepSubmission.statement)).all()
        ),
        "progress": sorted(db.session.execute(sa.select(StepProgress.id, StepProgress.state)).all()),
        "audit": count(AuditEvent),
    }


# --- partner of another organisation -------------------------------------------------------------


def test_partner_of_another_organisation_can_neither_read_nor_change_steps_or_files(client, path, dordrecht, uploads):
    owner, item = _with_evidence(dordrecht, "Eigenaar B.V.")
    target = owner.organisation
    intruder, own_item = _with_evidence(dordrecht, "Indringer B.V.")
    stored = files.stored_path(target.id, item.stored_name)
    assert stored.read_bytes() == PDF
    before = _snapshot()
    login_client(client, intruder)
    base = f"/organisations/{target.id}"

    for key in ("partnerovereenkomst", "inventarisatie", "inspiratiesessie", "impactplan", "beoordeling"):
        assert client.get(step_url(target, key)).status_code == 404, key
        assert client.post(step_url(target, key), data={"statement": "Overgenomen", "save": "y"}).status_code == 404
        assert client.post(step_url(target, key), data={"statement": "Overgenomen", "submit": "y"}).status_code == 404
    assert upload(client, target, "partnerovereenkomst", name="vals.pdf").status_code == 404
    assert client.get(f"{base}/evidence/{item.id}").status_code == 404
    assert client.post(f"{base}/evidence/{item.id}/delete", data={"delete": "y"}).status_code == 404
    # Its own organisation in the path, but another organisation's file id.
    own = f"/organisations/{intruder.organisation_id}"
    assert client.get(f"{own}/evidence/{item.id}").status_code == 404
    assert client.post(f"{own}/evidence/{item.id}/delete", data={"delete": "y"}).status_code == 404
    # ... and its own file through the other organisation's path.
    assert client.get(f"{base}/evidence/{own_item.id}").status_code == 404
    assert client.post(f"{base}/evidence/{own_item.id}/delete", data={"delete": "y"}).status_code == 404
    # Ids that do not exist look the same as ids that are not yours.
    assert client.get(f"{base}/evidence/999999").status_code == 404
    assert client.get("/organisations/999999/steps/partnerovereenkomst").status_code == 404

    assert _snapshot() == before
    assert stored.read_bytes() == PDF
    assert files.stored_path(intruder.organisation_id, own_item.stored_name).is_file()
    # Its own file is still its own to download.
    assert client.get(f"{own}/evidence/{own_item.id}").status_code == 200


def test_partner_of_another_organisation_cannot_touch_a_submitted_step(client, path, dordrecht, uploads):
    owner, item = _with_evidence(dordrecht, "Eigenaar B.V.")
    submission = journey.submit(
        owner, owner.organisation, "partnerovereenkomst", journey.StepInput(statement="Getekend")
    )
    db.session.commit()
    intruder = factories.PartnerUserFactory(organisation__municipality=dordrecht)
    before = _snapshot()
    login_client(client, intruder)

    assert client.get(f"/review/submissions/{submission.id}").status_code == 403
    assert client.post(f"/review/submissions/{submission.id}/approve").status_code == 403
    assert (
        client.post(
            f"/review/submissions/{submission.id}/request-changes", data={"feedback": "Alles opnieuw"}
        ).status_code
        == 403
    )
    assert client.get(f"/organisations/{owner.organisation_id}/evidence/{item.id}").status_code == 404
    assert _snapshot() == before


# --- municipality viewer -------------------------------------------------------------------------


def test_municipality_viewer_sees_no_submissions_or_files(client, path, dordrecht, uploads):
    owner, item = _with_evidence(dordrecht, "Dordtse Bakker B.V.")
    organisation = owner.organisation
    submission = journey.submit(owner, organisation, "partnerovereenkomst", journey.StepInput(statement="Getekend"))
    db.session.commit()
    viewer = factories.MunicipalityUserFactory(municipality=dordrecht)  # the organisation's own municipality
    before = _snapshot()
    login_client(client, viewer)

    assert client.get(step_url(organisation, "partnerovereenkomst")).status_code == 404
    assert (
        client.post(step_url(organisation, "partnerovereenkomst"), data={"statement": "x", "save": "y"}).status_code
        == 404
    )
    assert upload(client, organisation, "partnerovereenkomst").status_code == 404
    assert client.get(f"/organisations/{organisation.id}/evidence/{item.id}").status_code == 404
    assert client.post(f"/organisations/{organisation.id}/evidence/{item.id}/delete").status_code == 404
    assert client.get("/review/").status_code == 403
    assert client.get(f"/review/submissions/{submission.id}").status_code == 403
    assert client.post(f"/review/submissions/{submission.id}/approve").status_code == 403
    assert (
        client.post(f"/review/submissions/{submission.id}/request-changes", data={"feedback": "Nee"}).status_code == 403
    )
    assert (
        client.post(
            f"/review/organisations/{organisation.id}/steps/inspiratiesessie/record", data={"note": "Gehouden"}
        ).status_code
        == 403
    )
    assert client.post(f"/review/organisations/{organisation.id}/withdraw", data={"reason": "Weg"}).status_code == 403
    assert _snapshot() == before


def test_signed_out_visitor_is_sent_to_the_login_page(client, path, dordrecht, uploads):
    owner, item = _with_evidence(dordrecht, "Dordtse Bakker B.V.")
    for url in (
        step_url(owner.organisation, "partnerovereenkomst"),
        f"/organisations/{owner.organisation_id}/evidence/{item.id}",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = client.post(f"/organisations/{owner.organisation_id}/evidence/{item.id}/delete")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert files.stored_path(owner.organisation_id, item.stored_name).is_file()


# --- staff ---------------------------------------------------------------------------------------


def test_staff_read_and_download_but_never_edit_for_the_organisation(client, path, dordrecht, uploads):
    owner, item = _with_evidence(dordrecht, "Dordtse Bakker B.V.")
    organisation = owner.organisation
    before = _snapshot()
    login_client(client, factories.UserFactory(role=Role.STAFF))

    page = client.get(step_url(organisation, "partnerovereenkomst"))
    assert page.status_code == 200
    assert f"/organisations/{organisation.id}/evidence/{item.id}" in page.get_data(as_text=True)
    download = client.get(f"/organisations/{organisation.id}/evidence/{item.id}")
    assert download.status_code == 200
    assert download.data == PDF
    assert download.headers["Content-Disposition"] == "attachment; filename=overeenkomst.pdf"
    assert download.mimetype == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"

    assert (
        client.post(
            step_url(organisation, "partnerovereenkomst"), data={"statement": "Door St MBO", "save": "y"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            step_url(organisation, "partnerovereenkomst"), data={"statement": "Door St MBO", "submit": "y"}
        ).status_code
        == 403
    )
    assert upload(client, organisation, "partnerovereenkomst").status_code == 403
    assert (
        client.post(f"/organisations/{organisation.id}/evidence/{item.id}/delete", data={"delete": "y"}).status_code
        == 403
    )
    # A file id of another organisation under this organisation's path is still a 404, also for staff.
    _, other_item = _with_evidence(dordrecht, "Andere B.V.")
    assert client.get(f"/organisations/{organisation.id}/evidence/{other_item.id}").status_code == 404
    assert _snapshot()["evidence"] == before["evidence"] + [
        (other_item.id, other_item.submission_id, other_item.stored_name, other_item.original_name)
    ]
    assert files.stored_path(organisation.id, item.stored_name).read_bytes() == PDF


def test_staff_download_from_the_review_page(client, path, dordrecht, uploads):
    owner, item = _with_evidence(dordrecht, "Dordtse Bakker B.V.")
    submission = journey.submit(
        owner, owner.organisation, "partnerovereenkomst", journey.StepInput(statement="Getekend")
    )
    db.session.commit()
    login_client(client, factories.UserFactory(role=Role.ADMIN))
    review = client.get(f"/review/submissions/{submission.id}").get_data(as_text=True)
    link = f"/organisations/{owner.organisation_id}/evidence/{item.id}"
    assert link in review
    assert client.get(link).data == PDF


# --- how files are stored and served -------------------------------------------------------------


@pytest.mark.parametrize(
    "content,name,mimetype",
    [
        (PDF, "overeenkomst.pdf", "application/pdf"),
        (PNG, "Foto Handtekening.PNG", "image/png"),
    ],
)
def test_downloads_are_attachments_with_the_stored_type_and_nosniff(
    client, login_as, path, uploads, content, name, mimetype
):
    organisation = login_as(Role.PARTNER).organisation
    assert upload(client, organisation, "partnerovereenkomst", content=content, name=name).status_code == 302
    item = db.session.scalar(sa.select(Evidence))
    assert item.content_type == mimetype and item.size == len(content) and item.original_name == name

    response = client.get(f"/organisations/{organisation.id}/evidence/{item.id}")
    assert response.status_code == 200
    assert response.data == content
    assert response.mimetype == mimetype
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert name in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-cache" in response.headers.get("Cache-Control", "") or "max-age=0" in response.headers.get(
        "Cache-Control", ""
    )


def test_stored_file_lives_in_the_upload_folder_under_a_generated_name(app, client, login_as, path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", None)  # the default folder, whatever the environment says
    organisation = login_as(Role.PARTNER).organisation
    assert upload(client, organisation, "partnerovereenkomst", name="overeenkomst.pdf").status_code == 302
    item = db.session.scalar(sa.select(Evidence))
    try:
        assert re.fullmatch(r"[0-9a-f]{32}", item.stored_name)
        stored = files.stored_path(organisation.id, item.stored_name).resolve()
        assert stored.read_bytes() == PDF
        assert files.upload_dir().resolve() == (Path(app.instance_path) / "uploads").resolve()
        assert stored.is_relative_to(files.upload_dir().resolve())
        static = (Path(impactnet.__file__).parent / "static").resolve()
        assert not stored.is_relative_to(static)
        assert not any(p.name in ("overeenkomst.pdf", item.stored_name) for p in static.rglob("*"))
        # The static route does not serve it either.
        assert client.get(f"/static/{item.stored_name}").status_code == 404
        assert client.get(f"/static/../instance/uploads/{organisation.id}/{item.stored_name}").status_code == 404
    finally:
        files.stored_path(organisation.id, item.stored_name).unlink(missing_ok=True)


def test_partner_deletes_own_draft_file_and_it_leaves_the_disk(client, login_as, path, uploads):
    organisation = login_as(Role.PARTNER).organisation
    upload(client, organisation, "partnerovereenkomst")
    item = db.session.scalar(sa.select(Evidence))
    stored = files.stored_path(organisation.id, item.stored_name)
    assert stored.is_file()
    response = client.post(f"/organisations/{organisation.id}/evidence/{item.id}/delete", data={"delete": "y"})
    assert response.status_code == 302
    assert count(Evidence) == 0 and not stored.exists()
    assert client.get(f"/organisations/{organisation.id}/evidence/{item.id}").status_code == 404


def test_files_of_a_handed_in_version_cannot_be_deleted(client, login_as, path, uploads):
    organisation = login_as(Role.PARTNER).organisation
    upload(client, organisation, "partnerovereenkomst")
    client.post(step_url(organisation, "partnerovereenkomst"), data={"statement": "Getekend", "submit": "y"})
    assert latest_submission(organisation, "partnerovereenkomst").state is StepState.SUBMITTED
    item = db.session.scalar(sa.select(Evidence))
    response = client.post(f"/organisations/{organisation.id}/evidence/{item.id}/delete", data={"delete": "y"})
    assert response.status_code == 409
    assert "Alleen bestanden in een concept kunnen worden verwijderd." in response.get_data(as_text=True)
    assert count(Evidence) == 1 and files.stored_path(organisation.id, item.stored_name).is_file()
