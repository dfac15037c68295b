"""Whole pages kept per session (impactnet/core/response_cache.py): served before Flask, its hooks, the
view and its access checks run, so each test shows that what those decide still holds: a kept page is
for its own session only, never after a sign-out, a deactivation or the sign-in's expiry, never with a
message that is to be shown once, and its form tokens are the session's own."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from impactnet.accounts.models import Role, User
from impactnet.accounts.services import set_active
from impactnet.accounts.sessions import lifetime
from impactnet.core import response_cache
from impactnet.database import utcnow
from impactnet.extensions import db, login_manager
from impactnet.organisations.models import Organisation
from tests import factories
from tests.helpers import login_client

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
DASHBOARD = "/municipalities/dordrecht"


@pytest.fixture
def loads(monkeypatch):
    """How often Flask-Login asked for the signed-in user: a page served kept asks for none."""
    calls = []
    original = login_manager._user_callback

    def counting(token):
        calls.append(token)
        return original(token)

    monkeypatch.setattr(login_manager, "_user_callback", counting)
    return calls


def _page(client, path: str = DASHBOARD) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def _signed_in(app, user) -> tuple:
    """A client signed in as ``user`` that has been on a page (which gave its session a form token
    secret, so the session cookie changed: that first page is not kept)."""
    client = app.test_client()
    token = login_client(client, user)
    client.get("/directory")
    return client, token


def test_a_kept_page_is_its_own_sign_ins_and_nobody_elses(app, dordrecht, loads):
    viewer = factories.MunicipalityUserFactory(municipality=dordrecht, name="Vera Viewer")
    staff = factories.UserFactory(role=Role.STAFF, name="Stijn Staf")
    clients = {user.name: _signed_in(app, user)[0] for user in (viewer, staff)}
    loads.clear()
    first = {name: _page(client) for name, client in clients.items()}
    assert len(loads) == 2
    second = {name: _page(client) for name, client in clients.items()}
    assert len(loads) == 2  # both served kept: the user was not even read
    for name, other in (("Vera Viewer", "Stijn Staf"), ("Stijn Staf", "Vera Viewer")):
        assert name in second[name] and other not in second[name]
        assert TOKEN.sub("", second[name]) == TOKEN.sub("", first[name])
    # The same person signed in on another device: a sign-in of its own, not the other one's page.
    elsewhere, _token = _signed_in(app, viewer)
    loads.clear()
    _page(elsewhere)
    assert len(loads) == 1


def test_each_sign_in_gets_its_own_form_tokens_and_they_work(make_app, dordrecht):
    app = make_app(WTF_CSRF_ENABLED=True)
    viewer = factories.MunicipalityUserFactory(municipality=dordrecht)
    (one, _), (two, _) = _signed_in(app, viewer), _signed_in(app, viewer)
    tokens = {}
    for name, client in (("one", one), ("two", two)):
        _page(client)
        tokens[name] = TOKEN.search(_page(client)).group(1)  # the kept page's
    assert tokens["one"] != tokens["two"]
    assert one.post("/language", data={"locale": "en", "csrf_token": tokens["two"]}).status_code == 400
    assert one.post("/language", data={"locale": "en", "csrf_token": tokens["one"]}).status_code == 302
    assert 'lang="en"' in _page(one)  # the language chosen is part of the key: not the Dutch page
    assert 'lang="nl"' in _page(two)


def test_after_signing_out_the_old_cookie_gets_no_kept_page(app, dordrecht):
    viewer = factories.MunicipalityUserFactory(municipality=dordrecht)
    client, _token = _signed_in(app, viewer)
    _page(client)
    _page(client)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    assert client.post("/logout").status_code == 302
    stolen = app.test_client()
    stolen.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    response = stolen.get(DASHBOARD)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_deactivation_in_another_process_ends_the_kept_page(app, other_process, dordrecht):
    viewer = factories.MunicipalityUserFactory(municipality=dordrecht)
    admin = factories.UserFactory(role=Role.ADMIN)
    client, _token = _signed_in(app, viewer)
    _page(client)
    _page(client)
    viewer_id, admin_id = viewer.id, admin.id
    with other_process.app_context():
        set_active(db.session.get(User, admin_id), db.session.get(User, viewer_id), False)
        db.session.commit()
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_another_municipality_is_refused_whatever_was_kept(app, dordrecht, zwijndrecht):
    viewer = factories.MunicipalityUserFactory(municipality=dordrecht)
    client, _token = _signed_in(app, viewer)
    _page(client)
    _page(client)
    assert client.get("/municipalities/zwijndrecht").status_code == 403
    assert client.get("/municipalities/zwijndrecht").status_code == 403


def test_a_kept_page_ends_with_its_sign_in(app, monkeypatch, dordrecht, loads):
    viewer = factories.MunicipalityUserFactory(municipality=dordrecht)
    client, _token = _signed_in(app, viewer)
    loads.clear()
    _page(client)
    _page(client)
    assert len(loads) == 1
    later = utcnow() + lifetime(False) + timedelta(minutes=1)
    from impactnet.accounts import sessions, signed_in

    for module in (response_cache, sessions, signed_in):
        monkeypatch.setattr(module, "utcnow", lambda: later)
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert len(loads) == 2  # not served kept: the view's own check said the sign-in is over


def test_a_message_to_show_once_is_shown_once(app, dordrecht):
    viewer = factories.MunicipalityUserFactory(municipality=dordrecht)
    client, _token = _signed_in(app, viewer)
    _page(client)
    _page(client)
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Eenmalig bericht")]
    assert "Eenmalig bericht" in _page(client)
    assert "Eenmalig bericht" not in _page(client)


def test_the_partner_dashboard_follows_a_change_made_in_another_process(app, other_process, dordrecht, loads):
    organisation = factories.OrganisationFactory(municipality=dordrecht, name="Bakkerij Oud")
    partner = factories.PartnerUserFactory(organisation=organisation)
    client, _token = _signed_in(app, partner)
    loads.clear()
    assert "Bakkerij Oud" in _page(client, "/dashboard")
    assert "Bakkerij Oud" in _page(client, "/dashboard")
    assert len(loads) == 1
    organisation_id = organisation.id
    with other_process.app_context():
        db.session.get(Organisation, organisation_id).name = "Bakkerij Nieuw"
        db.session.commit()
    db.session.rollback()  # the test's own session, which the test client's requests share, reads anew
    page = _page(client, "/dashboard")
    assert "Bakkerij Nieuw" in page and "Bakkerij Oud" not in page
