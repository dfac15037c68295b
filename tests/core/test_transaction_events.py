"""What must happen only when the whole transaction ends (files deleted or kept, a cache generation
renewed) is not set off by a savepoint: SQLAlchemy's "after_commit" fires when a savepoint is
released and "after_rollback" when one is rolled back. A refused hand-in inside a savepoint once
deleted the file copied into the draft that the request then committed."""

from __future__ import annotations

import sqlalchemy as sa

from impactnet.core.kept import KEPT
from impactnet.extensions import db
from impactnet.journey import evidence as files
from impactnet.regions.models import Municipality
from tests import factories


def _file(organisation_id: int, name: str):
    path = files.stored_path(organisation_id, name)
    path.write_bytes(b"%PDF-1.4")
    return path


def test_files_follow_the_whole_transaction_not_its_savepoints(app):
    organisation = factories.OrganisationFactory()
    before = _file(organisation.id, "before-the-savepoint")
    files.written_in_transaction(before)
    doomed = _file(organisation.id, "kept-for-a-while")
    savepoint = db.session.begin_nested()
    inside = _file(organisation.id, "written-in-a-savepoint-that-fails")
    files.written_in_transaction(inside)
    files.delete_after_commit(organisation.id, doomed.name)
    savepoint.rollback()
    released = _file(organisation.id, "written-in-a-savepoint-that-is-released")
    with db.session.begin_nested():
        files.written_in_transaction(released)
        files.delete_after_commit(organisation.id, before.name)
    assert before.exists() and released.exists()  # the savepoint's release deleted nothing yet
    assert not inside.exists()  # its rows went with the savepoint
    db.session.commit()
    assert not before.exists()  # deleted by the whole transaction's commit
    assert released.exists() and doomed.exists()  # written for rows that stay; its deletion was rolled back


def test_a_rolled_back_savepoint_keeps_the_transactions_earlier_write_for_the_kept_generation(app):
    version = KEPT.generation()
    db.session.add(Municipality(name="Papendrecht", slug="papendrecht", joined_on=sa.func.current_date()))
    db.session.flush()
    try:
        with db.session.begin_nested():
            db.session.add(Municipality(name="Papendrecht", slug="papendrecht-2", joined_on=sa.func.current_date()))
            db.session.flush()  # the name is taken: the savepoint is rolled back
    except sa.exc.IntegrityError:
        pass
    db.session.commit()
    assert KEPT.generation() != version
