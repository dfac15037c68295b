"""Shared fixtures.

The database is SQLite (a file in a temporary folder) unless
``TEST_DATABASE_URL`` names another (CI: PostgreSQL). The schema comes from
the Alembic migrations, once per session. Each test runs inside a transaction
that is rolled back after it (the app's own commits only release savepoints
in it); a test marked ``commits`` really commits and leaves empty tables
behind instead. Mail goes over real SMTP to an aiosmtpd server the session
starts.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask import g, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade

from impactnet import create_app
from impactnet.accounts.models import Role
from impactnet.core.caching import renew_all as forget_cached
from impactnet.extensions import db, limiter
from impactnet.journey.evidence import upload_dir
from tests import factories
from tests.helpers import login_client
from tests.rollback import rolled_back, route_sessions_to_the_test_connection


class _Collector:
    """aiosmtpd handler keeping every message it receives."""

    def __init__(self):
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server():
    handler = _Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, handler
    controller.stop()


def database_url(tmp_path_factory) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def test_config(tmp_path_factory, smtp_server, **overrides) -> dict:
    controller, _ = smtp_server
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "SQLALCHEMY_DATABASE_URI": database_url(tmp_path_factory),
        "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance")),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": os.environ.get("TEST_REDIS_URL") or "memory://",
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": controller.port,
        "MAIL_USE_TLS": False,
        "MAIL_USERNAME": None,
        "PUBLIC_URL": "http://portal.test",
    }
    config.update(overrides)
    return config


test_config.__test__ = False  # a helper, not a test


class FreshGlobalsClient(FlaskClient):
    """A test client that behaves like separate requests to a real server.

    Tests run inside an app context (for factories and queries) and Flask
    reuses it for requests, so ``g`` (where Flask-Login caches the signed-in
    user) would leak from one client's request into another's.
    """

    def open(self, *args, **kwargs):
        # Read the whole response and close it, as a real server does, so
        # callbacks registered with call_on_close (mail sent after the
        # response) have run when the request returns.
        kwargs.setdefault("buffered", True)
        if has_app_context():
            # A server sees only committed rows: what the test arranged (factories flush) is
            # committed before its request, whatever the request then commits or rolls back.
            db.session.commit()
            for name in list(vars(g)):
                delattr(g, name)
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory, smtp_server):
    # The worker package builds its own app when first imported, and every app built takes over
    # Flask-Limiter's one state (its counters too): import it before the test's apps, not midway
    # through a test that reads the mailbox.
    import workers  # noqa: F401

    app = create_app(test_config(tmp_path_factory, smtp_server))
    app.test_client_class = FreshGlobalsClient
    with app.app_context():
        upgrade()
        empty_tables()
        route_sessions_to_the_test_connection(db.engine)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def make_app(app, tmp_path_factory, smtp_server):
    """Build another app on the test database with some settings changed
    (CSRF on, throttling on, ...); its connections are closed afterwards."""
    made = []

    def _make_app(**overrides):
        overrides.setdefault("SQLALCHEMY_DATABASE_URI", app.config["SQLALCHEMY_DATABASE_URI"])
        other = create_app(test_config(tmp_path_factory, smtp_server, **overrides))
        other.test_client_class = FreshGlobalsClient
        made.append(other)
        return other

    yield _make_app
    # The test's own session may have borrowed a connection from another app's pool (an object of
    # the test's read inside that app's context): give it back before the pools close.
    db.session.rollback()
    for other in made:
        with other.app_context():
            db.engine.dispose()


def shared_cache(app) -> dict:
    """Settings that give another app the same shared cache as ``app`` (the figures cache, the data
    version), as every process of one installation has."""
    return {key: value for key, value in app.config.items() if key.startswith("CACHE_")}


@pytest.fixture
def rival_app(app, make_app):
    """Another worker of the same installation. On PostgreSQL its waits for a lock end after 10 s,
    so that a test whose rival waits on a row this request holds fails instead of hanging."""
    options = {}
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        options["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
            "connect_args": {"options": "-c lock_timeout=10000"},
        }
    return make_app(**shared_cache(app), **options)


@pytest.fixture
def other_process(app, make_app):
    """Another app on the same database and the same shared cache, with its own per-process copies:
    what a second gunicorn worker or the Celery worker is to the web process."""
    return make_app(**shared_cache(app))


def empty_tables() -> None:
    db.session.rollback()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
    db.session.remove()


def _limiter_back_to(app) -> None:
    """Flask-Limiter keeps one state for every app of the process: the last app built switches it on
    or off for all of them, and a storage found unreachable leaves it counting in memory. After each
    test it is the session app's again (throttling off), whatever apps the test built."""
    limiter.enabled = app.config["RATELIMIT_ENABLED"]
    limiter._storage_dead = False


# Fixtures that open other connections to the test database (other apps with their own pools, the
# live server's thread, worker processes): the rows a test gives them must be committed.
COMMITTING_FIXTURES = {"make_app", "rival_app", "other_process", "live_server", "start_worker"}


def pytest_collection_modifyitems(items):
    for item in items:
        if COMMITTING_FIXTURES.intersection(item.fixturenames) and not item.get_closest_marker("commits"):
            item.add_marker(pytest.mark.commits)


