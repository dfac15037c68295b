"""Hostile input on every journey form, upload and review decision: a 4xx (or
the form again with a Dutch message), never a 500, and nothing half-saved: no
row, no audit event and no file left behind for what was refused."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from impactnet.accounts.models import Role
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.extensions import db
from impactnet.journey import evidence as files
from impactnet.journey import services as journey
from impactnet.journey.models import DrechtsDoel, Evidence, ImpactAction, StepState, StepSubmission
from impactnet.journey.questionnaire import QUESTIONS
from impactnet.organisations.models import OrganisationStatus
from impactnet.review.services import award_or_renew_label, request_changes
from tests import factories
from tests.helpers import count, login_client
from tests.journey.helpers import PDF, answers, latest_submission, plan, step_url, upload

SCRIPT = "<script>alert('xss')</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 240
    + b"This program cannot be run in DOS mode."
)


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


CONTENT_TYPES = b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
DOCX = _zip(
    {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": b"<Relationships/>",
        "word/document.xml": b"<w:document><w:body><w:p><w:r><w:t>Impactplan</w:t></w:r></w:p></w:body></w:document>",
    }
)
XLSX = _zip(
    {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": b"<Relationships/>",
        "xl/workbook.xml": b"<workbook><sheets><sheet name='Blad1' sheetId='1'/></sheets></workbook>",
    }
)
FAKE_DOCX = _zip({"[Content_Types].xml": CONTENT_TYPES, "payload.exe": EXE})
PLAIN_ZIP = _zip({"readme.txt": b"hallo"})

NOT_ACCEPTED = "Dit soort bestand kunnen we niet aannemen. Toegestaan: PDF, PNG, JPEG, DOCX, XLSX."


@pytest.fixture
def uploads(app, tmp_path, monkeypatch):
    """The upload folder, empty and private to this test."""
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path))
    return tmp_path


def _stored_files(folder) -> list:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def _page(response) -> str:
    return response.get_data(as_text=True)


def _decisions() -> int:
    """Staff decisions on steps in the audit trail."""
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == AuditAction.STEP_STATE_CHANGED))
    return sum(1 for e in events if (e.after or {}).get("state") in ("approved", "changes_requested"))


def _goal(number: int = 1) -> DrechtsDoel:
    return db.session.scalar(sa.select(DrechtsDoel).where(DrechtsDoel.number == number))


def _submitted_agreement(municipality=None):
    """An organisation whose signed agreement waits for review."""
    extra = {"organisation__municipality": municipality} if municipality is not None else {}
    partner = factories.PartnerUserFactory(**extra)
    journey.add_evidence(partner, partner.organisation, "partnerovereenkomst", FileStorage(io.BytesIO(PDF), "o.pdf"))
    submission = journey.submit(
        partner, partner.organisation, "partnerovereenkomst", journey.StepInput(statement="Getekend")
    )
    db.session.commit()
    return submission


def _approve_first_steps(partner, staff):
    """Agreement and Inventarisatie approved, so the organisation works toward the label."""
    from impactnet.review.services import approve

    organisation = partner.organisation
    journey.add_evidence(partner, organisation, "partnerovereenkomst", FileStorage(io.BytesIO(PDF), "o.pdf"))
    approve(
        staff, journey.submit(partner, organisation, "partnerovereenkomst", journey.StepInput(statement="Getekend"))
    )
    inventory = journey.submit(
        partner, organisation, "inventarisatie", journey.StepInput(answers={key: "Antwoord" for key in QUESTIONS})
    )
    approve(staff, inventory)
    db.session.commit()


# --- uploads that are refused --------------------------------------------------------------------

REFUSED_UPLOADS = [
    pytest.param(EXE, "offerte.pdf", "De inhoud van offerte.pdf past niet bij een PDF-bestand.", id="exe-renamed-pdf"),
    pytest.param(PNG, "scan.pdf", "De inhoud van scan.pdf past niet bij een PDF-bestand.", id="png-renamed-pdf"),
    pytest.param(PDF, "foto.png", "De inhoud van foto.png past niet bij een PNG-bestand.", id="pdf-renamed-png"),
    pytest.param(PDF, "foto.jpg", "De inhoud van foto.jpg past niet bij een JPG-bestand.", id="pdf-renamed-jpg"),
    pytest.param(PDF, "setup.exe", NOT_ACCEPTED, id="exe-name"),
    pytest.param(EXE, "setup.exe", NOT_ACCEPTED, id="real-exe"),
    pytest.param(b"<html><script>alert(1)</script></html>", "pagina.html", NOT_ACCEPTED, id="html"),
    pytest.param(PDF, "pagina.html", NOT_ACCEPTED, id="pdf-named-html"),
    pytest.param(b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "logo.svg", NOT_ACCEPTED, id="svg"),
    pytest.param(PLAIN_ZIP, "archief.zip", NOT_ACCEPTED, id="zip"),
    pytest.param(DOCX, "archief.zip", NOT_ACCEPTED, id="docx-named-zip"),
    pytest.param(PDF, "overeenkomst", NOT_ACCEPTED, id="no-extension"),
    pytest.param(PDF, "overeenkomst.pdf.exe", NOT_ACCEPTED, id="double-extension"),
    pytest.param(b"", "leeg.pdf", "leeg.pdf is leeg.", id="empty"),
    pytest.param(FAKE_DOCX, "brief.docx", "De inhoud van brief.docx past niet bij een DOCX-bestand.", id="zip-as-docx"),
    pytest.param(
        PLAIN_ZIP, "brief.docx", "De inhoud van brief.docx past niet bij een DOCX-bestand.", id="plain-zip-as-docx"
    ),
    pytest.param(PDF, "brief.docx", "De inhoud van brief.docx past niet bij een DOCX-bestand.", id="pdf-as-docx"),
    pytest.param(DOCX, "cijfers.xlsx", "De inhoud van cijfers.xlsx past niet bij een XLSX-bestand.", id="docx-as-xlsx"),
    pytest.param(
        b"PK\x03\x04 truncated",
        "cijfers.xlsx",
        "De inhoud van cijfers.xlsx past niet bij een XLSX-bestand.",
        id="broken-zip-as-xlsx",
    ),
]


@pytest.mark.parametrize("content,name,message", REFUSED_UPLOADS)
def test_refused_upload_leaves_nothing_behind(client, login_as, path, uploads, content, name, message):
    organisation = login_as(Role.PARTNER).organisation
    response = upload(client, organisation, "partnerovereenkomst", content=content, name=name)
    assert response.status_code == 422
    assert message in _page(response)
    assert count(Evidence) == count(StepSubmission) == count(AuditEvent) == 0
    assert _stored_files(uploads) == []


@pytest.mark.parametrize("content,name,message", REFUSED_UPLOADS[:3] + REFUSED_UPLOADS[13:15])
def test_refused_upload_next_to_an_accepted_file_keeps_the_draft_as_it_was(
    client, login_as, path, uploads, content, name, message
):
    organisation = login_as(Role.PARTNER).organisation
    assert upload(client, organisation, "partnerovereenkomst").status_code == 302
    before = (_stored_files(uploads), count(Evidence), count(AuditEvent))
    response = upload(client, organisation, "partnerovereenkomst", content=content, name=name)
    assert response.status_code == 422
    assert message in _page(response)
    assert (_stored_files(uploads), count(Evidence), count(AuditEvent)) == before
    assert latest_submission(organisation, "partnerovereenkomst").state is StepState.DRAFT


def test_file_just_over_the_size_limit_is_refused(app, client, login_as, path, uploads, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 1000)
    organisation = login_as(Role.PARTNER).organisation
    too_big = PDF + b"%" * (1001 - len(PDF))
    response = upload(client, organisation, "partnerovereenkomst", content=too_big, name="groot.pdf")
    assert response.status_code == 422
    assert "groot.pdf is te groot" in _page(response)
    assert count(Evidence) == count(StepSubmission) == 0
    assert _stored_files(uploads) == []

    just_fits = PDF + b"%" * (1000 - len(PDF))
    assert upload(client, organisation, "partnerovereenkomst", content=just_fits, name="past.pdf").status_code == 302
    assert db.session.scalar(sa.select(Evidence.size)) == 1000


def test_request_over_the_content_length_limit_is_refused_with_413(app, client, login_as, path, uploads, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 5000)
    organisation = login_as(Role.PARTNER).organisation
    response = upload(client, organisation, "partnerovereenkomst", content=PDF + b"%" * 10_000, name="groot.pdf")
    assert response.status_code == 413
    assert "te groot" in _page(response)
    assert count(Evidence) == 0 and _stored_files(uploads) == []


@pytest.mark.parametrize(
    "data,message",
    [
        pytest.param({"upload": "y"}, "Kies een bestand.", id="no-file-field"),
        pytest.param({"file": (io.BytesIO(b""), ""), "upload": "y"}, "Kies een bestand.", id="empty-file-input"),
        pytest.param({"file": "geen bestand maar tekst"}, "Kies een bestand.", id="text-instead-of-file"),
    ],
)
def test_upload_without_a_file_is_refused(client, login_as, path, uploads, data, message):
    organisation = login_as(Role.PARTNER).organisation
    response = client.post(
        step_url(organisation, "partnerovereenkomst") + "/evidence", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert message in _page(response)
    assert count(Evidence) == 0 and _stored_files(uploads) == []


def test_upload_that_is_not_multipart_is_refused(client, login_as, path, uploads):
    organisation = login_as(Role.PARTNER).organisation
    response = client.post(step_url(organisation, "partnerovereenkomst") + "/evidence", data={"file": "x.pdf"})
    assert response.status_code == 422
    assert "Kies een bestand." in _page(response)
    assert count(Evidence) == 0 and _stored_files(uploads) == []


def test_upload_to_a_step_that_takes_no_files_or_does_not_exist(client, login_as, path, uploads):
    organisation = login_as(Role.PARTNER).organisation
    response = upload(client, organisation, "inspiratiesessie")
    assert response.status_code == 422
    assert "Deze stap wordt door St MBO vastgelegd." in _page(response)
    assert upload(client, organisation, "bestaat-niet").status_code == 404
    assert upload(client, organisation, "../partnerovereenkomst").status_code == 404
    assert count(Evidence) == 0 and _stored_files(uploads) == []


# --- uploads that are accepted -------------------------------------------------------------------


@pytest.mark.parametrize(
    "content,name,mimetype",
    [
        pytest.param(
            DOCX,
            "Impactplan.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            id="docx",
        ),
        pytest.param(
            XLSX, "cijfers.XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", id="xlsx"
        ),
        pytest.param(PNG, "handtekening.png", "image/png", id="png"),
        pytest.param(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64, "foto.jpeg", "image/jpeg", id="jpeg"),
    ],
)
def test_real_office_files_and_images_are_accepted(client, login_as, path, uploads, content, name, mimetype):
    organisation = login_as(Role.PARTNER).organisation
    assert upload(client, organisation, "partnerovereenkomst", content=content, name=name).status_code == 302
    item = db.session.scalar(sa.select(Evidence))
    assert (item.original_name, item.content_type, item.size) == (name, mimetype, len(content))
    assert _stored_files(uploads) == [files.stored_path(organisation.id, item.stored_name)]
    download = client.get(f"/organisations/{organisation.id}/evidence/{item.id}")
    assert download.data == content and download.mimetype == mimetype


@pytest.mark.parametrize(
    "sent,shown",
    [
        pytest.param("../../etc/passwd.pdf", "passwd.pdf", id="dot-dot-slash"),
        # Doubled on the wire: the multipart parser unescapes a quoted "\\" to one backslash.
        pytest.param("..\\\\..\\\\x.pdf", "x.pdf", id="dot-dot-backslash"),
        pytest.param("..\\..\\x.pdf", "....x.pdf", id="dot-dot-backslash-unescaped"),
        pytest.param("C:\\\\Users\\\\jan\\\\Bureaublad\\\\rapport.pdf", "rapport.pdf", id="windows-path"),
        pytest.param("/etc/passwd.pdf", "passwd.pdf", id="absolute"),
        pytest.param("%2e%2e%2fx.pdf", "%2e%2e%2fx.pdf", id="percent-encoded"),
        pytest.param("rapport✓ 2026.pdf", "rapport✓ 2026.pdf", id="unicode"),
        pytest.param("rap\x00port\x1b.pdf", "rapport.pdf", id="control-characters"),
        pytest.param("<img src=x onerror=alert(1)>.pdf", "img src=x onerror=alert(1).pdf", id="html-in-name"),
        pytest.param("a" * 300 + ".pdf", "a" * 196 + ".pdf", id="very-long"),
    ],
)
def test_file_names_with_path_tricks_are_stored_under_a_generated_name(client, login_as, path, uploads, sent, shown):
    organisation = login_as(Role.PARTNER).organisation
    response = upload(client, organisation, "partnerovereenkomst", name=sent)
    assert response.status_code == 302
    item = db.session.scalar(sa.select(Evidence))
    assert item.original_name == shown
    assert "/" not in item.original_name and "\\" not in item.original_name
    assert re.fullmatch(r"[0-9a-f]{32}", item.stored_name)
    assert _stored_files(uploads) == [uploads / str(organisation.id) / item.stored_name]

    download = client.get(f"/organisations/{organisation.id}/evidence/{item.id}")
    assert download.status_code == 200 and download.data == PDF
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "/" not in disposition.split("filename*=")[0] and "\\" not in disposition and "\x00" not in disposition
    page = _page(client.get(step_url(organisation, "partnerovereenkomst")))
    assert "<img src=x" not in page


def test_unicode_name_is_offered_back_encoded(client, login_as, path, uploads):
    organisation = login_as(Role.PARTNER).organisation
    upload(client, organisation, "partnerovereenkomst", name="rapport✓ 2026.pdf")
    item = db.session.scalar(sa.select(Evidence))
    disposition = client.get(f"/organisations/{organisation.id}/evidence/{item.id}").headers["Content-Disposition"]
    assert "filename*=UTF-8''rapport%E2%9C%93%202026.pdf" in disposition
    assert "rapport✓ 2026.pdf" in _page(client.get(step_url(organisation, "partnerovereenkomst")))


# --- the step form -------------------------------------------------------------------------------


def test_statement_over_the_limit_is_refused_with_a_dutch_message(client, login_as, path, uploads):
    organisation = login_as(Role.PARTNER).organisation
    for button in ("save", "submit"):
        response = client.post(
            step_url(organisation, "partnerovereenkomst"), data={"statement": "x" * 20_000, button: "y"}
        )
        assert response.status_code == 422
        assert "Veld mag niet langer zijn dan 10000 karakters." in _page(response)
    assert count(StepSubmission) == count(AuditEvent) == 0
    # At the limit it is kept whole.
    assert (
        client.post(
            step_url(organisation, "partnerovereenkomst"), data={"statement": "x" * 10_000, "save": "y"}
        ).status_code
        == 302
    )
    assert latest_submission(organisation, "partnerovereenkomst").statement == "x" * 10_000


def test_long_answer_is_refused_and_the_draft_keeps_its_old_text(client, login_as, path):
    organisation = login_as(Role.PARTNER).organisation
    assert (
        client.post(
            step_url(organisation, "inventarisatie"), data={"answer_banen_nu": "Eerst", "save": "y"}
        ).status_code
        == 302
    )
    response = client.post(
        step_url(organisation, "inventarisatie"), data={"answer_banen_nu": "y" * 20_000, "save": "y"}
    )
    assert response.status_code == 422
    assert "Veld mag niet langer zijn dan 4000 karakters." in _page(response)
    db.session.expire_all()
    assert latest_submission(organisation, "inventarisatie").answers["banen_nu"] == "Eerst"
    assert count(StepSubmission) == 1


def test_nul_character_in_a_step_form_gives_400(client, login_as, path):
    organisation = login_as(Role.PARTNER).organisation
    response = client.post(step_url(organisation, "inventarisatie"), data={"answer_banen_nu": "a\x00b", "save": "y"})
    assert response.status_code == 400
    assert count(StepSubmission) == 0


def test_script_tags_are_stored_as_text_and_escaped_everywhere(app, client, login_as, path, uploads):
    partner = login_as(Role.PARTNER)
    organisation = partner.organisation
    data = {
        **answers(),
        "answer_banen_nu": SCRIPT,
        "answer_inkoop_nu": f'"><img src=x onerror=alert(1)>{SCRIPT}',
        "statement": SCRIPT,
        "save": "y",
    }
    assert client.post(step_url(organisation, "inventarisatie"), data=data).status_code == 302
    draft = latest_submission(organisation, "inventarisatie")
    assert draft.answers["banen_nu"] == SCRIPT and draft.statement == SCRIPT
    page = _page(client.get(step_url(organisation, "inventarisatie")))
    assert SCRIPT not in page and "<img src=x" not in page
    assert ESCAPED_SCRIPT in page

    # Handed in, the text reaches staff escaped too; their feedback reaches the partner escaped.
    upload(client, organisation, "partnerovereenkomst")
    assert (
        client.post(
            step_url(organisation, "partnerovereenkomst"), data={"statement": SCRIPT, "submit": "y"}
        ).status_code
        == 302
    )
    submission = latest_submission(organisation, "partnerovereenkomst")
    staff = app.test_client()
    login_client(staff, factories.UserFactory(role=Role.STAFF))
    review = _page(staff.get(f"/review/submissions/{submission.id}"))
    assert SCRIPT not in review and ESCAPED_SCRIPT in review
    assert (
        staff.post(f"/review/submissions/{submission.id}/request-changes", data={"feedback": SCRIPT}).status_code == 302
    )
    for url in (step_url(organisation, "partnerovereenkomst"), "/dashboard", f"/organisations/{organisation.id}"):
        page = _page(client.get(url))
        assert SCRIPT not in page, url
    assert ESCAPED_SCRIPT in _page(client.get(step_url(organisation, "partnerovereenkomst")))


def test_unknown_answer_keys_are_ignored(client, login_as, path):
    organisation = login_as(Role.PARTNER).organisation
    data = {
        "answer_banen_nu": "Twee participatiebanen",
        "answer_hacker": "x",
        "answer___class__": "x",
        "answers-evil": "x",
        "answer_": "x",
        "state": "approved",
        "decided_by_id": "1",
        "save": "y",
    }
    assert client.post(step_url(organisation, "inventarisatie"), data=data).status_code == 302
    draft = latest_submission(organisation, "inventarisatie")
    assert set(draft.answers) == set(QUESTIONS)
    assert draft.answers["banen_nu"] == "Twee participatiebanen"
    assert draft.state is StepState.DRAFT and draft.decided_by_id is None
    # Answers posted to a step that is no questionnaire are not kept either.
    upload(client, organisation, "partnerovereenkomst")
    client.post(step_url(organisation, "partnerovereenkomst"), data={**answers(), "statement": "Getekend", "save": "y"})
    assert latest_submission(organisation, "partnerovereenkomst").answers == {}


def test_unknown_step_key_gives_404(client, login_as, path):
    organisation = login_as(Role.PARTNER).organisation
    for key in ("bestaat-niet", "PARTNEROVEREENKOMST", "partnerovereenkomst%00", "x" * 500):
        assert client.post(step_url(organisation, key), data={"statement": "x", "save": "y"}).status_code in (400, 404)
        assert client.get(step_url(organisation, key)).status_code in (400, 404)
    assert count(StepSubmission) == 0


def _bad_goal_ids():
    return ["abc", "999999", "0", "-1", "1.5", "", " "]


@pytest.mark.parametrize("goal_id", _bad_goal_ids())
def test_impact_plan_with_a_bad_goal_is_refused(client, login_as, path, goal_id):
    organisation = login_as(Role.PARTNER).organisation
    for button in ("save", "submit"):
        response = client.post(
            step_url(organisation, "impactplan"),
            data={**plan(_goal().id, **{"actions-0-goal_id": goal_id}), button: "y"},
        )
        assert response.status_code == 422
    if goal_id in ("0", "", " "):
        assert "Kies een Drechts Doel." in _page(response)
    assert count(ImpactAction) == count(StepSubmission) == count(AuditEvent) == 0


def test_impact_plan_refuses_an_inactive_goal(client, login_as, path):
    organisation = login_as(Role.PARTNER).organisation
    inactive = _goal(3)
    inactive.active = False
    db.session.commit()
    response = client.post(step_url(organisation, "impactplan"), data={**plan(inactive.id), "save": "y"})
    assert response.status_code == 422
    assert count(ImpactAction) == count(StepSubmission) == 0


@pytest.mark.parametrize(
    "target_date",
    ["31-02-2027", "morgen", "2027-02-31", "2027-13-01", "99999-01-01", "1-1-27", "2027-09-01T00:00", "<script>"],
)
def test_impact_plan_with_a_bad_target_date_is_refused(client, login_as, path, target_date):
    organisation = login_as(Role.PARTNER).organisation
    response = client.post(
        step_url(organisation, "impactplan"),
        data={**plan(_goal().id, **{"actions-0-target_date": target_date}), "save": "y"},
    )
    assert response.status_code == 422
    assert "<script>" not in _page(response).split("<main", 1)[-1]
    assert count(ImpactAction) == count(StepSubmission) == 0


@pytest.mark.parametrize(
    "missing,message",
    [
        ("actions-0-commitment", "Vul een meetbare toezegging in."),
        ("actions-0-description", "Beschrijf de actie."),
        ("actions-0-target_date", "Vul een streefdatum in."),
        ("actions-0-goal_id", "Kies een Drechts Doel."),
    ],
)
def test_half_filled_action_is_refused_with_a_dutch_message(client, login_as, path, missing, message):
    organisation = login_as(Role.PARTNER).organisation
    data = plan(_goal().id)
    del data[missing]
    response = client.post(step_url(organisation, "impactplan"), data={**data, "save": "y"})
    assert response.status_code == 422
    assert message in _page(response)
    assert count(ImpactAction) == count(StepSubmission) == 0


def test_fifty_action_rows_keep_at_most_ten(client, login_as, path):
    organisation = login_as(Role.PARTNER).organisation
    goal = _goal()
    data = {"save": "y"}
    for i in range(50):
        data |= {
            f"actions-{i}-goal_id": str(goal.id),
            f"actions-{i}-description": f"Actie {i}",
            f"actions-{i}-commitment": f"{i} plaatsen",
            f"actions-{i}-target_date": "2027-09-01",
        }
    response = client.post(step_url(organisation, "impactplan"), data=data)
    assert response.status_code == 302
    actions = latest_submission(organisation, "impactplan").actions
    assert [a.description for a in actions] == [f"Actie {i}" for i in range(10)]
    page = client.get(step_url(organisation, "impactplan"))
    assert page.status_code == 200
    assert page.get_data(as_text=True).count('name="actions-') >= 40  # 10 rows of 4 fields


def test_strange_action_row_numbers_do_not_break_the_form(client, login_as, path):
    organisation = login_as(Role.PARTNER).organisation
    goal = _goal()
    data = {"save": "y"}
    for index in ("7", "99999999999999999999", "abc", "-1", "007"):
        data |= {
            f"actions-{index}-goal_id": str(goal.id),
            f"actions-{index}-description": f"Actie {index}",
            f"actions-{index}-commitment": "1 plaats",
            f"actions-{index}-target_date": "2027-09-01",
        }
    response = client.post(step_url(organisation, "impactplan"), data=data)
    assert response.status_code == 302
    descriptions = [a.description for a in latest_submission(organisation, "impactplan").actions]
    assert "Actie abc" not in descriptions and "Actie -1" not in descriptions
    assert 1 <= len(descriptions) <= 10


# --- bugs found while writing these tests (remove the mark once fixed) ---------------------------


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("actions-0-goal_id", "abc", "Ongeldige keuze: kon niet omgezet worden."),
        ("actions-0-goal_id", "999999", "Ongeldige keuze."),
        ("actions-0-target_date", "31-02-2027", "Ongeldige datum."),
        ("actions-0-description", "d" * 1001, "Veld mag niet langer zijn dan 1000 karakters."),
    ],
)
def test_impact_plan_field_errors_are_in_dutch(client, login_as, path, field, value, message):
    organisation = login_as(Role.PARTNER).organisation
    response = client.post(
        step_url(organisation, "impactplan"), data={**plan(_goal().id, **{field: value}), "save": "y"}
    )
    assert response.status_code == 422
    page = _page(response)
    assert "Invalid Choice" not in page and "Not a valid" not in page and "Actions:" not in page
    assert message in page


def test_refused_resubmission_leaves_no_copied_file_behind(client, login_as, path, uploads):
    partner = login_as(Role.PARTNER)
    organisation = partner.organisation
    upload(client, organisation, "partnerovereenkomst")
    client.post(step_url(organisation, "partnerovereenkomst"), data={"statement": "Getekend", "submit": "y"})
    request_changes(
        factories.UserFactory(role=Role.STAFF),
        latest_submission(organisation, "partnerovereenkomst"),
        "Graag de versie met beide handtekeningen.",
    )
    db.session.commit()
    before = _stored_files(uploads)
    response = client.post(step_url(organisation, "partnerovereenkomst"), data={"statement": "", "submit": "y"})
    assert response.status_code == 422
    # Not handed in: the new version stays a draft (with its own copy of the file), and every file
    # on disk belongs to a version; none is left behind.
    draft = latest_submission(organisation, "partnerovereenkomst")
    assert count(StepSubmission) == 2 and draft.state is StepState.DRAFT
    assert {p.name for p in _stored_files(uploads)} == {p.name for p in before} | {
        e.stored_name for e in draft.evidence
    }
    assert len(_stored_files(uploads)) == count(Evidence)


# --- review decisions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "feedback,message",
    [
        ("", "Schrijf wat er moet veranderen."),
        ("   \n\t  ", "Schrijf wat er moet veranderen."),
        ("\x01\x02", "Schrijf wat er moet veranderen."),
        ("f" * 20_000, "Veld mag niet langer zijn dan 5000 karakters."),
    ],
)
def test_request_changes_needs_usable_feedback(client, login_as, path, uploads, feedback, message):
    submission = _submitted_agreement()
    login_as(Role.STAFF)
    response = client.post(f"/review/submissions/{submission.id}/request-changes", data={"feedback": feedback})
    assert response.status_code == 422
    assert message in _page(response)
    db.session.expire_all()
    assert submission.state is StepState.SUBMITTED and submission.feedback is None
    assert _decisions() == 0


def test_request_changes_without_the_field_is_refused(client, login_as, path, uploads):
    submission = _submitted_agreement()
    login_as(Role.STAFF)
    response = client.post(f"/review/submissions/{submission.id}/request-changes")
    assert response.status_code == 422
    assert "Schrijf wat er moet veranderen." in _page(response)
    db.session.expire_all()
    assert submission.state is StepState.SUBMITTED


def test_approve_with_an_overlong_note_is_refused(client, login_as, path, uploads):
    submission = _submitted_agreement()
    login_as(Role.STAFF)
    response = client.post(f"/review/submissions/{submission.id}/approve", data={"note": "n" * 20_000})
    assert response.status_code == 422
    assert "Veld mag niet langer zijn dan 5000 karakters." in _page(response)
    db.session.expire_all()
    assert submission.state is StepState.SUBMITTED and _decisions() == 0
    assert submission.progress.organisation.status is OrganisationStatus.APPLICANT


@pytest.mark.parametrize("submission_id", ["999999", "0", "-1", "abc", "1.5", "2147483647"])
def test_decisions_on_a_submission_that_does_not_exist_give_404(client, login_as, path, submission_id):
    login_as(Role.STAFF)
    assert client.get(f"/review/submissions/{submission_id}").status_code == 404
    assert client.post(f"/review/submissions/{submission_id}/approve").status_code == 404
    assert (
        client.post(f"/review/submissions/{submission_id}/request-changes", data={"feedback": "x"}).status_code == 404
    )
    assert count(AuditEvent) == 0


def test_decisions_on_a_draft_give_409(client, login_as, path, uploads):
    partner = factories.PartnerUserFactory()
    journey.save_draft(partner, partner.organisation, "partnerovereenkomst", journey.StepInput(statement="Concept"))
    db.session.commit()
    draft = latest_submission(partner.organisation, "partnerovereenkomst")
    login_as(Role.STAFF)
    assert client.post(f"/review/submissions/{draft.id}/approve").status_code == 409
    assert client.post(f"/review/submissions/{draft.id}/request-changes", data={"feedback": "x"}).status_code == 409
    db.session.expire_all()
    assert draft.state is StepState.DRAFT and _decisions() == 0


@pytest.mark.parametrize(
    "first,second",
    [
        ("approve", "approve"),
        ("approve", "request-changes"),
        ("request-changes", "approve"),
        ("request-changes", "request-changes"),
    ],
)
def test_a_second_decision_on_the_same_submission_gives_409(client, login_as, path, uploads, first, second):
    submission = _submitted_agreement()
    login_as(Role.STAFF)
    assert client.post(f"/review/submissions/{submission.id}/{first}", data={"feedback": "Eerste"}).status_code == 302
    response = client.post(f"/review/submissions/{submission.id}/{second}", data={"feedback": "Tweede"})
    assert response.status_code == 409
    assert "Over deze inzending is intussen al beslist door een collega" in _page(response)
    db.session.expire_all()
    expected = StepState.APPROVED if first == "approve" else StepState.CHANGES_REQUESTED
    assert submission.state is expected and submission.progress.state is expected
    assert submission.feedback == (None if first == "approve" else "Eerste")
    assert _decisions() == 1


@pytest.mark.parametrize("step_key", ["bestaat-niet", "INSPIRATIESESSIE", "x" * 300])
def test_recording_an_unknown_step_gives_404(client, login_as, path, dordrecht, step_key):
    login_as(Role.STAFF)
    organisation = factories.OrganisationFactory(municipality=dordrecht)
    response = client.post(
        f"/review/organisations/{organisation.id}/steps/{step_key}/record", data={"note": "Gehouden"}
    )
    assert response.status_code == 404
    assert count(StepSubmission) == count(AuditEvent) == 0


def test_recording_a_step_that_is_not_staff_recorded_or_too_early_gives_409(client, login_as, path, dordrecht):
    staff = login_as(Role.STAFF)
    partner = factories.PartnerUserFactory(organisation__municipality=dordrecht)
    organisation = partner.organisation
    base = f"/review/organisations/{organisation.id}/steps"

    response = client.post(f"{base}/partnerovereenkomst/record", data={"note": "Getekend ontvangen"})
    assert response.status_code == 409
    assert "Deze beslissing is in de huidige stand niet mogelijk." in _page(response)
    response = client.post(f"{base}/inspiratiesessie/record", data={"note": "Gehouden"})
    assert response.status_code == 409
    assert "Rond eerst de stap ‘Inventarisatie’ af." in _page(response)
    assert count(StepSubmission) == count(AuditEvent) == 0

    response = client.post(f"{base}/inspiratiesessie/record", data={"note": ""})
    assert response.status_code == 422
    assert "Schrijf kort wat er is gebeurd." in _page(response)

    _approve_first_steps(partner, staff)
    before = count(AuditEvent)
    assert client.post(f"{base}/inspiratiesessie/record", data={"note": "Gehouden op 3 maart"}).status_code == 302
    again = client.post(f"{base}/inspiratiesessie/record", data={"note": "Nog een keer"})
    assert again.status_code == 409
    assert count(StepSubmission, StepSubmission.statement == "Nog een keer") == 0
    assert count(AuditEvent) > before


@pytest.mark.parametrize("action", ["revoke", "withdraw"])
@pytest.mark.parametrize("reason", ["", "   ", "r" * 20_000])
def test_revoke_and_withdraw_need_a_usable_reason(client, login_as, path, dordrecht, action, reason):
    staff = login_as(Role.STAFF)
    organisation = factories.OrganisationFactory(municipality=dordrecht, status=OrganisationStatus.WORKING_TOWARD_LABEL)
    award_or_renew_label(staff, organisation)
    db.session.commit()
    before = count(AuditEvent)
    response = client.post(f"/review/organisations/{organisation.id}/{action}", data={"reason": reason})
    assert response.status_code == 422
    assert ("Geef een reden." if not reason.strip() else "Veld mag niet langer zijn dan 5000 karakters.") in _page(
        response
    )
    db.session.expire_all()
    assert organisation.status is OrganisationStatus.LABELLED and organisation.label_revoked_reason is None
    assert count(AuditEvent) == before


@pytest.mark.parametrize(
    "status",
    [
        OrganisationStatus.APPLICANT,
        OrganisationStatus.PARTNER,
        OrganisationStatus.WORKING_TOWARD_LABEL,
        OrganisationStatus.WITHDRAWN,
    ],
)
def test_revoking_where_there_is_no_label_gives_409(client, login_as, path, dordrecht, status):
    login_as(Role.STAFF)
    organisation = factories.OrganisationFactory(municipality=dordrecht, status=status)
    response = client.post(
        f"/review/organisations/{organisation.id}/revoke", data={"reason": "Afspraken niet nagekomen"}
    )
    assert response.status_code == 409
    assert "Deze organisatie heeft geen label om in te trekken." in _page(response)
    db.session.expire_all()
    assert organisation.status is status and organisation.label_revoked_on is None
    assert count(AuditEvent) == 0


@pytest.mark.parametrize("action", ["revoke", "withdraw", "steps/inspiratiesessie/record"])
def test_organisation_actions_on_an_unknown_organisation_give_404(client, login_as, path, action):
    login_as(Role.STAFF)
    for organisation_id in ("999999", "0", "abc", "-1"):
        response = client.post(f"/review/organisations/{organisation_id}/{action}", data={"reason": "x", "note": "x"})
        assert response.status_code == 404
    assert count(AuditEvent) == 0


def test_revoking_a_label_that_is_already_revoked_gives_409(client, login_as, path, dordrecht):
    staff = login_as(Role.STAFF)
    organisation = factories.OrganisationFactory(municipality=dordrecht, status=OrganisationStatus.WORKING_TOWARD_LABEL)
    award_or_renew_label(staff, organisation)
    db.session.commit()
    assert (
        client.post(f"/review/organisations/{organisation.id}/revoke", data={"reason": "Eerste reden"}).status_code
        == 302
    )
    again = client.post(f"/review/organisations/{organisation.id}/revoke", data={"reason": "Tweede reden"})
    db.session.expire_all()
    assert organisation.label_revoked_reason == "Eerste reden"
    assert count(AuditEvent, AuditEvent.action == AuditAction.LABEL_REVOKED) == 1
    assert again.status_code == 409


@pytest.mark.parametrize(
    "url",
    [
        "/review/submissions/99999999999999999999999",
        "/organisations/99999999999999999999999/steps/partnerovereenkomst",
        "/organisations/{organisation_id}/evidence/99999999999999999999999",
    ],
)
def test_ids_beyond_the_integer_range_give_404(client, login_as, path, url):
    organisation = factories.OrganisationFactory()
    login_as(Role.STAFF)
    assert client.get(url.format(organisation_id=organisation.id)).status_code == 404
