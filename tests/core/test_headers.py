"""The security headers, kept per view and scheme (impactnet/core/headers.py): each response still carries
exactly what Talisman itself would set for its view and scheme, however the requests are interleaved."""

from __future__ import annotations

from flask_talisman import Talisman as LibraryTalisman

from impactnet.accounts.models import Role
from impactnet.core.headers import Talisman
from impactnet.stats.region_views import SVG_POLICY
from tests import factories
from tests.helpers import login_client

SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Strict-Transport-Security",
    "Permissions-Policy",
)


def _security(response) -> dict:
    return {name: response.headers.get(name) for name in SECURITY_HEADERS}


def test_each_view_and_scheme_gets_talismans_own_headers(make_app, dordrecht):
    app = make_app(SESSION_COOKIE_SECURE=True)  # Strict-Transport-Security on, for HTTPS requests
    client = app.test_client()
    login_client(client, factories.UserFactory(role=Role.STAFF))
    requests = [
        ("/directory", "http://localhost"),
        ("/directory", "https://localhost"),
        ("/municipalities/dordrecht/growth.svg", "http://localhost"),
        ("/no-such-page", "http://localhost"),
    ]
    seen = {}
    for _round in range(2):  # the second round is served from the kept headers
        for path, base in requests:
            seen.setdefault((path, base), []).append(_security(client.get(path, base_url=base)))
    for key, (first, second) in seen.items():
        assert first == second, key
    page, secure_page = seen["/directory", "http://localhost"][0], seen["/directory", "https://localhost"][0]
    chart = seen["/municipalities/dordrecht/growth.svg", "http://localhost"][0]
    assert page["Strict-Transport-Security"] is None and secure_page["Strict-Transport-Security"]
    assert "script-src 'self'" in page["Content-Security-Policy"] and page["X-Frame-Options"] == "DENY"
    assert chart["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
    assert set(SVG_POLICY) == {"default-src", "style-src", "frame-ancestors"}
    assert seen["/no-such-page", "http://localhost"][0]["Content-Security-Policy"] == page["Content-Security-Policy"]


def test_the_headers_are_those_the_library_sets(app):
    assert isinstance(app.extensions["talisman"], Talisman)
    assert isinstance(app.extensions["talisman"], LibraryTalisman)
    with app.test_request_context("/directory"):
        kept = app.extensions["talisman"]._set_response_headers(app.response_class())
        plain = LibraryTalisman._set_response_headers(app.extensions["talisman"], app.response_class())
    assert _security(kept) == _security(plain)
