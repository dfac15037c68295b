"""Error pages after a failed statement: rolled back first, so the page (which reads the signed-in
user) renders, in Dutch, with the security headers; a unique violation no service caught is a 409."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from flask import abort
from sqlalchemy.exc import IntegrityError

from impactnet.accounts.models import Role
from impactnet.extensions import db
from impactnet.regions.models import Municipality
from tests import factories
from tests.helpers import count, login_client

CONFLICT = "Iemand anders heeft dit intussen al opgeslagen of gewijzigd."


def _insert_a_duplicate() -> None:
    """A unique violation no service caught (as a race in code without a savepoint would give)."""
    db.session.add(Municipality(name="Dordrecht", slug="dordrecht-2", joined_on=date(2025, 1, 1)))
    db.session.flush()


@pytest.fixture
def failing_app(make_app):
    """The portal with routes that fail after a refused statement (routes are added before any request)."""
    app = make_app()

    @app.route("/__duplicate")
    @app.route("/api/v1/__duplicate")
    def duplicate():
        _insert_a_duplicate()
        return "not reached"

    def swallowed_then(fail):
        def view():
            with contextlib.suppress(IntegrityError):  # caught, but the session is left needing a rollback
                _insert_a_duplicate()
            fail()

        return view

    app.add_url_rule("/__then-crash", "then_crash", swallowed_then(lambda: 1 / 0))
    app.add_url_rule("/__then-404", "then_404", swallowed_then(lambda: abort(404)))
    return app


@pytest.fixture
def staff_client(failing_app, dordrecht):
    client = failing_app.test_client()
    login_client(client, factories.UserFactory(role=Role.STAFF))  # the menu reads the user
    return client


def _assert_security_headers(response) -> None:
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_an_integrity_error_reaching_the_handler_is_a_409_page_with_the_security_headers(staff_client):
    response = staff_client.get("/__duplicate")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert CONFLICT in page
    assert "Te beoordelen" in page  # the staff menu: the page read the signed-in user after the rollback
    _assert_security_headers(response)
    assert count(Municipality) == 1  # nothing of the failed request was kept


def test_an_integrity_error_on_an_api_path_is_a_409_in_json(staff_client):
    response = staff_client.get("/api/v1/__duplicate")
    assert response.status_code == 409
    body = response.get_json()
    assert body["status"] == 409 and CONFLICT in body["error"]
    _assert_security_headers(response)


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/__then-crash", 500, "Er ging iets mis aan onze kant."),
        ("/__then-404", 404, "Deze pagina bestaat niet (meer)."),
    ],
)
def test_every_error_page_renders_after_a_refused_statement(staff_client, url, status, message):
    response = staff_client.get(url)
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert message in page and "Te beoordelen" in page
    _assert_security_headers(response)