def _stored_files(directory: Path) -> set[Path]:
    return {path for path in directory.rglob("*") if path.is_file()} if directory.is_dir() else set()


@pytest.fixture(autouse=True)
def _isolated(request, app):
    """Each test runs inside an app context and leaves the tables as it found them (its transaction
    rolled back, or for a ``commits`` test: emptied), an empty figures cache, no files of its own and
    the session app's throttle behind."""
    commits = request.node.get_closest_marker("commits") is not None
    with app.app_context():
        kept_files = _stored_files(upload_dir())  # a module's shared rows (tests/demo) keep theirs
        if commits:
            factories.commit_rows(True)
            try:
                yield
            finally:
                factories.commit_rows(False)
            empty_tables()
        else:
            with rolled_back(app):
                yield
        forget_cached()
        if kept_files:
            for stored in _stored_files(upload_dir()) - kept_files:
                stored.unlink()
        else:
            shutil.rmtree(upload_dir(), ignore_errors=True)  # the files of the rows just emptied
    _limiter_back_to(app)


@pytest.fixture
def client(app):
    return app.test_client()


class Mailbox:
    """What the SMTP server received. Reading it first runs the outbox
    delivery (what the worker does in production), so a test sees the mails
    its requests queued, handed over through real SMTP."""

    def __init__(self, app, messages: list):
        self._app, self._messages = app, messages

    def _delivered(self) -> list[EmailMessage]:
        from workers.tasks import send_outbox

        with self._app.app_context():
            send_outbox.run()  # what the worker runs
        return self._messages

    def __len__(self):
        return len(self._delivered())

    def __getitem__(self, index):
        return self._delivered()[index]

    def __iter__(self):
        return iter(list(self._delivered()))

    def __eq__(self, other):
        return self._delivered() == other

    def __repr__(self):
        return f"Mailbox({self._messages!r})"


@pytest.fixture
def mailbox(app, smtp_server):
    _, handler = smtp_server
    handler.messages.clear()
    return Mailbox(app, handler.messages)


@pytest.fixture
def dordrecht():
    return _committed(factories.MunicipalityFactory(name="Dordrecht", slug="dordrecht"))


@pytest.fixture
def zwijndrecht():
    return _committed(factories.MunicipalityFactory(name="Zwijndrecht", slug="zwijndrecht"))


def _committed(row):
    """What a fixture arranges is committed before the test begins (in the test's transaction), as
    a test would find it on a server: a test's first commit then commits only what the test wrote."""
    db.session.commit()
    return row


@pytest.fixture
def login(client):
    """Sign ``client`` in as ``user`` without going through the login form."""

    def _login(user):
        login_client(client, user)
        return user

    return _login


@pytest.fixture
def login_as(login, dordrecht):
    """Create a user of ``role`` (in Dordrecht where it matters) and sign in."""

    def _login_as(role: Role | str, **kwargs):
        role = Role(role)
        if role is Role.PARTNER:
            kwargs.setdefault("organisation", factories.OrganisationFactory(municipality=dordrecht))
            user = factories.PartnerUserFactory(**kwargs)
        elif role is Role.MUNICIPALITY:
            user = factories.MunicipalityUserFactory(municipality=kwargs.pop("municipality", dordrecht), **kwargs)
        else:
            user = factories.UserFactory(role=role, **kwargs)
        return login(user)

    return _login_as


def _seeded_migration(name: str):
    """A migration module, for the reference data it seeds (kept in one place)."""
    path = Path(__file__).resolve().parent.parent / "migrations" / "versions" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"migration_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def path():
    """St MBO's five steps and the three Drechtse Doelen, as the migration seeds them."""
    from impactnet.journey.models import DrechtsDoel, JourneyStep, StepKind

    seed, english = _seeded_migration("0002_journey"), _seeded_migration("0007_english_texts")
    unnamed = _seeded_migration("0013_partner_day").PLACEHOLDER_MARK  # those goals are inactive
    steps = [
        JourneyStep(
            position=position,
            key=key,
            kind=StepKind(kind),
            title=title,
            explanation=explanation,
            requirements=requirements,
            evidence_required=evidence,
            reminder_days=days,
            **dict(zip(("title_en", "explanation_en", "requirements_en"), english.STEPS_EN[key], strict=True)),
        )
        for position, key, kind, title, explanation, requirements, evidence, days in seed.STEPS
    ]
    documents = _seeded_migration("0014_step_documents")  # the agreement step's explanation, as it reads now
    for column, (_, now) in documents.EXPLANATIONS.items():
        setattr(next(step for step in steps if step.key == documents.AGREEMENT), column, now)
    goals = [
        DrechtsDoel(
            number=number,
            title=title,
            description=description,
            active=unnamed not in title,
            **dict(zip(("title_en", "description_en"), english.GOALS_EN[number], strict=True)),
        )
        for number, title, description in seed.GOALS
    ]
    db.session.add_all(steps + goals)
    db.session.commit()
    return {step.key: step for step in steps}


@pytest.fixture
def world(dordrecht, zwijndrecht, path):
    """A user of every role of the access matrix and one of everything its routes address."""
    from tests.access_world import make_world

    return make_world(dordrecht, zwijndrecht, path)
