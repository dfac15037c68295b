"""Real Celery workers, started as processes, against a real broker and a
real SMTP server that the test controls (slow, stopped, started again).

The worker runs the development config from the environment, as in
production: DATABASE_URL, REDIS_URL, MAIL_*, IMPACTNET_INSTANCE_PATH.
Delivery never runs in the test process here: what counts is what the SMTP
server received from the worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from celery import Celery

from impactnet.extensions import db
from impactnet.mail.models import OutboxMail
from impactnet.mail.outbox import SEND_TASK, enqueue
from tests.conftest import free_port

PROJECT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")
# Settings config.py reads from the environment: the worker gets only ours.
_CONFIG_VARIABLES = {
    "DATABASE_URL",
    "REDIS_URL",
    "IMPACTNET_ENV",
    "IMPACTNET_INSTANCE_PATH",
    "SECRET_KEY",
    "OUTBOX_INTERVAL_SECONDS",
}

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")

requires_postgres_and_redis = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not (TEST_REDIS_URL and TEST_DATABASE_URL.startswith("postgresql")),
        reason="a real worker on Redis and PostgreSQL: set TEST_DATABASE_URL=postgresql+psycopg://... and "
        "TEST_REDIS_URL=redis://... (the PostgreSQL leg of .ci/run does)",
    ),
]


class SmtpServer:
    """An SMTP server the test starts, stops and slows down.

    A message counts as received once the server accepts its DATA. A client
    that disappears during DATA cancels the handler (aiosmtpd does), so that
    message is not received, as with a real server that never answered 250.
    ``on_received`` runs after a message is received and before the 250.
    """

    def __init__(self, delay: float = 0.0, port: int | None = None):
        self.delay, self.port = delay, port or free_port()
        self.messages: list[EmailMessage] = []
        self.data_started = 0
        self.on_received = None
        self._controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):
        self.data_started += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append(message)
        if self.on_received is not None:
            self.on_received(message)
        return "250 OK"

    def start(self) -> SmtpServer:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def message_ids(self) -> Counter:
        return Counter(str(message["Message-ID"]) for message in list(self.messages))


@pytest.fixture
def smtp():
    servers = []

    def _smtp(**kwargs) -> SmtpServer:
        servers.append(SmtpServer(**kwargs))
        return servers[-1]

    try:
        yield _smtp
    finally:
        for server in servers:
            server.stop()


class Worker:
    """``celery -A workers worker`` as a process (in its own process group, so
    that an embedded beat goes with it); its output goes to a log file."""

    def __init__(self, log: Path, env: dict, queue: str, beat: bool):
        self.log_path, self.env, self.queue = log, env, queue
        command = [
            str(CELERY),
            "-A",
            "workers",
            "worker",
            "--loglevel",
            "INFO",
            "--pool",
            "solo",
            "-Q",
            queue,
            "-n",
            f"test-{uuid.uuid4().hex[:8]}@%h",
        ]
        if beat:
            command.append("--beat")
        with log.open("w") as output:
            self.process = subprocess.Popen(
                command, cwd=PROJECT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_ready(self, timeout: float = 60) -> Worker:
        wait_for(lambda: " ready." in self.log(), timeout, "the worker did not start", self)
        return self

    def kill(self) -> None:
        """SIGKILL: no shutdown, no acknowledgement, no rollback in the worker."""
        self._signal_group(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.alive():
            self.process.terminate()  # warm shutdown: the running task finishes
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=30)
        self._signal_group(signal.SIGKILL)  # whatever is left of the group (beat)
        self.process.wait(timeout=10)

    def _signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signum)


@pytest.fixture
def start_worker(tmp_path):
    """Start a real worker; every worker is stopped (and its log printed) at the end."""
    started: list[Worker] = []

    def _start(
        *, database_url: str, broker: str | None = None, queue: str = "celery", beat: bool = False, **settings
    ) -> Worker:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in _CONFIG_VARIABLES and not key.startswith("MAIL_")
        }
        env.update(
            DATABASE_URL=database_url,
            IMPACTNET_INSTANCE_PATH=str(tmp_path / "instance"),
            SECRET_KEY="worker-test-secret-key-0123456789abcdef",
        )
        if broker:
            env["REDIS_URL"] = broker
        env.update({key: str(value) for key, value in settings.items()})
        worker = Worker(tmp_path / f"worker-{len(started) + 1}.log", env, queue, beat)
        started.append(worker)
        return worker

    try:
        yield _start
    finally:
        for worker in started:
            worker.stop()
        for worker in started:
            print(f"---- {worker.log_path.name} (exit {worker.process.returncode})\n{worker.log()}")


def smtp_settings(server: SmtpServer, **more) -> dict:
    return {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port, "MAIL_TIMEOUT": 5, **more}


@pytest.fixture
def queue_name() -> str:
    """A queue of this test's own on the shared test Redis: no other run's
    worker takes its tasks and no left-over task reaches its worker."""
    return f"impactnet-test-{uuid.uuid4().hex[:12]}"


def send_outbox_task(broker: str, queue: str = "celery") -> None:
    """What web code and beat do: send the task by name."""
    client = Celery("impactnet-tests", broker=broker, set_as_current=False)
    try:
        client.send_task(SEND_TASK, queue=queue, ignore_result=True)
    finally:
        client.close()


def wait_for(condition, timeout: float, failure: str, *workers: Worker) -> None:
    """Poll ``condition``; fail with the workers' logs on timeout or when a worker dies."""
    deadline = time.monotonic() + timeout
    while not condition():
        dead = [worker for worker in workers if not worker.alive()]
        if dead or time.monotonic() > deadline:
            logs = "\n".join(f"---- {worker.log_path.name}\n{worker.log()}" for worker in workers)
            reason = "a worker exited" if dead else f"no success within {timeout} s"
            pytest.fail(f"{failure} ({reason})\n{logs}")
        time.sleep(0.005)


def queue_mails(count: int, kind: str) -> list[int]:
    """Queue ``count`` due mails (committed); returns their outbox ids."""
    for n in range(count):
        message = EmailMessage()
        message["To"] = f"partner{n}@example.nl"
        message["Subject"] = f"{kind} {n:02d}"
        message.set_content(f"Mail {n} of {count}.")
        assert enqueue(message, dedupe_key=f"{kind}:{n}:{uuid.uuid4().hex}", kind=kind)
    db.session.commit()
    return [row.id for row in outbox(kind)]


def outbox(kind: str) -> list:
    """The outbox rows of ``kind`` as the database has them now."""
    rows = db.session.execute(
        sa.select(
            OutboxMail.id,
            OutboxMail.subject,
            OutboxMail.status,
            OutboxMail.attempts,
            OutboxMail.next_attempt_at,
            OutboxMail.last_error,
            OutboxMail.sent_at,
        )
        .where(OutboxMail.kind == kind)
        .order_by(OutboxMail.id)
    ).all()
    db.session.rollback()  # end the read; the next call sees the worker's commits
    return rows


def message_id(outbox_id: int) -> str:
    return f"<outbox-{outbox_id}@impactnet>"


def port_is_closed(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


class RedisServer:
    """A redis-server of the test's own on a free port (never the machine's)."""

    def __init__(self, directory: Path):
        self.port, self.directory, self.process = free_port(), directory, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while not self._answers():
            assert self.process.poll() is None, f"redis-server exited with {self.process.returncode}"
            assert time.monotonic() < deadline, "redis-server did not start within 20 s"
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
            self.process = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    try:
        yield server
    finally:
        server.stop()
