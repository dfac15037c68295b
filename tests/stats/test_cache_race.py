"""The race the figures cache used to lose: a page computed from rows read before another process's
commit, stored after that commit emptied the cache, was then served stale for FIGURES_CACHE_SECONDS.
Two threads with two sessions replay it step by step; the generation read before the data closes it.
(On the cache that emptied itself after the commit, the last request below still answers 3.)"""

from __future__ import annotations

import json
import threading

import pytest

from impactnet.api import services
from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.organisations.models import OrganisationStatus as Status
from impactnet.stats.services import take_snapshots
from tests import factories


def _partners(response) -> int:
    return json.loads(response.get_data())["region"]["partners"]


@pytest.mark.commits  # the first request runs in a thread, on a connection of its own
def test_a_page_computed_before_a_commit_and_stored_after_it_is_not_served(app, monkeypatch, dordrecht):
    factories.OrganisationFactory.create_batch(3, municipality=dordrecht, status=Status.PARTNER)
    take_snapshots(local_today())
    db.session.commit()

    read, commit_done, answers = threading.Event(), threading.Event(), []
    original = services.regions_payload

    def slow_payload(now):
        payload = original(now)  # the rows are read: 3 partners
        read.set()
        assert commit_done.wait(30)  # another process commits new figures before this one stores
        return payload

    monkeypatch.setattr(services, "regions_payload", slow_payload)

    def first_request():  # its own app context, so its own session, as another worker's request
        answers.append(_partners(app.test_client().get("/api/v1/regions")))

    thread = threading.Thread(target=first_request)
    thread.start()
    assert read.wait(30)
    factories.OrganisationFactory.create_batch(2, municipality=dordrecht, status=Status.PARTNER)
    take_snapshots(local_today())
    db.session.commit()  # renews the figures' generation: the page being computed is already old
    commit_done.set()
    thread.join(30)
    assert answers == [3]  # that request answered with what it read

    monkeypatch.setattr(services, "regions_payload", original)
    assert _partners(app.test_client().get("/api/v1/regions")) == 5  # not the page stored after the commit
