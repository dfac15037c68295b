"""Throttling of the requests that create an account or send a mail to an address someone typed:
registrations per client address, password-reset requests per email address and per client
address. (Failed logins: tests/accounts/test_login.py.)"""
from __future__ import annotations

import pytest

from impactnet.extensions import limiter
from impactnet.notifications.models import OutboxMail
from impactnet.organisations.models import Organisation
from tests import factories
from tests.helpers import count, registration_data


@pytest.fixture
def throttled(make_app):
    """An app with throttling on and the limits given; its counters start and end empty."""
    made = []

    def _throttled(**limits):
        app = make_app(RATELIMIT_ENABLED=True, **limits)
        with app.app_context():
            limiter.reset()
        made.append(app)
        return app

    yield _throttled
    for app in made:
        with app.app_context():
            limiter.reset()


def test_password_reset_requests_are_throttled_per_email_address_and_per_client(throttled):
    app = throttled(PASSWORD_RESET_LIMIT_PER_ACCOUNT="2 per hour", PASSWORD_RESET_LIMIT_PER_IP="3 per hour")
    client = app.test_client()
    factories.UserFactory(email="doelwit@example.nl")

    def ask(email, ip="192.0.2.1"):
        return client.post("/reset-password", data={"email": email}, environ_base={"REMOTE_ADDR": ip})

    assert [ask("doelwit@example.nl").status_code for _ in range(2)] == [302, 302]
    # The address is now left alone for a while, however it is spelled and wherever the request comes from.
    refused = ask(" Doelwit@Example.NL", ip="192.0.2.50")
    assert refused.status_code == 429 and "Te veel pogingen" in refused.get_data(as_text=True)
    assert count(OutboxMail) == 2
    # Other addresses from the first client still get an answer, until its own limit.
    assert ask("iemand@example.nl").status_code == 302
    assert ask("nog-iemand@example.nl").status_code == 429
    assert client.get("/reset-password", environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 200


def test_registrations_are_throttled_per_client_address(throttled, dordrecht):
    app = throttled(REGISTRATION_LIMIT_PER_IP="2 per hour")

    def register(n: int, ip: str = "192.0.2.1"):
        data = registration_data(dordrecht, name=f"Organisatie {n}", kvk_number=f"{n}{n}{n}{n}{n}{n}{n}{n}",
                                 email=f"eigenaar{n}@example.nl")
        return app.test_client().post("/register", data=data, environ_base={"REMOTE_ADDR": ip})

    assert [register(n).status_code for n in (1, 2)] == [302, 302]
    refused = register(3)
    assert refused.status_code == 429 and "Te veel pogingen" in refused.get_data(as_text=True)
    assert count(Organisation) == 2
    assert register(4, ip="192.0.2.77").status_code == 302
    assert count(Organisation) == 3
