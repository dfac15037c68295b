"""Every route against every role: who gets in, who is turned away.

A new route fails this test until it is added to ACCESS, so no route can
ship without an explicit decision about who may use it.
"""
from __future__ import annotations

import pytest

from impactnet.accounts.models import Role
from tests import factories

VISITOR, PARTNER, PARTNER_OTHER, VIEWER, VIEWER_OTHER, STAFF, ADMIN = (
    "visitor", "partner of this organisation", "partner of another organisation",
    "municipality viewer of this municipality", "municipality viewer of another municipality", "staff", "admin",
)
ROLES = (VISITOR, PARTNER, PARTNER_OTHER, VIEWER, VIEWER_OTHER, STAFF, ADMIN)
EVERYONE = set(ROLES)
SIGNED_IN = EVERYONE - {VISITOR}
STAFF_ONLY = {STAFF, ADMIN}

# endpoint -> roles allowed (for every method the route accepts)
ACCESS = {
    "core.home": EVERYONE,
    "core.healthz": EVERYONE,
    "core.dashboard": SIGNED_IN,
    "accounts.register": EVERYONE,
    "accounts.login": EVERYONE,
    "accounts.logout": EVERYONE,
    "accounts.verify_email": EVERYONE,
    "accounts.resend_verification": SIGNED_IN,
    "accounts.request_password_reset": EVERYONE,
    "accounts.reset_password": EVERYONE,
    "accounts.accept_invitation": EVERYONE,
    "accounts.change_password": SIGNED_IN,
    "admin.users": {ADMIN},
    "admin.invite_user": {ADMIN},
    "admin.toggle_active": {ADMIN},
    "organisations.index": STAFF_ONLY,
    "organisations.show": {PARTNER} | STAFF_ONLY,
    "organisations.edit": {PARTNER} | STAFF_ONLY,
    "regions.index": STAFF_ONLY,
    "regions.show": {VIEWER} | STAFF_ONLY,
    "regions.new": STAFF_ONLY,
    "regions.edit": STAFF_ONLY,
    "regions.save_target": STAFF_ONLY,
}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_route_has_an_access_decision(app):
    endpoints = {rule.endpoint for rule, _ in _routes(app)}
    assert endpoints == set(ACCESS), "add new routes to ACCESS (and remove gone ones)"


@pytest.fixture
def world(dordrecht, zwijndrecht):
    own = factories.OrganisationFactory(municipality=dordrecht)
    other = factories.OrganisationFactory(municipality=zwijndrecht)
    users = {
        PARTNER: factories.PartnerUserFactory(organisation=own),
        PARTNER_OTHER: factories.PartnerUserFactory(organisation=other),
        VIEWER: factories.MunicipalityUserFactory(municipality=dordrecht),
        VIEWER_OTHER: factories.MunicipalityUserFactory(municipality=zwijndrecht),
        STAFF: factories.UserFactory(role=Role.STAFF),
        ADMIN: factories.UserFactory(role=Role.ADMIN),
    }
    target_user = factories.UserFactory(role=Role.STAFF, email="doel@example.nl")
    values = {"organisation_id": own.id, "slug": dordrecht.slug, "user_id": target_user.id, "token": "not-a-token"}
    return users, values


def _outcome(response) -> str:
    if response.status_code in (403, 404):
        return "denied"
    if response.status_code == 302 and response.headers["Location"].startswith("/login"):
        return "denied"
    if response.status_code >= 500:
        return "error"
    return "allowed"


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(app, world, role):
    users, values = world
    failures = []
    for rule, method in _routes(app):
        client = app.test_client()
        if role != VISITOR:
            login_client(client, users[role])
        url = rule.build({k: v for k, v in values.items() if k in rule.arguments}, append_unknown=False)[1]
        response = client.open(url, method=method)
        expected = "allowed" if role in ACCESS[rule.endpoint] else "denied"
        if _outcome(response) != expected:
            failures.append(f"{method} {url}: expected {expected}, got {response.status_code}")
    assert not failures, f"{role}:\n" + "\n".join(failures)


def login_client(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = user.auth_token
        session["_fresh"] = True
