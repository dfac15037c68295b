"""CSRF on every form, security headers, cookie flags, production refusal."""

from __future__ import annotations

import importlib

import pytest

import config as config_module
from impactnet import create_app
from impactnet.accounts.models import Role
from tests import factories
from tests.helpers import login_client


@pytest.fixture
def csrf_app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


def test_every_post_route_refuses_a_request_without_csrf_token(csrf_app, dordrecht):
    admin = factories.UserFactory(role=Role.ADMIN)
    organisation = factories.OrganisationFactory(municipality=dordrecht)
    values = {
        "organisation_id": organisation.id,
        "slug": "dordrecht",
        "user_id": admin.id,
        "token": "x",
        "step_key": "partnerovereenkomst",
        "evidence_id": 1,
        "submission_id": 1,
        "number": 1,
        "mail_id": 1,
        "token_id": 1,
        "change_id": 1,
        "colleague_id": admin.id,
        "note_id": 1,
        "session_id": 1,
    }
    posts = [rule for rule in csrf_app.url_map.iter_rules() if "POST" in rule.methods]
    assert len(posts) >= 10
    for rule in posts:
        client = csrf_app.test_client()
        login_client(client, admin)
        url = rule.build({k: v for k, v in values.items() if k in rule.arguments}, append_unknown=False)[1]
        response = client.post(url, data={"email": "a@example.nl"})
        assert response.status_code == 400, url
        assert "Het formulier is verlopen of niet geldig" in response.get_data(as_text=True), url


def test_form_with_csrf_token_is_accepted(csrf_app):
    factories.UserFactory(email="a@example.nl")
    client = csrf_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/login", data={"email": "a@example.nl", "password": factories.PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_security_headers_on_every_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def _production_env(monkeypatch, **env):
    for name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "MAIL_SERVER", "PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("IMPACTNET_ENV", "production")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    importlib.reload(config_module)


@pytest.fixture
def restore_config():
    yield
    importlib.reload(config_module)


def test_production_refuses_to_start_and_names_what_is_missing(monkeypatch, restore_config):
    _production_env(monkeypatch)
    with pytest.raises(RuntimeError) as error:
        create_app()
    message = str(error.value)
    for name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "MAIL_SERVER", "PUBLIC_URL"):
        assert name in message


def test_production_refuses_a_short_secret_key(monkeypatch, restore_config):
    _production_env(
        monkeypatch,
        SECRET_KEY="short",
        DATABASE_URL="postgresql://x@localhost/x",
        REDIS_URL="redis://localhost:6379/0",
        MAIL_SERVER="smtp.example.nl",
        PUBLIC_URL="https://impactnet.example.nl",
    )
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


def test_production_starts_with_secure_cookies_when_configured(monkeypatch, restore_config, tmp_path):
    _production_env(
        monkeypatch,
        SECRET_KEY="k" * 64,
        DATABASE_URL="postgresql://x@localhost/x",
        REDIS_URL="redis://localhost:6379/0",
        MAIL_SERVER="smtp.example.nl",
        PUBLIC_URL="https://impactnet.example.nl",
        IMPACTNET_INSTANCE_PATH=str(tmp_path),
    )
    importlib.reload(config_module)
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://x@localhost/x"
    assert app.config["MAIL_BACKEND"] == "smtp"
    response = app.test_client().get("/login", base_url="http://impactnet.example.nl")
    assert response.status_code == 302 and response.headers["Location"] == "https://impactnet.example.nl/login"
    assert app.config["ALLOWED_HOSTS"] == ("impactnet.example.nl",)


def test_unknown_environment_name_is_refused(monkeypatch, restore_config):
    monkeypatch.setenv("IMPACTNET_ENV", "staging-typo")
    importlib.reload(config_module)
    with pytest.raises(RuntimeError, match="staging-typo"):
        create_app()


def test_development_default_is_sqlite_in_the_instance_folder(monkeypatch, restore_config, tmp_path):
    for name in ("DATABASE_URL", "IMPACTNET_ENV", "MAIL_SERVER", "MAIL_BACKEND", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("IMPACTNET_INSTANCE_PATH", str(tmp_path))
    importlib.reload(config_module)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'impactnet.db'}"
    assert app.config["MAIL_BACKEND"] == "file"
    assert len(app.config["SECRET_KEY"]) == 64
    assert create_app().config["SECRET_KEY"] == app.config["SECRET_KEY"]  # kept across restarts
