"""Every route against every role: who gets in, who is turned away.

Who may use a route is declared once, on the view (``@access(...)``, impactnet.accounts.access);
this test reads that declaration and tries every route as every role of the world
(tests/access_world.py), the partner and viewer of *another* organisation and municipality
included. A route without a declaration fails, so no route can ship without an explicit decision
about who may use it.

Counted as allowed: any answer but 401, 403, 404 or the login page, so a form sent empty (422) or
a decision after a colleague's (409) is an allowed use that was refused on its merits. Counted as
denied: 401 (the API), 403 (the route's check), 404 (the lookup of another's object), the login page.
"""

from __future__ import annotations

import pytest

from impactnet.accounts.access import policy_for
from impactnet.accounts.models import Role
from tests.access_world import ADMIN, PARTNER, PARTNER_OTHER, STAFF, VIEWER, VIEWER_OTHER, VISITOR
from tests.helpers import login_client

ROLES = (VISITOR, PARTNER, PARTNER_OTHER, VIEWER, VIEWER_OTHER, STAFF, ADMIN)
# Each role of the world: its Role (None: signed out) and whether it owns what the routes address
# (the world's organisation, municipality and API token are the partner's and the viewer's).
ROLE_OF = {
    VISITOR: (None, True),
    PARTNER: (Role.PARTNER, True),
    PARTNER_OTHER: (Role.PARTNER, False),
    VIEWER: (Role.MUNICIPALITY, True),
    VIEWER_OTHER: (Role.MUNICIPALITY, False),
    STAFF: (Role.STAFF, True),
    ADMIN: (Role.ADMIN, True),
}


def allowed(app, endpoint: str, method: str, role: str) -> bool:
    """What the view's declaration says ``role`` may do."""
    role_of, owner = ROLE_OF[role]
    return policy_for(app.view_functions[endpoint], method).admits(role_of, owner=owner)


def _routes(app):
    """Every (rule, method); all reads before all writes, so that a write
    (deleting a file, deciding) cannot change what a later read finds."""
    pairs = [
        (rule, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]
    return sorted(pairs, key=lambda pair: pair[1] != "GET")


def test_every_route_declares_who_may_use_it(app):
    undeclared = [
        f"{method} {rule.rule}"
        for rule, method in _routes(app)
        if policy_for(app.view_functions[rule.endpoint], method) is None
    ]
    assert not undeclared, "declare with @access(...) who may use: " + ", ".join(undeclared)


def _outcome(response) -> str:
    if response.status_code in (401, 403, 404):
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
        expected = "allowed" if allowed(app, rule.endpoint, method, role) else "denied"
        if _outcome(response) != expected:
            failures.append(f"{method} {url}: expected {expected}, got {response.status_code}")
    assert not failures, f"{role}:\n" + "\n".join(failures)
