"""The import: dry run, errors per row, the history it creates, idempotence, hostile files (service and CLI)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.extensions import db
from impactnet.imports.services import ImportFileError, dry_run, run_import
from impactnet.journey.models import StepProgress, StepState
from impactnet.organisations.models import Organisation, OrganisationStatus
from impactnet.stats.models import GrowthSnapshot
from tests import factories

SAMPLE = Path(__file__).with_name("sample_import.csv")
TODAY = date(2026, 1, 10)
HEADER = (
    "kvk_nummer;naam;gemeente;adres;postcode;plaats;sector;grootte;contactpersoon;email;overeenkomst_getekend;"
    "inventarisatie;inspiratiesessie;impactplan;label_toegekend;label_geldig_tot"
)


def csv(*lines: str) -> bytes:
    return ("\n".join((HEADER, *lines)) + "\n").encode()


def row(kvk="90000010", name="Test BV", municipality="Dordrecht", agreement="2024-01-01", rest=";;;;", email=""):
    return f"{kvk};{name};{municipality};Straat 1;3311 AB;Dordrecht;bouw;2-9;Jan;{email};{agreement};{rest}"


@pytest.fixture
def world(app, dordrecht, zwijndrecht, path):
    return factories.UserFactory(role="staff")


def test_the_sample_file_imports_with_its_history(world, app):
    with app.test_request_context():
        preview, outcome = run_import(world, SAMPLE.read_bytes(), SAMPLE.name, invite=False, today=TODAY)
    db.session.commit()
    assert preview.plan.errors == 0 and outcome.created == 5
    bakery = db.session.scalar(sa.select(Organisation).where(Organisation.kvk_number == "90000001"))
    assert bakery.status is OrganisationStatus.LABEL_EXPIRED  # valid until 2024-12-01, before TODAY
    assert bakery.label_awarded_on == date(2022, 12, 1)
    assert (
        db.session.scalar(sa.select(Organisation.kvk_number).where(Organisation.name == "Logistiek Drechtsteden"))
        == "00123456"
    )
    states = db.session.scalars(sa.select(StepProgress.state).where(StepProgress.organisation_id == bakery.id)).all()
    assert states == [StepState.APPROVED] * 5
    imported = db.session.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.action == AuditAction.ORGANISATION_IMPORTED, AuditEvent.organisation_id == bakery.id
        )
    )
    assert imported.after["file"] == "sample_import.csv" and len(imported.after["sha256"]) == 64
    # The growth history starts at the first agreement: a partner on 2022-03-15 counts from then.
    first = db.session.scalar(sa.select(sa.func.min(GrowthSnapshot.day)))
    assert first == date(2022, 3, 15)


def test_running_it_twice_changes_nothing(world, app):
    with app.test_request_context():
        run_import(world, SAMPLE.read_bytes(), SAMPLE.name, invite=False, today=TODAY)
        db.session.commit()
        events = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
        _preview, outcome = run_import(world, SAMPLE.read_bytes(), SAMPLE.name, invite=False, today=TODAY)
    db.session.commit()
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, 5)
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == events


def test_a_changed_detail_is_an_update(world, app):
    with app.test_request_context():
        run_import(world, csv(row()), "a.csv", invite=False, today=TODAY)
        preview, outcome = run_import(world, csv(row(name="Test BV Nieuw")), "b.csv", invite=False, today=TODAY)
    assert outcome.updated == 1 and preview.plan.rows[0].changes == {"name": ("Test BV", "Test BV Nieuw")}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (row(kvk="1234567890"), "Ongeldig KvK-nummer"),
        (row(municipality="Atlantis"), "Onbekende gemeente"),
        (row(agreement="2027-01-01"), "in de toekomst"),
        (row(agreement="morgen"), "is geen datum"),
        (row(agreement=""), "partnerovereenkomst ontbreekt"),
        (row(rest=";;;;2025-01-01"), "label_toegekend niet"),  # rest: inventory;session;plan;label;valid until
        (row(rest="2024-02-01;2024-03-01;2024-04-01;2024-05-01;2024-04-01"), "Het label eindigt"),
        (row(rest=";;2024-04-01;;"), "een eerdere stap niet"),
        (row(rest="2023-01-01;;;;"), "vóór de vorige stap"),
        (row(name='=HYPERLINK("http://evil")'), "Formule"),
        (row(email="geen-adres"), "Ongeldig e-mailadres"),
    ],
)
def test_row_errors(world, app, line, message):
    preview = dry_run(csv(line), "x.csv", TODAY)
    assert preview.plan.rows[0].action == "error"
    assert any(message in str(error) for error in preview.plan.rows[0].errors), preview.plan.rows[0].errors


def test_duplicates_in_the_file_and_with_a_registered_organisation(world, app, dordrecht):
    factories.OrganisationFactory(kvk_number="90000020", municipality=dordrecht)
    db.session.commit()
    preview = dry_run(csv(row(), row(name="Dubbel"), row(kvk="90000020")), "x.csv", TODAY)
    errors = [" ".join(map(str, r.errors)) for r in preview.plan.rows]
    assert errors[0] == "" and "staat ook in rij 2" in errors[1] and "via het portaal" in errors[2]
    with pytest.raises(ValueError), app.test_request_context():
        from impactnet.imports.applying import Source, apply_plan

        apply_plan(world, preview.plan.rows, Source("x", "0" * 64), invite=False)


def test_an_error_imports_nothing(world, app):
    with app.test_request_context():
        _preview, outcome = run_import(world, csv(row(), row(kvk="x")), "x.csv", invite=False, today=TODAY)
    assert outcome is None and db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 0


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "plaatje.csv", "geen CSV- of Excel-bestand"),
        (b"PK\x03\x04rommel", "lijst.xlsx", "beschadigd"),
        (b"kvk;naam\n1;2\n", "lijst.csv", "mist de kolom"),
        (b"", "leeg.csv", "leeg"),
        (HEADER.encode() + b"\n", "kop.csv", "geen organisaties"),
        (b"%PDF-1.4 ...", "lijst.xlsx", "geen xlsx-bestand"),
    ],
)
def test_hostile_files_get_a_dutch_message(world, app, data, name, message):
    with pytest.raises(ImportFileError) as caught:
        dry_run(data, name, TODAY)
    assert message in str(caught.value.message)


def test_limits_on_size_and_rows(world, app):
    app.config.update(IMPORT_MAX_ROWS=3)
    try:
        with pytest.raises(ImportFileError, match="meer dan 3 rijen"):
            dry_run(csv(*(row(kvk=f"9000010{i}") for i in range(4))), "x.csv", TODAY)
    finally:
        app.config.update(IMPORT_MAX_ROWS=20_000)
    with pytest.raises(ImportFileError, match="groter dan 10 MB"):
        dry_run(b"x" * (10 * 1024 * 1024 + 1), "groot.csv", TODAY)


def test_windows_1252_is_read_with_a_notice(world, app):
    preview = dry_run(csv(row(name="Café Ëlan")).decode().encode("cp1252"), "x.csv", TODAY)
    assert preview.plan.rows[0].name == "Café Ëlan" and preview.plan.notices


def test_xlsx_with_a_formula_and_real_dates(world, app):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(";"))
    sheet.append(
        [
            90000030,
            "Excel BV",
            "dordrecht",
            "Straat 1",
            "3311AB",
            "Dordrecht",
            "Bouw en installatie",
            "2-9",
            "",
            "",
            date(2024, 1, 1),
        ]
    )
    sheet.append(
        [90000031, "=1+1", "Dordrecht", "Straat 1", "3311 AB", "Dordrecht", "bouw", "2-9", "", "", date(2024, 1, 1)]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    preview = dry_run(buffer.getvalue(), "lijst.xlsx", TODAY)
    assert [r.action for r in preview.plan.rows] == ["create", "error"]
    assert preview.plan.rows[0].steps == {"partnerovereenkomst": date(2024, 1, 1)}


def test_invitations_only_when_ticked(world, app, mailbox):
    from impactnet.mail.models import OutboxMail

    with app.test_request_context():
        run_import(world, csv(row(email="jan@test.example")), "x.csv", invite=False, today=TODAY)
        assert db.session.scalar(sa.select(sa.func.count(OutboxMail.id))) == 0
        run_import(world, csv(row(kvk="90000011", email="piet@test.example")), "y.csv", invite=True, today=TODAY)
        assert db.session.scalar(sa.select(sa.func.count(OutboxMail.id))) == 1


def test_cli_dry_run_then_apply(world, app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import-organisations", str(SAMPLE)])
    assert result.exit_code == 0 and "Dry run: 5 new" in result.output
    assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 0
    result = runner.invoke(args=["import-organisations", str(SAMPLE), "--apply", "--as", world.email])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 5
