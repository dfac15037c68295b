"""Sign-ins are kept on the server: signing out ends the sign-in for every copy of its cookies
(a cookie captured before sign-out opens nothing afterwards), "remember me" has an expiry of its
own, and a user can sign out on every device."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from impactnet.accounts.models import Role, UserSession
from impactnet.database import utcnow
from impactnet.extensions import db
from tests import factories
from tests.factories import PASSWORD
from tests.helpers import count, login_client

COOKIES = ("session", "remember_token")


def _sign_in(app, email, remember=True):
    client = app.test_client()
    response = client.post(
        "/login", data={"email": email, "password": PASSWORD, **({"remember": "y"} if remember else {})}
    )
    assert response.status_code == 302
    return client


def _copy(app, client, names=COOKIES):
    """Another browser holding a copy of ``client``'s cookies (stolen, or a synced device)."""
    other = app.test_client()
    for name in names:
        cookie = client.get_cookie(name)
        if cookie is not None:
            other.set_cookie(name, cookie.value)
    return other


def _signed_in(client) -> bool:
    return client.get("/dashboard").status_code == 200


def test_after_sign_out_a_copy_of_the_session_or_remember_cookie_opens_nothing(app):
    factories.UserFactory(email="medewerker@example.nl", role=Role.STAFF)
    client = _sign_in(app, "medewerker@example.nl")
    both, remember_only = _copy(app, client), _copy(app, client, names=("remember_token",))
    assert _signed_in(both) and _signed_in(remember_only)

    assert client.post("/logout").status_code == 302
    assert not _signed_in(client)
    assert not _signed_in(both)
    assert not _signed_in(_copy(app, client, names=("remember_token",)))
    assert not _signed_in(remember_only)


def test_a_remembered_sign_in_ends_at_its_own_expiry_whatever_the_cookie_says(app):
    factories.UserFactory(email="medewerker@example.nl", role=Role.STAFF)
    client = _sign_in(app, "medewerker@example.nl")
    (row,) = db.session.scalars(sa.select(UserSession))
    assert row.remember and timedelta(days=29) < row.expires_at - utcnow() <= timedelta(days=30)
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert not _signed_in(client)
    assert not _signed_in(_copy(app, client, names=("remember_token",)))


def test_a_sign_in_without_remember_me_ends_after_the_session_hours(app):
    factories.UserFactory(email="medewerker@example.nl", role=Role.STAFF)
    client = _sign_in(app, "medewerker@example.nl", remember=False)
    assert client.get_cookie("remember_token") is None
    (row,) = db.session.scalars(sa.select(UserSession))
    assert timedelta(hours=11) < row.expires_at - utcnow() <= timedelta(hours=app.config["SESSION_HOURS"])
    assert _signed_in(client)
    row.expires_at = utcnow()
    db.session.commit()
    assert not _signed_in(client)


def test_sign_out_everywhere_ends_every_device(app):
    factories.UserFactory(email="partner@example.nl", role=Role.PARTNER, organisation=factories.OrganisationFactory())
    laptop, phone = _sign_in(app, "partner@example.nl"), _sign_in(app, "partner@example.nl", remember=False)
    page = laptop.get("/logout").get_data(as_text=True)
    assert "U bent nu op 2 apparaten ingelogd." in page and "Overal uitloggen" in page

    response = phone.post("/logout/everywhere")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert not _signed_in(phone)
    assert not _signed_in(laptop)
    assert not _signed_in(_copy(app, laptop, names=("remember_token",)))


def test_changing_the_password_ends_the_other_devices_and_keeps_this_one(app):
    factories.UserFactory(email="medewerker@example.nl", role=Role.STAFF)
    here, elsewhere = _sign_in(app, "medewerker@example.nl"), _sign_in(app, "medewerker@example.nl")
    response = here.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "password": "Nieuw-wachtwoord-2026",
            "password_repeat": "Nieuw-wachtwoord-2026",
        },
    )
    assert response.status_code == 302
    assert _signed_in(here)
    assert not _signed_in(elsewhere)


def test_deactivating_an_account_ends_its_sign_ins(app):
    user = factories.UserFactory(email="medewerker@example.nl", role=Role.STAFF)
    device = _sign_in(app, "medewerker@example.nl")
    admin = factories.UserFactory(role=Role.ADMIN)
    admin_client = app.test_client()
    login_client(admin_client, admin)
    assert admin_client.post(f"/admin/users/{user.id}/active").status_code == 302
    assert not _signed_in(device)
    assert count(UserSession, UserSession.user_id == user.id, UserSession.ended_at.is_(None)) == 0


def test_ended_and_expired_sign_ins_are_cleared_at_the_next_sign_in(app):
    factories.UserFactory(email="medewerker@example.nl", role=Role.STAFF)
    for _ in range(3):
        assert _sign_in(app, "medewerker@example.nl").post("/logout").status_code == 302
    assert count(UserSession) == 1  # the last one, ended; the earlier ones went at each sign-in
    _sign_in(app, "medewerker@example.nl")
    assert count(UserSession) == 1 and count(UserSession, UserSession.ended_at.is_(None)) == 1


def test_only_a_hash_of_the_token_is_stored(app):
    factories.UserFactory(email="medewerker@example.nl", role=Role.STAFF)
    client = _sign_in(app, "medewerker@example.nl")
    (row,) = db.session.scalars(sa.select(UserSession))
    assert client.get_cookie("remember_token").value.split("|")[0] not in row.token_hash
