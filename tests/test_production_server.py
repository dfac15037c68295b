"""The README's production command: ``gunicorn --preload`` imports the portal once, in the master,
and forks its workers from it; each must start and answer from the database with its own connections
(impactnet.database.new_pools_after_fork; the pools themselves: tests/core/test_fork.py)."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": "localhost", "Connection": "close"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _workers(master: int) -> set[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return {int(pid) for pid in children.read_text().split()} if children.exists() else set()


@pytest.fixture
def preloaded_server(app, tmp_path):
    port = _free_port()
    env = dict(
        os.environ,
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        SECRET_KEY="s" * 40,
        IMPACTNET_INSTANCE_PATH=str(tmp_path),
        RATELIMIT_ENABLED="0",
    )
    env.pop("IMPACTNET_ENV", None)
    env.pop("REDIS_URL", None)  # the figures cache in the instance folder: nothing shared with other tests
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--preload",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, f"gunicorn exited with {server.returncode}"
            try:
                if _get(port, "/healthz")[0] == 200 and len(_workers(server.pid)) == 2:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
            time.sleep(0.2)
        yield server, port
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads gunicorn's workers from /proc")
def test_preloaded_workers_answer_from_the_database_and_keep_running(preloaded_server):
    server, port = preloaded_server
    workers = _workers(server.pid)
    answers = [_get(port, "/healthz") for _ in range(30)]  # a new connection each: both workers serve
    assert {status for status, _body in answers} == {200}
    assert {json.loads(body)["database"] for _status, body in answers} == {"ok"}
    status, page = _get(port, "/verify")
    assert status == 200 and "Ondernemen met impact" in page.decode()
    assert _workers(server.pid) == workers  # none died and was replaced
