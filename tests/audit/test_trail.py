"""The audit trail itself (impactnet.audit): what :func:`record` and :func:`apply_changes` write,
how values are stored, the timeline's labels, and which events a partner's timeline leaves out."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from impactnet.accounts.models import Role
from impactnet.audit.labels import AUDIT_LABELS
from impactnet.audit.models import STAFF_ONLY_ACTIONS, AuditAction, AuditEvent
from impactnet.audit.services import apply_changes, jsonable, record, snapshot
from impactnet.extensions import db
from impactnet.organisations.models import OrganisationStatus
from impactnet.organisations.services import history
from impactnet.regions.models import Municipality
from tests import factories


def _events() -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)))


def test_every_action_has_a_label_in_the_timeline_in_both_languages():
    assert set(AUDIT_LABELS) == set(AuditAction)
    with force_locale("nl"):
        dutch = {action: str(label) for action, label in AUDIT_LABELS.items()}
    with force_locale("en"):
        english = {action: str(label) for action, label in AUDIT_LABELS.items()}
    assert all(text.strip() for text in dutch.values())
    assert dutch[AuditAction.LABEL_REVOKED] == "Label ingetrokken"
    assert english[AuditAction.LABEL_REVOKED] == "Label revoked"


def test_values_are_stored_as_json_enums_by_value_dates_in_iso_8601():
    moment = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    assert jsonable(OrganisationStatus.LABELLED) == "labelled"
    assert jsonable(date(2026, 3, 1)) == "2026-03-01"
    assert jsonable(moment) == "2026-03-01T09:30:00+00:00"
    assert jsonable(12) == 12 and jsonable("tekst") == "tekst" and jsonable(None) is None
    organisation = factories.OrganisationFactory(status=OrganisationStatus.PARTNER)
    assert snapshot(organisation, ("status", "kvk_number")) == {
        "status": "partner",
        "kvk_number": organisation.kvk_number,
    }


def test_record_flushes_a_new_object_for_its_id_and_stores_the_system_as_no_actor():
    municipality = Municipality(name="Papendrecht", slug="papendrecht", joined_on=date(2026, 1, 1))
    db.session.add(municipality)
    event = record(None, AuditAction.MUNICIPALITY_CREATED, municipality, after={"name": "Papendrecht"})
    db.session.commit()
    [stored] = _events()
    assert stored is event
    assert municipality.id is not None
    assert (stored.object_type, stored.object_id) == ("municipalities", municipality.id)
    assert stored.actor_id is None and stored.actor is None
    assert stored.after == {"name": "Papendrecht"} and stored.before is None
    assert stored.occurred_at.tzinfo is not None


def test_record_keeps_the_actor_the_organisation_and_a_given_moment():
    staff = factories.UserFactory(role=Role.STAFF)
    organisation = factories.OrganisationFactory()
    moment = datetime(2025, 12, 31, 23, 59, tzinfo=UTC)
    record(staff, AuditAction.LABEL_AWARDED, organisation, organisation_id=organisation.id, occurred_at=moment)
    db.session.commit()
    db.session.expire_all()
    [stored] = _events()
    assert stored.actor_id == staff.id and stored.organisation_id == organisation.id
    assert stored.occurred_at == moment


def test_a_translated_note_is_stored_as_text_and_an_empty_note_as_none():
    organisation = factories.OrganisationFactory()
    with force_locale("nl"):
        record(None, AuditAction.LABEL_EXPIRED, organisation, note=_l("Label verlopen"))
    record(None, AuditAction.LABEL_EXPIRED, organisation, note="")
    db.session.commit()
    db.session.expire_all()
    first, second = _events()
    assert first.note == "Label verlopen" and isinstance(first.note, str)
    assert second.note is None


def test_apply_changes_records_only_the_fields_that_really_changed():
    staff = factories.UserFactory(role=Role.STAFF)
    municipality = factories.MunicipalityFactory(name="Sliedrecht", slug="sliedrecht")
    changed = apply_changes(
        staff, municipality, {"name": "Gemeente Sliedrecht", "slug": "sliedrecht"}, AuditAction.MUNICIPALITY_UPDATED
    )
    db.session.commit()
    assert changed is True
    [event] = _events()
    assert event.action is AuditAction.MUNICIPALITY_UPDATED and event.actor_id == staff.id
    assert event.before == {"name": "Sliedrecht"} and event.after == {"name": "Gemeente Sliedrecht"}
    assert db.session.get(Municipality, municipality.id).name == "Gemeente Sliedrecht"


def test_apply_changes_without_a_change_records_nothing():
    municipality = factories.MunicipalityFactory(name="Sliedrecht", slug="sliedrecht")
    assert apply_changes(None, municipality, {"name": "Sliedrecht"}, AuditAction.MUNICIPALITY_UPDATED) is False
    db.session.commit()
    assert _events() == []


def test_the_partners_timeline_leaves_out_st_mbos_own_bookkeeping():
    staff = factories.UserFactory(role=Role.STAFF)
    organisation = factories.OrganisationFactory()
    for action in (AuditAction.ORGANISATION_UPDATED, *sorted(STAFF_ONLY_ACTIONS)):
        record(staff, action, organisation, organisation_id=organisation.id)
    db.session.commit()
    assert {event.action for event in history(organisation)} == {AuditAction.ORGANISATION_UPDATED}
    assert {event.action for event in history(organisation, staff=True)} == {
        AuditAction.ORGANISATION_UPDATED,
        *STAFF_ONLY_ACTIONS,
    }
    assert len(history(organisation, limit=2, staff=True)) == 2
