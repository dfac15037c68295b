"""Anonymous answers kept before Flask (impactnet/core/response_cache.py): served only while the figures
are unchanged, only to requests without cookies or credentials, only for the host, scheme, address and
language they were made for, and with the same headers as Flask's own answer."""

from __future__ import annotations

import json

import pytest
from flask import request, request_started

from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.regions.models import Target

PATH = "/api/v1/regions"


@pytest.fixture
def handled(app):
    """The requests Flask itself handled (a kept answer is given before Flask sees the request)."""
    paths = []

    def started(sender, **_extra):
        paths.append(request.path)

    request_started.connect(started, app)
    yield paths
    request_started.disconnect(started, app)


def test_a_second_anonymous_request_is_answered_as_flask_answered_the_first(app, dordrecht, handled):
    first = app.test_client().get(PATH)
    second = app.test_client().get(PATH)
    assert handled == [PATH]
    assert second.status_code == 200 and second.get_data() == first.get_data()
    assert dict(second.headers) == dict(first.headers)
    assert "Content-Security-Policy" in second.headers and second.headers["X-Frame-Options"] == "DENY"


def test_a_change_of_the_figures_in_another_process_is_answered_at_once(app, other_process, dordrecht, handled):
    app.test_client().get(PATH)
    app.test_client().get(PATH)
    municipality_id = dordrecht.id
    with other_process.app_context():
        db.session.add(
            Target(municipality_id=municipality_id, year=local_today().year + 1, partners_wanted=999, labelled_wanted=9)
        )
        db.session.commit()
    body = json.loads(app.test_client().get(PATH).get_data())
    assert handled == [PATH, PATH]
    targets = next(m["targets"] for m in body["municipalities"] if m["slug"] == "dordrecht")
    assert any(t["year"] == local_today().year + 1 and t["partners"] == 999 for t in targets)


def test_requests_with_a_cookie_or_credentials_always_reach_flask(app, dordrecht, handled):
    app.test_client().get(PATH)
    with_cookie = app.test_client()
    with_cookie.set_cookie("session", "anything")
    with_cookie.get(PATH)
    app.test_client().get(PATH, headers={"Authorization": "Bearer nonsense"})
    assert handled == [PATH, PATH, PATH]


def test_each_host_scheme_query_and_language_is_its_own(app, dordrecht, handled):
    client = app.test_client()
    for _round in range(2):
        client.get(PATH)
        client.get(PATH + "?x=1")
        client.get(PATH, headers={"Accept-Language": "en"})
        client.get(PATH, base_url="https://portal.test")
        client.get(PATH, base_url="http://other.test")
    assert len(handled) == 5


def test_only_views_that_opt_in_and_answer_200_are_kept(app, dordrecht, handled):
    client = app.test_client()
    for _round in range(2):
        assert client.get("/api/v1/openapi.json").status_code == 200
        assert client.get("/api/v1/verify/12345678").status_code == 404
        assert client.get("/api/v1/verify/bad").status_code == 400
    assert len(handled) == 6


def test_an_untrusted_host_is_refused_though_an_answer_is_kept(make_app, dordrecht):
    app = make_app(ALLOWED_HOSTS=("portal.test",))
    with app.app_context():
        for _round in range(2):
            assert app.test_client().get(PATH, base_url="http://portal.test").status_code == 200
        assert app.test_client().get(PATH, base_url="http://evil.test").status_code == 400


def test_with_the_shared_cache_away_flask_answers_every_time(make_app, dordrecht):
    app = make_app(CACHE_TYPE="RedisCache", CACHE_REDIS_URL="redis://127.0.0.1:1/0")
    counted = []
    request_started.connect(lambda sender, **_: counted.append(1), app, weak=False)
    with app.app_context():
        for _round in range(2):
            assert app.test_client().get(PATH).status_code == 200
    assert len(counted) == 2
