"""impactnet: partner network and label tracking for Ondernemen met impact."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask
from flask_babel import get_locale
from werkzeug.middleware.proxy_fix import ProxyFix

import config as config_module
from impactnet.database import new_pools_after_fork
from impactnet.extensions import babel, cache, csrf, db, limiter, login_manager

PROJECT_ROOT = Path(__file__).resolve().parent.parent

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "img-src": "'self' data:",
    "style-src": "'self'",
    "script-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def create_app(config: dict | type | None = None) -> Flask:
    """Build the app. ``config`` is a config class, or a dict of overrides on
    top of the class that ``IMPACTNET_ENV`` names."""
    config_class = config if isinstance(config, type) else config_module.config_from_env()
    app = Flask(
        __name__,
        instance_path=str(
            (config or {}).get("INSTANCE_PATH", config_class.INSTANCE_PATH)
            if isinstance(config, dict)
            else config_class.INSTANCE_PATH
        ),
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    app.config.from_object(config_class)
    if isinstance(config, dict):
        app.config.update(config)
    _check_config(app, config_class)
    from impactnet.core.response_cache import init_response_cache

    init_response_cache(app)  # inside ProxyFix: it keys answers on the host and scheme as Flask sees them
    if proxies := app.config["PROXY_FIX"]:
        # Behind reverse proxies (nginx) in production: trust their X-Forwarded-*. Here rather than in
        # wsgi.py so that tests see the host and scheme exactly as production does.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    _init_extensions(app)
    from impactnet.core.errors import register_error_handlers
    from impactnet.core.guards import register_guards

    register_guards(app)
    _register_blueprints(app)
    register_error_handlers(app)
    from impactnet.cli import register_cli

    register_cli(app)
    return app


def _check_config(app: Flask, config_class) -> None:
    problems = config_class.problems()
    if problems:
        raise RuntimeError(
            "impactnet will not start in production with missing or unsafe settings:\n  - " + "\n  - ".join(problems)
        )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        # Development only (production refused above): a key kept in the
        # instance folder, so sessions survive a restart.
        key_file = Path(app.instance_path) / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_hex(32))
            key_file.chmod(0o600)
        app.config["SECRET_KEY"] = key_file.read_text().strip()


def _init_extensions(app: Flask) -> None:
    from impactnet.accounts.signed_in import load_user
    from impactnet.core.layout import init_layout
    from impactnet.core.locale import DEFAULT_LOCALE, init_locale, install_template_gettext, select_locale
    from impactnet.core.migrations import init_migrations

    db.init_app(app)
    with app.app_context():  # forked workers (gunicorn --preload) start with their own connections
        new_pools_after_fork(db.engines.values())
    # Flask-Migrate (Alembic) only when a migration needs it: see impactnet.core.migrations.
    init_migrations(app, db, str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    # Dutch source strings; English from impactnet/translations, compiled into the instance folder.
    init_locale(app)
    babel.init_app(app, default_locale=DEFAULT_LOCALE, locale_selector=select_locale)
    install_template_gettext(app)
    app.jinja_env.globals["get_locale"] = get_locale
    init_layout(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    limiter.init_app(app)
    if app.config.get("REDIS_URL"):
        app.config.setdefault("CACHE_TYPE", "RedisCache")
        app.config.setdefault("CACHE_REDIS_URL", app.config["REDIS_URL"])
    else:
        app.config.setdefault("CACHE_TYPE", "FileSystemCache")
        app.config.setdefault("CACHE_DIR", str(Path(app.instance_path) / "cache"))
    app.config.setdefault("CACHE_KEY_PREFIX", "impactnet:cache:")  # each purpose a key space below it
    cache.init_app(app)
    # Talisman keeps its settings on the instance, not per app: each app gets its own, so that an app
    # built with other settings (tests build production ones) does not change another's. The shared
    # ``talisman`` of impactnet.extensions only gives views their per-view options.
    from impactnet.core.headers import Talisman

    app.extensions["talisman"] = Talisman(
        app,
        force_https=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        strict_transport_security=app.config["SESSION_COOKIE_SECURE"],
        content_security_policy=CONTENT_SECURITY_POLICY,
        referrer_policy="strict-origin-when-cross-origin",
        frame_options="DENY",
    )

    # Import every model so that Alembic and relationships see them all.
    from impactnet import models  # noqa: F401

    # Their session listeners: cache generations renewed, figures refreshed after the commits that count.
    from impactnet.core import kept  # noqa: F401
    from impactnet.stats import cache as figures_cache  # noqa: F401
    from impactnet.stats import milestones, refresh  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from impactnet.accounts.admin_views import bp as admin_bp
    from impactnet.accounts.views import bp as accounts_bp
    from impactnet.api.token_views import bp as api_tokens_bp
    from impactnet.api.views import bp as api_bp
    from impactnet.directory.views import bp as directory_bp
    from impactnet.exports.views import bp as exports_bp
    from impactnet.home.bookings import bp as session_bookings_bp
    from impactnet.home.views import bp as home_bp
    from impactnet.imports.views import bp as imports_bp
    from impactnet.journey.admin_views import bp as path_bp
    from impactnet.journey.document_views import bp as documents_bp
    from impactnet.journey.views import bp as journey_bp
    from impactnet.notifications.views import bp as notifications_bp
    from impactnet.organisations.colleague_views import bp as colleagues_bp
    from impactnet.organisations.identity_views import bp as identity_bp
    from impactnet.organisations.note_views import bp as notes_bp
    from impactnet.organisations.registration import bp as registration_bp
    from impactnet.organisations.views import bp as organisations_bp
    from impactnet.privacy.views import bp as privacy_bp
    from impactnet.review.todo_views import bp as todo_bp
    from impactnet.review.views import bp as review_bp
    from impactnet.sessions.views import bp as sessions_bp
    from impactnet.stats.overview_views import bp as overview_bp
    from impactnet.stats.region_views import bp as regions_bp
    from impactnet.stats.views import bp as figures_bp
    from impactnet.workspace.bulk_views import bp as bulk_bp
    from impactnet.workspace.views import bp as workspace_bp

    for blueprint in (
        home_bp,
        accounts_bp,
        registration_bp,
        admin_bp,
        organisations_bp,
        workspace_bp,
        regions_bp,
        journey_bp,
        review_bp,
        path_bp,
        notifications_bp,
        api_bp,
        api_tokens_bp,
        overview_bp,
        directory_bp,
        exports_bp,
        privacy_bp,
        identity_bp,
        documents_bp,
        colleagues_bp,
        notes_bp,
        bulk_bp,
        todo_bp,
        imports_bp,
        sessions_bp,
        session_bookings_bp,
        figures_bp,
    ):
        app.register_blueprint(blueprint)
