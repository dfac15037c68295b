"""Throttling of the requests that create an account or send a mail to an address someone typed:
registrations per client address, password-reset requests per email address and per client
address. (Failed logins: tests/accounts/test_login.py.)"""

from __future__ import annotations

import pytest

from impactnet.accounts.models import Role
from impactnet.extensions import limiter
from impactnet.organisations.models import Organisation
from tests import factories
from tests.conftest import free_port
from tests.factories import PASSWORD
from tests.helpers import count, login_client, registration_data


@pytest.fixture
def throttled(make_app):
    """An app with throttling on and the limits given; its counters start and end empty."""
    made = []

    def _throttled(reachable=True, **limits):
        app = make_app(RATELIMIT_ENABLED=True, **limits)
        if reachable:
            with app.app_context():
                limiter.reset()
            made.append(app)
        return app

    yield _throttled
    for app in made:
        with app.app_context():
            limiter.reset()


def test_password_reset_requests_are_throttled_per_email_address_and_per_client(throttled, mailbox):
    app = throttled(PASSWORD_RESET_LIMIT_PER_ACCOUNT="2 per hour", PASSWORD_RESET_LIMIT_PER_IP="3 per hour")
    client = app.test_client()
    factories.UserFactory(email="doelwit@example.nl")

    def ask(email, ip="192.0.2.1"):
        return client.post("/reset-password", data={"email": email}, environ_base={"REMOTE_ADDR": ip})

    assert [ask("doelwit@example.nl").status_code for _ in range(2)] == [302, 302]
    # The address is now left alone for a while, however it is spelled and wherever the request comes from.
    refused = ask(" Doelwit@Example.NL", ip="192.0.2.50")
    assert refused.status_code == 429 and "Te veel pogingen" in refused.get_data(as_text=True)
    assert len(mailbox) == 2
    # Other addresses from the first client still get an answer, until its own limit.
    assert ask("iemand@example.nl").status_code == 302
    assert ask("nog-iemand@example.nl").status_code == 429
    assert client.get("/reset-password", environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 200


def test_registrations_are_throttled_per_client_address(throttled, dordrecht):
    app = throttled(REGISTRATION_LIMIT_PER_IP="2 per hour")

    def register(n: int, ip: str = "192.0.2.1"):
        data = registration_data(
            dordrecht, name=f"Organisatie {n}", kvk_number=f"{n}{n}{n}{n}{n}{n}{n}{n}", email=f"eigenaar{n}@example.nl"
        )
        return app.test_client().post("/register", data=data, environ_base={"REMOTE_ADDR": ip})

    assert [register(n).status_code for n in (1, 2)] == [302, 302]
    refused = register(3)
    assert refused.status_code == 429 and "Te veel pogingen" in refused.get_data(as_text=True)
    assert count(Organisation) == 2
    assert register(4, ip="192.0.2.77").status_code == 302
    assert count(Organisation) == 3


def test_throttle_keys_on_the_address_the_form_reads_so_control_characters_open_no_new_count(throttled, mailbox):
    """A probe signed in past a lock-out with "\x05" inserted into the address: the form strips control
    characters, the throttle keyed on the raw text. Both now read the same normalised address."""
    app = throttled(LOGIN_LIMIT_PER_ACCOUNT="3 per 15 minutes", PASSWORD_RESET_LIMIT_PER_ACCOUNT="2 per hour")
    client = app.test_client()
    factories.UserFactory(email="doelwit@example.nl")

    def login(email, password="fout-wachtwoord-123"):
        return client.post("/login", data={"email": email, "password": password}).status_code

    assert [login("doelwit@example.nl") for _ in range(3)] == [401, 401, 401]
    for disguised in (
        "doel\x05witt@example.nl".replace("witt", "wit"),
        "\x1fdoelwit@example.nl",
        "doelwit@example.nl\x7f",
        " DOELWIT@example.nl\x0b",
    ):
        assert login(disguised, PASSWORD) == 429, repr(disguised)

    def reset(email):
        return client.post("/reset-password", data={"email": email}).status_code

    assert [reset("doelwit@example.nl"), reset("doelwit@example.nl")] == [302, 302]
    assert [reset(f"doel{c}wit@example.nl") for c in "\x01\x05\x1b"] == [429, 429, 429]
    assert len(mailbox) == 2


def test_resending_the_confirmation_mail_is_throttled_per_address_and_per_client(throttled, mailbox):
    app = throttled(VERIFY_RESEND_LIMIT_PER_ACCOUNT="2 per hour", VERIFY_RESEND_LIMIT_PER_IP="2 per hour")
    unverified = [factories.PartnerUserFactory(email=f"nieuw{n}@example.nl", email_verified_at=None) for n in range(2)]

    def resend(user, ip="192.0.2.1"):
        client = app.test_client()
        login_client(client, user)
        return client.post("/verify-email/resend", environ_base={"REMOTE_ADDR": ip}).status_code

    assert [resend(unverified[0]), resend(unverified[0], ip="192.0.2.2")] == [302, 302]
    # The address has had its mails for now, from wherever the request comes.
    assert resend(unverified[0], ip="192.0.2.3") == 429
    # Another address from the first client, until that client's limit.
    assert resend(unverified[1]) == 302
    assert resend(unverified[1]) == 429
    assert len(mailbox) == 3
    assert {message["To"] for message in mailbox} == {"nieuw0@example.nl", "nieuw1@example.nl"}


def test_with_the_throttle_storage_unreachable_sign_in_registration_and_reset_work_and_still_count(
    throttled, dordrecht, caplog
):
    """Redis away (nothing listens on its port): the throttle counts in this process's memory and says
    so in the log; no request fails for it. The shared cache and the worker queue are away too."""
    away = f"redis://127.0.0.1:{free_port()}/0"
    app = throttled(
        reachable=False,
        RATELIMIT_STORAGE_URI=away,
        REDIS_URL=away,
        CACHE_TYPE="RedisCache",
        CACHE_REDIS_URL=away,
        LOGIN_LIMIT_PER_ACCOUNT="3 per 15 minutes",
    )
    client = app.test_client()
    factories.UserFactory(email="medewerker@example.nl", role=Role.STAFF)

    assert client.post("/register", data=registration_data(dordrecht)).status_code == 302
    assert "falling back to in-memory storage" in caplog.text
    assert count(Organisation) == 1
    assert client.post("/reset-password", data={"email": "medewerker@example.nl"}).status_code == 302
    other = app.test_client()
    assert other.post("/login", data={"email": "medewerker@example.nl", "password": PASSWORD}).status_code == 302
    for page in ("/dashboard", "/regions", "/review/", "/organisations/", "/directory"):
        assert other.get(page).status_code == 200, page
    # Still throttled, in memory: three wrong passwords lock the account.
    attempts = [
        app.test_client()
        .post("/login", data={"email": "medewerker@example.nl", "password": "fout-wachtwoord-123"})
        .status_code
        for _ in range(4)
    ]
    assert attempts == [401, 401, 401, 429]


def test_colleague_invitations_are_throttled_per_user_and_per_organisation(throttled, dordrecht, mailbox):
    """Each invitation mails an address someone typed: a partner's account cannot be used to spam."""
    app = throttled(COLLEAGUE_INVITE_LIMIT_PER_USER="3 per hour", COLLEAGUE_INVITE_LIMIT_PER_ORGANISATION="4 per day")
    organisation = factories.OrganisationFactory(municipality=dordrecht)
    first, second = (factories.PartnerUserFactory(organisation=organisation) for _ in range(2))
    clients = [app.test_client(), app.test_client()]
    login_client(clients[0], first)
    login_client(clients[1], second)
    numbers = iter(range(100))

    def invite(client, email=None):
        return client.post(
            f"/organisations/{organisation.id}/colleagues/invite",
            data={"name": "Collega", "email": email or f"collega{next(numbers)}@example.nl"},
        ).status_code

    # Every attempt counts for the user, a refused one too.
    assert [invite(clients[0], "geen-adres"), invite(clients[0]), invite(clients[0])] == [422, 302, 302]
    refused = clients[0].post(
        f"/organisations/{organisation.id}/colleagues/invite", data={"name": "Collega", "email": "nog-een@example.nl"}
    )
    assert refused.status_code == 429 and "Te veel pogingen" in refused.get_data(as_text=True)
    # The organisation's invitations sent count together, whoever sends them.
    assert [invite(clients[1]), invite(clients[1]), invite(clients[1])] == [302, 302, 429]
    assert len(mailbox) == 4
