"""Forked children (gunicorn workers started with ``--preload``, Celery's pool processes) start with
an empty connection pool: a pooled connection of the parent is the parent's socket."""

from __future__ import annotations

import os
import select
import signal

import sqlalchemy as sa

from impactnet.extensions import db


def _select_one(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT 1")).scalar()


def test_a_forked_child_starts_with_an_empty_pool_and_the_parent_keeps_its_connection(app):
    engine = db.engine
    assert _select_one(engine) == 1
    assert engine.pool.checkedin() >= 1  # the parent's connection, back in its pool
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report, then leave without running the parent's clean-ups
        try:
            inherited = engine.pool.checkedin()
            os.write(write, f"{inherited} {_select_one(engine)}".encode())
        finally:
            os._exit(0)
    os.close(write)
    try:
        ready, _, _ = select.select([read], [], [], 30)
        assert ready, "the forked child did not answer within 30 s"
        assert os.read(read, 100).decode() == "0 1"  # nothing inherited; its own connection works
    finally:
        os.close(read)
        if not ready:
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    assert engine.pool.checkedin() >= 1 and _select_one(engine) == 1  # the parent's stays usable
