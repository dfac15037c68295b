"""The README's run command: `flask --app wsgi demo` sets up the embedded
default and serves the portal (a real process, a real HTTP request)."""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from email import message_from_bytes, policy
from pathlib import Path

from tests.conftest import free_port

PROJECT = Path(__file__).resolve().parent.parent


def test_demo_command_sets_up_and_serves_the_portal(tmp_path):
    port = free_port()
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "MAIL_SERVER", "IMPACTNET_ENV")
    }
    env["IMPACTNET_INSTANCE_PATH"] = str(tmp_path)
    flask = Path(sys.executable).with_name("flask")
    process = subprocess.Popen(
        [str(flask), "--app", "wsgi", "demo", "--port", str(port)],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert process.poll() is None, process.stdout.read()
                assert time.monotonic() < deadline, "the portal did not come up within 60 s"
                time.sleep(0.3)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            assert "Ondernemen met impact" in response.read().decode()
        pidfile = tmp_path / "celery" / "worker.pid"
        while not pidfile.exists():
            assert time.monotonic() < deadline, "the Celery worker did not start"
            time.sleep(0.3)
        worker_pid = int(pidfile.read_text().strip())
        link, took = _reset_link_mailed(port, tmp_path / "mail")
        # The mail's link leads back to the address the demo serves on, and it came within seconds.
        assert link.startswith(f"http://127.0.0.1:{port}/reset-password/"), link
        assert took < 15, f"the reset mail took {took:.1f} s"
    finally:
        process.terminate()
        # The demo gives its worker up to 20 s for a warm shutdown (a task that is running finishes
        # first, slow on a busy machine); allow that and a little more.
        output, _ = process.communicate(timeout=30)
    assert (tmp_path / "impactnet.db").exists()
    assert "admin@demo.impactnet.example" in output and "impactnet-demo" in output
    assert f"http://127.0.0.1:{port}/" in output
    assert "Celery worker with beat started" in output
    deadline = time.monotonic() + 20
    while _alive(worker_pid):  # stopping the portal stops its worker
        assert time.monotonic() < deadline, "the worker outlived the portal"
        time.sleep(0.2)


def _reset_link_mailed(port: int, mail_dir: Path) -> tuple[str, float]:
    """Ask for a reset link for the demo's partner as a browser does (the form and its CSRF token);
    returns the link in the mail the worker writes, and how long that took."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(f"http://127.0.0.1:{port}/reset-password", timeout=5) as response:
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', response.read().decode()).group(1)
    before = set(mail_dir.glob("*.eml")) if mail_dir.is_dir() else set()
    body = urllib.parse.urlencode({"csrf_token": token, "email": "partner@demo.impactnet.example"}).encode()
    started = time.monotonic()
    with opener.open(f"http://127.0.0.1:{port}/reset-password", data=body, timeout=5) as response:
        assert response.status == 200  # the login page, after the redirect
    while not (new := set(mail_dir.glob("*.eml")) - before if mail_dir.is_dir() else set()):
        assert time.monotonic() - started < 30, "no reset mail was written"
        time.sleep(0.1)
    took = time.monotonic() - started
    (written,) = new
    text = message_from_bytes(written.read_bytes(), policy=policy.default).get_body(("plain",)).get_content()
    return re.search(r"(https?://\S+/reset-password/\S+)", text).group(1), took


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
