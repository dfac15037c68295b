"""The layout's kept parts (impactnet/core/layout.py): rendered once per language, role and page, they
must still be right for every signed-in person and carry nothing of one person into another's page."""

from __future__ import annotations

import re

from impactnet.accounts.models import Role
from tests import factories
from tests.helpers import login_client

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def page(client, path: str = "/directory") -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_each_partner_sees_their_own_organisation_and_name(app, dordrecht):
    first, second = (factories.OrganisationFactory(municipality=dordrecht) for _ in range(2))
    alice = factories.PartnerUserFactory(organisation=first, name="Alice Eerste")
    bob = factories.PartnerUserFactory(organisation=second, name="Bob Tweede")
    pages = {}
    for _round in range(2):  # the second round is served from the kept parts
        for user in (alice, bob):
            client = app.test_client()
            login_client(client, user)
            pages[user.name] = page(client)
    alice_page, bob_page = pages["Alice Eerste"], pages["Bob Tweede"]
    assert f"/organisations/{first.id}/colleagues" in alice_page
    assert f"/organisations/{second.id}/colleagues" not in alice_page
    assert f"/organisations/{second.id}/colleagues" in bob_page
    assert f"/organisations/{first.id}/colleagues" not in bob_page
    assert "Alice Eerste" in alice_page and "Bob Tweede" not in alice_page
    assert "Bob Tweede" in bob_page and "Alice Eerste" not in bob_page
    assert first.name in alice_page and second.name not in alice_page


def test_the_menu_follows_the_role_not_the_previous_visitor(app, dordrecht):
    staff = factories.UserFactory(role=Role.STAFF)
    viewer = factories.MunicipalityUserFactory(municipality=dordrecht)
    pages = {}
    for _round in range(2):
        for key, user in (("staff", staff), ("viewer", viewer), ("visitor", None)):
            client = app.test_client()
            if user is not None:
                login_client(client, user)
            pages[key] = page(client)
    assert "Te beoordelen" in pages["staff"] and "API-sleutels" not in pages["staff"]
    assert "Te beoordelen" not in pages["viewer"] and "API-sleutels" in pages["viewer"]
    assert "Inloggen" in pages["visitor"] and "Uitloggen" not in pages["visitor"]
    assert "Te beoordelen" not in pages["visitor"] and "Ingelogd als" not in pages["visitor"]


def test_each_language_gets_its_own_layout(app, dordrecht):
    dutch = factories.UserFactory(role=Role.STAFF, locale="nl")
    english = factories.UserFactory(role=Role.STAFF, locale="en")
    pages = {}
    for _round in range(2):
        for user in (dutch, english):
            client = app.test_client()
            login_client(client, user)
            pages[user.locale] = page(client)
    assert "Uitloggen" in pages["nl"] and "Sign out" not in pages["nl"]
    assert "Sign out" in pages["en"] and "Uitloggen" not in pages["en"]
    assert "To review" in pages["en"] and "Skip to content" in pages["en"]


def test_the_current_page_is_marked_on_that_page_only(app, client, login_as):
    login_as(Role.STAFF)
    for _round in range(2):
        directory, verify = page(client, "/directory"), page(client, "/verify")
        assert re.search(r'href="/directory" aria-current="page"', directory)
        assert not re.search(r'href="/verify" aria-current="page"', directory)
        assert re.search(r'href="/verify" aria-current="page"', verify)
        assert not re.search(r'href="/directory" aria-current="page"', verify)


def test_the_language_switch_returns_to_this_page_escaped(client):
    page(client, "/directory?q=a")  # keep a footer first
    html = page(client, "/directory?q=%22%3E%3Cscript%3Ex%3C/script%3E")
    assert "<script>x" not in html
    assert 'name="next" value="/directory?q=%22%3E%3Cscript%3Ex%3C/script%3E"' in html


def test_every_session_gets_its_own_form_token(make_app, dordrecht):
    csrf_app = make_app(WTF_CSRF_ENABLED=True)
    first, second = (factories.UserFactory(role=Role.STAFF) for _ in range(2))
    clients, tokens = [], []
    for user in (first, second):
        client = csrf_app.test_client()
        login_client(client, user)
        page(client)  # keeps the parts
        html = page(client)
        found = set(TOKEN.findall(html))
        assert len(found) == 1 and "\x00" not in html  # the logout and the language form, the session's token
        clients.append(client)
        tokens.append(found.pop())
    assert tokens[0] != tokens[1]
    assert clients[0].post("/logout", data={"csrf_token": tokens[1]}).status_code == 400  # not the other's
    assert clients[0].post("/logout", data={"csrf_token": tokens[0]}).status_code == 302
