"""A label reads expired from the day after its last valid day, before the nightly scan stores that:
one rule (Organisation.label_ended), which Python and SQL must answer alike."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from impactnet.extensions import db
from impactnet.organisations.models import Organisation
from impactnet.organisations.models import OrganisationStatus as Status
from tests import factories

LAST_DAY = date(2026, 6, 30)


@pytest.mark.parametrize(
    "status, valid_until, day, ended",
    [
        (Status.LABELLED, LAST_DAY, LAST_DAY - timedelta(days=1), False),
        (Status.LABELLED, LAST_DAY, LAST_DAY, False),  # its last valid day
        (Status.LABELLED, LAST_DAY, LAST_DAY + timedelta(days=1), True),
        (Status.LABELLED, None, LAST_DAY, False),  # no end date stored
        (Status.LABEL_EXPIRED, LAST_DAY, LAST_DAY + timedelta(days=1), False),  # stored as expired already
        (Status.LABEL_REVOKED, LAST_DAY, LAST_DAY + timedelta(days=1), False),
        (Status.PARTNER, LAST_DAY, LAST_DAY + timedelta(days=1), False),
    ],
)
def test_python_and_sql_answer_alike(status, valid_until, day, ended):
    organisation = factories.OrganisationFactory(status=status, label_valid_until=valid_until)
    assert organisation.label_ended(day) is ended
    in_sql = db.session.scalar(
        sa.select(sa.func.count()).where(Organisation.id == organisation.id, Organisation.label_ended(day))
    )
    assert in_sql == int(ended)
    assert organisation.shown_status(day) is (Status.LABEL_EXPIRED if ended else status)
