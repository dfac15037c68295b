"""Configuration, read from the environment.

With nothing set, the portal runs on an embedded SQLite file under
``instance/`` and writes mails as .eml files to ``instance/mail/``.
``IMPACTNET_ENV=production`` switches to :class:`ProductionConfig`, which
refuses to start without the settings a public deployment needs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _env_list(name: str) -> tuple[str, ...]:
    """A comma-separated setting as a tuple of its non-empty parts, lower case."""
    return tuple(part.strip().lower() for part in os.environ.get(name, "").split(",") if part.strip())


def database_url(raw: str | None, instance_path: Path) -> str:
    """The SQLAlchemy URL: DATABASE_URL, or the embedded SQLite default.

    ``postgres://`` and ``postgresql://`` (as hosting platforms write them)
    are mapped to the psycopg 3 driver that impactnet ships with.
    """
    if not raw:
        return f"sqlite:///{instance_path / 'impactnet.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


class Config:
    ENV_NAME = "development"
    INSTANCE_PATH = Path(os.environ.get("IMPACTNET_INSTANCE_PATH", PROJECT_ROOT / "instance"))

    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"), INSTANCE_PATH)
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL") or None

    # Public base URL for links in mails (verify, reset, invitations). Links
    # never come from the request's Host header, which a client controls.
    PUBLIC_URL = (os.environ.get("PUBLIC_URL") or "http://localhost:5000").rstrip("/")
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")
    # Host names the portal answers to (after ProxyFix); any other gets a 400 before anything can
    # redirect or build a link from it (impactnet.core.guards). Empty: every host (development, the
    # demo on 127.0.0.1 and localhost). Not Flask's own TRUSTED_HOSTS: that check cannot spare
    # /healthz, which a load balancer calls by an internal address.
    ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS")

    # Cookies: HttpOnly and SameSite=Lax always; Secure in production.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * _env_int("REMEMBER_DAYS", 30)
    # A sign-in without "remember me" ends on the server this long after it began (impactnet.accounts.sessions).
    SESSION_HOURS = _env_int("SESSION_HOURS", 12)
    FORCE_HTTPS = _env_bool("FORCE_HTTPS", False)
    # Number of reverse proxies in front (their X-Forwarded-* headers are trusted).
    PROXY_FIX = _env_int("PROXY_FIX", 0)

    # Whole request body (uploads are the only large bodies).
    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 50 * 1024 * 1024)
    # Importing the network (St MBO's list): the largest file and the most rows one import takes.
    IMPORT_MAX_BYTES = _env_int("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
    IMPORT_MAX_ROWS = _env_int("IMPORT_MAX_ROWS", 20_000)
    # Every body that is not a file upload (a urlencoded form, JSON), and each text part of an upload
    # form, at most this many bytes; a form at most this many fields. Checked before anything parses the
    # body (impactnet.core.guards.limit_form_bodies): parsing 50 MB of "a=1&" fields took a worker to 2 GB.
    # The largest real form (the Inventarisatie's answers) is about 150 KB urlencoded.
    MAX_FORM_MEMORY_SIZE = _env_int("MAX_FORM_BYTES", 512 * 1024)
    MAX_FORM_PARTS = _env_int("MAX_FORM_FIELDS", 1000)

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = 60 * 60 * 8

    # Longest time a figures page (region overview, dashboards, /api/v1/regions) is served from the
    # cache; a change to the figures renews its generation at once (impactnet.stats.cache).
    FIGURES_CACHE_SECONDS = _env_int("FIGURES_CACHE_SECONDS", 600)
    # Each process's own copy in front of that cache (saves fetching the page from Redis; 0: none),
    # still checked against the figures' generation on every request.
    FIGURES_LOCAL_CACHE_SECONDS = _env_int("FIGURES_LOCAL_CACHE_SECONDS", 5)
    # After a commit that changes what a figure counts, today's figures are refreshed by the worker
    # this many seconds later (commits in between join the same refresh: impactnet.stats.refresh).
    FIGURES_REFRESH_DELAY_SECONDS = _env_int("FIGURES_REFRESH_DELAY_SECONDS", 1)

    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    LANGUAGES = ("nl", "en")

    # Mail: "file" writes .eml files to instance/mail; "smtp" sends.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND") or ("smtp" if os.environ.get("MAIL_SERVER") else "file")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
    MAIL_TIMEOUT = _env_int("MAIL_TIMEOUT", 10)
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "impactnet <noreply@impactnet.localhost>")
    MAIL_FILE_DIR = os.environ.get("MAIL_FILE_DIR") or None  # default: <instance>/mail
    # Outbox delivery: failed attempts are retried after 1, 2, 4, ... times the base delay.
    MAIL_MAX_ATTEMPTS = _env_int("MAIL_MAX_ATTEMPTS", 6)
    MAIL_RETRY_BASE_SECONDS = _env_int("MAIL_RETRY_BASE_SECONDS", 60)

    # Where partners write to St MBO (shown e.g. on the agreement step until the agreement's PDF is uploaded).
    CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL") or "info@stmbo.nl"

    # Evidence uploads: per-file limit and where files are kept (outside static files).
    UPLOAD_MAX_BYTES = _env_int("UPLOAD_MAX_MB", 10) * 1024 * 1024
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR") or None  # default: <instance>/uploads

    # The label: how long it is valid, and when reminders go out before expiry.
    LABEL_VALIDITY_MONTHS = _env_int("LABEL_VALIDITY_MONTHS", 24)
    LABEL_REMINDER_DAYS = tuple(int(d) for d in os.environ.get("LABEL_REMINDER_DAYS", "90,30").split(","))
    # A labelled partner can ask for the renewal review from this many months before the label ends.
    RENEWAL_OPENS_MONTHS = _env_int("RENEWAL_OPENS_MONTHS", 6)
    # Reminders: staff digest of submissions waiting longer than this; unverified addresses after this.
    REVIEW_REMINDER_DAYS = _env_int("REVIEW_REMINDER_DAYS", 5)
    EMAIL_VERIFY_REMINDER_DAYS = _env_int("EMAIL_VERIFY_REMINDER_DAYS", 3)

    # Token lifetimes (seconds).
    EMAIL_VERIFY_MAX_AGE = _env_int("EMAIL_VERIFY_MAX_AGE", 60 * 60 * 24 * 7)
    PASSWORD_RESET_MAX_AGE = _env_int("PASSWORD_RESET_MAX_AGE", 60 * 60)
    # Invitations: by an admin (staff accounts) and by a partner's colleague (Collega's).
    INVITATION_MAX_AGE = _env_int("INVITATION_MAX_AGE", 60 * 60 * 24 * 7)

    # Throttling (Flask-Limiter syntax): failed logins, and the requests that create an account or
    # send a mail to an address someone typed (registrations, password-reset requests).
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = False
    # Redis away: count in this process's memory instead (Flask-Limiter logs the switch and goes back to
    # Redis when it answers again), and never fail a request because the counters cannot be reached.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_STORAGE_OPTIONS: ClassVar[dict] = {"socket_connect_timeout": 1, "socket_timeout": 1}
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes")
    LOGIN_LIMIT_PER_IP = os.environ.get("LOGIN_LIMIT_PER_IP", "30 per 15 minutes")
    # Generous per address: at an inspiration session many entrepreneurs register over one wifi.
    REGISTRATION_LIMIT_PER_IP = os.environ.get("REGISTRATION_LIMIT_PER_IP", "30 per hour")
    PASSWORD_RESET_LIMIT_PER_ACCOUNT = os.environ.get("PASSWORD_RESET_LIMIT_PER_ACCOUNT", "3 per hour")
    PASSWORD_RESET_LIMIT_PER_IP = os.environ.get("PASSWORD_RESET_LIMIT_PER_IP", "20 per hour")
    # "Send the confirmation mail again": anyone can register someone else's address, so per address too.
    VERIFY_RESEND_LIMIT_PER_ACCOUNT = os.environ.get("VERIFY_RESEND_LIMIT_PER_ACCOUNT", "3 per hour")
    VERIFY_RESEND_LIMIT_PER_IP = os.environ.get("VERIFY_RESEND_LIMIT_PER_IP", "20 per hour")
    # Colleague invitations mail an address someone typed: per inviting user (every attempt), per
    # organisation (invitations sent) and per client address.
    COLLEAGUE_INVITE_LIMIT_PER_USER = os.environ.get("COLLEAGUE_INVITE_LIMIT_PER_USER", "10 per hour")
    COLLEAGUE_INVITE_LIMIT_PER_ORGANISATION = os.environ.get("COLLEAGUE_INVITE_LIMIT_PER_ORGANISATION", "20 per day")
    COLLEAGUE_INVITE_LIMIT_PER_IP = os.environ.get("COLLEAGUE_INVITE_LIMIT_PER_IP", "30 per hour")

    @classmethod
    def problems(cls) -> list[str]:
        """Settings missing for this environment; empty when it may start."""
        return []


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    MAIL_BACKEND = "file"
    RATELIMIT_ENABLED = False


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    FORCE_HTTPS = _env_bool("FORCE_HTTPS", True)
    PREFERRED_URL_SCHEME = "https"
    MAIL_BACKEND = "smtp"
    # By default only the host of PUBLIC_URL (problems() refuses a PUBLIC_URL without one).
    ALLOWED_HOSTS = Config.ALLOWED_HOSTS or tuple(filter(None, [urlsplit(Config.PUBLIC_URL).hostname]))

    @classmethod
    def problems(cls) -> list[str]:
        missing = []
        if not cls.SECRET_KEY or len(cls.SECRET_KEY) < 32:
            missing.append(
                "SECRET_KEY (at least 32 random characters, e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`)"
            )
        if not os.environ.get("DATABASE_URL"):
            missing.append("DATABASE_URL (postgresql://user:password@host:5432/impactnet)")
        if not cls.REDIS_URL:
            missing.append("REDIS_URL (redis://host:6379/0), for login throttling and the Celery broker")
        if not os.environ.get("MAIL_SERVER"):
            missing.append("MAIL_SERVER (SMTP host for outgoing mail)")
        public_url = os.environ.get("PUBLIC_URL", "")
        if not public_url.startswith("https://") or not urlsplit(public_url).hostname:
            missing.append("PUBLIC_URL (https://… address of the portal, used in links in mails)")
        return missing


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    name = os.environ.get("IMPACTNET_ENV", "development").strip().lower()
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"IMPACTNET_ENV={name!r} is unknown; use one of: {', '.join(CONFIGS)}") from None
