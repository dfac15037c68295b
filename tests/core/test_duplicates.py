"""The helpers that let a request meet a row a parallel request inserted, without losing its transaction."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from impactnet.core.duplicates import insert_missing_rows, insert_unless_duplicate
from impactnet.extensions import db
from impactnet.regions.models import Municipality, Target
from tests.helpers import count

JOINED = date(2025, 1, 1)


def test_a_refused_duplicate_leaves_the_rest_of_the_transaction(dordrecht):
    db.session.add(Municipality(name="Zwijndrecht", slug="zwijndrecht", joined_on=JOINED))  # pending before the attempt
    assert insert_unless_duplicate(lambda: Municipality(name="Dordrecht", slug="dordrecht-2", joined_on=JOINED)) is None
    made = insert_unless_duplicate(lambda: Municipality(name="Sliedrecht", slug="sliedrecht", joined_on=JOINED))
    assert made is not None and made.id is not None
    db.session.commit()
    assert sorted(db.session.scalars(sa.select(Municipality.slug))) == ["dordrecht", "sliedrecht", "zwijndrecht"]


def test_rows_written_in_a_savepoint_go_back_with_the_transaction(app):
    """SQLite: a SAVEPOINT after reads only would start a transaction of its own, committed by its
    RELEASE; the session's rollback must still undo the row."""
    assert count(Municipality) == 0  # reads only, so far
    assert insert_unless_duplicate(lambda: Municipality(name="Sliedrecht", slug="sliedrecht", joined_on=JOINED))
    db.session.rollback()
    with db.engine.connect() as other:
        assert other.scalar(sa.select(sa.func.count()).select_from(Municipality)) == 0


def test_other_integrity_errors_are_not_taken_for_a_duplicate(app):
    with pytest.raises(IntegrityError):  # a foreign key to no municipality
        insert_unless_duplicate(lambda: Target(municipality_id=987654, year=2026, partners_wanted=1, labelled_wanted=0))
    db.session.rollback()


def test_insert_missing_rows_skips_the_existing_ones(dordrecht):
    insert_missing_rows(
        Municipality.__table__,
        [
            {"name": "Dordrecht", "slug": "dordrecht", "joined_on": JOINED},
            {"name": "Sliedrecht", "slug": "sliedrecht", "joined_on": JOINED},
        ],
        keys=("slug",),
    )
    db.session.commit()
    assert sorted(db.session.scalars(sa.select(Municipality.slug))) == ["dordrecht", "sliedrecht"]
