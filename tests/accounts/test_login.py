from impactnet.accounts.models import Role
from impactnet.extensions import limiter
from tests import factories
from tests.factories import PASSWORD


def test_login_with_any_case_email_and_logout(client):
    factories.UserFactory(email="medewerker@stmbo.example.nl", role=Role.STAFF)

    response = client.post("/login", data={"email": " Medewerker@STMBO.example.nl ", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    assert client.get("/dashboard").status_code == 200

    assert client.post("/logout").status_code == 302
    assert client.get("/dashboard").status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_answer(client):
    factories.UserFactory(email="bestaat@example.nl")

    wrong = client.post("/login", data={"email": "bestaat@example.nl", "password": "niet-het-wachtwoord"})
    unknown = client.post("/login", data={"email": "bestaat-niet@example.nl", "password": "niet-het-wachtwoord"})

    assert wrong.status_code == unknown.status_code == 401
    message = "Deze combinatie van e-mailadres en wachtwoord is onbekend."
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)


def test_deactivated_user_cannot_log_in(client):
    factories.UserFactory(email="weg@example.nl", active=False)
    response = client.post("/login", data={"email": "weg@example.nl", "password": PASSWORD})
    assert response.status_code == 401


def test_next_parameter_only_redirects_within_the_site(client):
    factories.UserFactory(email="a@example.nl")
    inside = client.post("/login?next=/municipalities/", data={"email": "a@example.nl", "password": PASSWORD})
    assert inside.headers["Location"] == "/municipalities/"
    client.post("/logout")
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post(f"/login?next={evil}", data={"email": "a@example.nl", "password": PASSWORD})
        assert response.headers["Location"] == "/dashboard", evil
        client.post("/logout")


def test_remember_me_sets_an_httponly_lax_cookie(client):
    factories.UserFactory(email="a@example.nl")
    response = client.post("/login", data={"email": "a@example.nl", "password": PASSWORD, "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    remember = next(c for c in cookies if c.startswith("remember_token="))
    assert "HttpOnly" in remember and "SameSite=Lax" in remember
    session = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session and "SameSite=Lax" in session


def test_failed_logins_are_throttled_per_account_and_per_ip(make_app):
    throttled = make_app(
        RATELIMIT_ENABLED=True, LOGIN_LIMIT_PER_ACCOUNT="3 per 15 minutes", LOGIN_LIMIT_PER_IP="5 per 15 minutes"
    )
    with throttled.app_context():
        limiter.reset()
    client = throttled.test_client()
    factories.UserFactory(email="doelwit@example.nl")

    def attempt(email, password="fout-wachtwoord-123", ip="192.0.2.1"):
        return client.post(
            "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": ip}
        ).status_code

    assert [attempt("doelwit@example.nl") for _ in range(3)] == [401, 401, 401]
    # The account is now locked for a while, even with the right password,
    # and from another address.
    assert attempt("doelwit@example.nl", PASSWORD, ip="192.0.2.99") == 429
    # Other accounts from the first address still work, until the IP limit.
    assert attempt("ander@example.nl") == 401
    assert attempt("derde@example.nl") == 401
    assert attempt("vierde@example.nl") == 429
    page = client.post(
        "/login", data={"email": "x@example.nl", "password": "x" * 12}, environ_base={"REMOTE_ADDR": "192.0.2.1"}
    )
    assert "Te veel pogingen" in page.get_data(as_text=True)
    with throttled.app_context():
        limiter.reset()
