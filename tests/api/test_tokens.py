"""Municipality viewers create and revoke their own API tokens; only a hash is stored."""

import hashlib
import re

import sqlalchemy as sa

from impactnet.accounts.models import Role
from impactnet.api.models import ApiToken
from impactnet.api.services import create_token
from impactnet.extensions import db
from tests import factories
from tests.helpers import count

SERIES = "/api/v1/regions/dordrecht/series"


def created_token(page: str) -> str:
    match = re.search(r'<code id="new-token">([^<]+)</code>', page)
    assert match, "the new token is shown"
    return match.group(1)


def test_a_viewer_creates_a_token_sees_it_once_and_uses_it(app, client, login_as):
    viewer = login_as(Role.MUNICIPALITY)
    assert "API-sleutels" in client.get("/").get_data(as_text=True)
    assert client.get("/account/tokens").status_code == 200

    response = client.post("/account/tokens", data={"name": "Dashboard Economie"})

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    plain = created_token(response.get_data(as_text=True))
    token = db.session.scalar(sa.select(ApiToken))
    assert (token.user_id, token.name, token.prefix) == (viewer.id, "Dashboard Economie", plain[:8])
    assert token.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert "Dashboard Economie" in listing and plain not in listing and plain[:8] in listing
    api = app.test_client()
    assert api.get(SERIES, headers={"Authorization": f"Bearer {plain}"}).status_code == 200


def test_the_plain_token_is_nowhere_in_the_database(client, login_as):
    login_as(Role.MUNICIPALITY)
    plain = created_token(client.post("/account/tokens", data={"name": "Rapportage"}).get_data(as_text=True))
    db.session.expire_all()
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table)):
            assert not any(plain in str(value) for value in row), table.name


def test_a_token_needs_a_name(client, login_as):
    login_as(Role.MUNICIPALITY)
    for name in ("", "   ", "x" * 81):
        response = client.post("/account/tokens", data={"name": name})
        assert response.status_code == 422
        assert 'id="new-token"' not in response.get_data(as_text=True)
    assert count(ApiToken) == 0


def test_a_viewer_revokes_a_token_which_then_stops_working(app, client, login_as):
    login_as(Role.MUNICIPALITY)
    plain = created_token(client.post("/account/tokens", data={"name": "Oud"}).get_data(as_text=True))
    token = db.session.scalar(sa.select(ApiToken))

    response = client.post(f"/account/tokens/{token.id}/revoke", follow_redirects=True)

    assert response.status_code == 200 and "ingetrokken" in response.get_data(as_text=True)
    db.session.refresh(token)
    assert token.revoked_at is not None
    assert app.test_client().get(SERIES, headers={"Authorization": f"Bearer {plain}"}).status_code == 401
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 302  # again: nothing changes


def test_nobody_revokes_or_sees_another_users_token(client, login_as, dordrecht):
    owner = factories.MunicipalityUserFactory(municipality=dordrecht)
    token, _ = create_token(owner, "Van een ander")
    db.session.commit()
    login_as(Role.MUNICIPALITY)  # a colleague in the same municipality
    assert "Van een ander" not in client.get("/account/tokens").get_data(as_text=True)
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    db.session.refresh(token)
    assert token.revoked_at is None


def test_staff_and_partners_have_no_tokens(client, login_as):
    for role in (Role.STAFF, Role.PARTNER):
        login_as(role)
        assert client.get("/account/tokens").status_code == 403
        assert client.post("/account/tokens", data={"name": "x"}).status_code == 403
        assert "API-sleutels" not in client.get("/").get_data(as_text=True)
    assert count(ApiToken) == 0
