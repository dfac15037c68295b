"""Fresh figures: which commits ask the worker for a refresh, and how bursts coalesce. (The worker
itself, in another process, is in tests/workers/test_fresh_figures.py.)"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from impactnet.accounts.models import Role
from impactnet.database import local_today
from impactnet.extensions import cache, db
from impactnet.organisations.models import Organisation
from impactnet.organisations.models import OrganisationStatus as Status
from impactnet.stats import refresh
from impactnet.stats.models import GrowthSnapshot
from tests import factories
from tests.helpers import login_client


@pytest.fixture
def kicks(monkeypatch):
    """The refresh tasks sent to the broker (none really sent), the pending marker gone first."""
    sent = []
    monkeypatch.setattr(refresh, "send_by_name", lambda name, **options: sent.append((name, options)))
    cache.delete(refresh.PENDING_KEY)
    yield sent
    cache.delete(refresh.PENDING_KEY)


def _worker_ran() -> None:
    """What the task does: the marker first, then today's figures."""
    from workers.tasks import refresh_figures

    refresh_figures.run()


def test_a_status_change_asks_for_one_refresh_after_the_commit(kicks, dordrecht):
    organisation = factories.OrganisationFactory(municipality=dordrecht, status=Status.APPLICANT)
    db.session.commit()
    assert kicks == [(refresh.REFRESH_TASK, {"countdown": 1})]
    _worker_ran()
    organisation.status = Status.PARTNER
    db.session.flush()
    assert len(kicks) == 1  # not before the commit
    db.session.commit()
    assert len(kicks) == 2


def test_writes_that_change_no_figure_ask_for_nothing(kicks, dordrecht, client):
    organisation = factories.OrganisationFactory(municipality=dordrecht)
    user = factories.PartnerUserFactory(organisation=organisation)
    db.session.commit()
    _worker_ran()
    kicks.clear()
    organisation.website = "https://example.nl"
    db.session.commit()
    login_client(client, user)
    assert client.get("/dashboard").status_code == 200
    db.session.rollback()
    organisation.status = Status.PARTNER
    db.session.flush()
    db.session.rollback()  # rolled back: nothing changed
    db.session.commit()
    assert kicks == []


def test_a_burst_of_500_status_changes_runs_a_bounded_number_of_refreshes(kicks, dordrecht):
    organisations = factories.OrganisationFactory.create_batch(500, municipality=dordrecht, status=Status.APPLICANT)
    db.session.commit()
    ran = 0
    for n, organisation in enumerate(organisations):
        organisation.status = Status.PARTNER
        db.session.commit()  # 500 commits, each its own transaction
        if n in (199, 399):  # the worker takes the pending refresh twice during the burst
            _worker_ran()
            ran += 1
    assert len(kicks) == 3  # one before each of the two runs, one for the commits after the last
    _worker_ran()
    today = db.session.scalar(
        sa.select(GrowthSnapshot.partners).where(
            GrowthSnapshot.scope_key == dordrecht.id, GrowthSnapshot.day == local_today()
        )
    )
    assert today == 500


def test_a_bulk_statement_on_organisations_asks_for_a_refresh(kicks, dordrecht):
    factories.OrganisationFactory.create_batch(3, municipality=dordrecht)
    db.session.commit()
    _worker_ran()
    kicks.clear()
    db.session.execute(sa.update(Organisation).values(status=Status.PARTNER))
    db.session.commit()
    assert len(kicks) == 1


def test_an_unreachable_broker_leaves_no_marker_behind(monkeypatch, dordrecht, caplog):
    def away(name, **options):
        raise ConnectionError("broker away")

    monkeypatch.setattr(refresh, "send_by_name", away)
    cache.delete(refresh.PENDING_KEY)
    factories.OrganisationFactory(municipality=dordrecht)
    db.session.commit()  # the commit stands
    assert "figures refresh at the next run" in caplog.text
    assert not cache.has(refresh.PENDING_KEY)  # the next commit asks again


def test_a_label_award_shows_in_the_figures_once_the_refresh_ran(kicks, app, dordrecht, login_as):
    organisations = factories.OrganisationFactory.create_batch(
        2, municipality=dordrecht, status=Status.WORKING_TOWARD_LABEL
    )
    db.session.commit()
    _worker_ran()
    staff = app.test_client()
    login_client(staff, factories.UserFactory(role=Role.STAFF))
    assert '"labelled": 0' in staff.get("/api/v1/regions").get_data(as_text=True).replace('":0', '": 0')
    organisations[0].status = Status.LABELLED
    db.session.commit()
    assert kicks
    _worker_ran()
    assert '"labelled": 1' in staff.get("/api/v1/regions").get_data(as_text=True).replace('":1', '": 1')
