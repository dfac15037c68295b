"""Which hosts the portal answers to, behind the reverse proxy as in production (PROXY_FIX=1).

A client chooses the Host header and, through a proxy that forwards it, X-Forwarded-Host. Talisman's
HTTPS redirect and any absolute URL are built from that host, so in production a host outside
ALLOWED_HOSTS (by default the host of PUBLIC_URL) is a 400 before anything can redirect; only the
health check answers any host, and over plain HTTP, for load balancers.
"""

from __future__ import annotations

import importlib
import os

import pytest

import config as config_module
from impactnet import create_app
from impactnet.core.guards import reject_untrusted_hosts
from impactnet.extensions import db

PUBLIC = "impactnet.example.nl"
EVIL = "evil.example"
PRODUCTION_ENV = {
    "IMPACTNET_ENV": "production",
    "SECRET_KEY": "k" * 64,
    "MAIL_SERVER": "smtp.example.nl",
    "PUBLIC_URL": f"https://{PUBLIC}",
    "PROXY_FIX": "1",
    # The requests here use no cache; should one, an address where nothing listens fails fast.
    "REDIS_URL": os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:1/0",
    # Flask-Limiter keeps its settings on its one instance, shared by every app in the process: on,
    # it would throttle the other tests' app too.
    "RATELIMIT_ENABLED": "0",
}
PATHS = (
    "/",
    "/login",
    "/dashboard",
    "/register",
    "/directory",
    "/api/v1/regions",
    "/api/v1/openapi.json",
    "/no-such-page",
)


@pytest.fixture
def production(app, tmp_path):
    """Builds the app from the environment as production does, on the test database."""
    patch = pytest.MonkeyPatch()
    built = []

    def build(**env):
        for name in ("ALLOWED_HOSTS", "FORCE_HTTPS", "SESSION_COOKIE_SECURE", "PREFERRED_URL_SCHEME"):
            patch.delenv(name, raising=False)
        for name, value in {
            **PRODUCTION_ENV,
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "IMPACTNET_INSTANCE_PATH": str(tmp_path),
            **env,
        }.items():
            patch.setenv(name, value)
        importlib.reload(config_module)
        built.append(create_app())
        return built[-1]

    yield build
    patch.undo()
    importlib.reload(config_module)  # after the environment is restored, so later apps see the test settings
    for other in built:
        with other.app_context():
            db.engine.dispose()


def _no_trace_of(response, host: str) -> None:
    assert "Location" not in response.headers
    assert host not in response.get_data(as_text=True)
    assert all(host not in value for _, value in response.headers.items())


@pytest.mark.parametrize("proto", ["http", "https"])
def test_a_forwarded_foreign_host_is_400_and_never_reaches_a_location_or_a_page(production, proto):
    client = production().test_client()
    for path in PATHS:
        response = client.get(
            path, base_url=f"http://{PUBLIC}", headers={"X-Forwarded-Host": EVIL, "X-Forwarded-Proto": proto}
        )
        assert response.status_code == 400, path
        _no_trace_of(response, EVIL)
    page = client.get("/login", base_url=f"http://{PUBLIC}", headers={"X-Forwarded-Host": EVIL}).get_data(as_text=True)
    assert '<html lang="nl">' in page and "Het verzoek is niet geldig." in page


def test_a_foreign_host_header_is_400_too_and_so_is_a_post(production):
    client = production().test_client()
    assert client.get("/login", base_url=f"https://{EVIL}").status_code == 400
    response = client.post("/login", base_url=f"http://{EVIL}", data={"email": "a@example.nl", "password": "x"})
    assert response.status_code == 400
    _no_trace_of(response, EVIL)
    # A look-alike is another host, and so is one with the public host as a prefix.
    for host in (f"{PUBLIC}.{EVIL}", f"www.{PUBLIC}", "impactnet.example.nl.", ""):
        assert client.get("/", base_url="http://x", headers={"X-Forwarded-Host": host}).status_code == 400, host


def test_the_public_url_host_is_served_and_redirected_to_https_on_itself(production):
    client = production().test_client()
    secure = {"X-Forwarded-Host": PUBLIC, "X-Forwarded-Proto": "https"}
    assert client.get("/login", base_url="http://127.0.0.1:8000", headers=secure).status_code == 200
    response = client.get("/login", base_url="http://127.0.0.1:8000", headers={"X-Forwarded-Host": PUBLIC})
    assert response.status_code == 302 and response.headers["Location"] == f"https://{PUBLIC}/login"
    # Upper case and a port are the same host.
    assert (
        client.get(
            "/login", base_url="http://x", headers={**secure, "X-Forwarded-Host": "ImpactNet.Example.NL:443"}
        ).status_code
        == 200
    )


def test_healthz_answers_a_load_balancer_over_plain_http_whatever_the_host(production):
    client = production().test_client()
    for base_url, headers in (
        ("http://10.0.0.7:8000", {}),
        (f"http://{PUBLIC}", {}),
        (f"http://{PUBLIC}", {"X-Forwarded-Host": EVIL, "X-Forwarded-Proto": "http"}),
    ):
        response = client.get("/healthz", base_url=base_url, headers=headers)
        assert response.status_code == 200, base_url
        assert response.get_json() == {"status": "ok", "database": "ok"}
        assert "Location" not in response.headers


def test_allowed_hosts_lists_the_hosts_in_production(production):
    app = production(ALLOWED_HOSTS=f" {PUBLIC}, WWW.{PUBLIC} ,")
    assert app.config["ALLOWED_HOSTS"] == (PUBLIC, f"www.{PUBLIC}")
    client = app.test_client()
    secure = {"X-Forwarded-Proto": "https"}
    assert client.get("/login", base_url=f"http://www.{PUBLIC}", headers=secure).status_code == 200
    assert client.get("/login", base_url=f"http://{EVIL}", headers=secure).status_code == 400


def test_production_defaults_to_the_host_of_public_url(production):
    assert production().config["ALLOWED_HOSTS"] == (PUBLIC,)
    assert production(PUBLIC_URL="https://Portal.Example.NL:8443/").config["ALLOWED_HOSTS"] == ("portal.example.nl",)


def test_development_and_tests_answer_any_host_unless_it_is_set(client, make_app):
    assert client.get("/", base_url="http://localhost:5000").status_code == 200
    assert client.get("/", base_url="http://127.0.0.1:5000").status_code == 200
    strict = make_app(ALLOWED_HOSTS=("portal.test",)).test_client()
    assert strict.get("/", base_url="http://portal.test").status_code == 200
    assert strict.get("/", base_url="http://localhost").status_code == 400


def test_the_host_check_runs_before_every_other_hook(app):
    assert app.before_request_funcs[None][0] is reject_untrusted_hosts
