"""Flask-Migrate on demand.

Flask-Migrate brings Alembic, Mako and Pygments (about 11 MB per process): what ``flask db ...``,
``flask_migrate.upgrade()`` and the migrations themselves need, never a web worker serving a page. So
the app gets a ``db`` command group that imports the real one when it is used, and an extensions
dictionary that sets Flask-Migrate up the first time anything asks for ``extensions["migrate"]``.
"""

from __future__ import annotations

import click
from flask import Flask


class _Extensions(dict):
    """``app.extensions``, which sets up Flask-Migrate when its entry is first read."""

    def __init__(self, existing: dict, setup) -> None:
        super().__init__(existing)
        self._setup = setup

    def __missing__(self, key):
        if key != "migrate":
            raise KeyError(key)
        self._setup()
        return dict.__getitem__(self, key)


class _LazyDbGroup(click.Group):
    """``flask db``: Flask-Migrate's own group, imported when a command of it is looked up."""

    @staticmethod
    def _real() -> click.Group:
        from flask_migrate.cli import db

        return db

    def make_context(self, info_name, args, parent=None, **extra):
        return self._real().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx):
        return ctx.command.invoke(ctx)  # the real group: its options, callback and commands

    def list_commands(self, ctx):
        return self._real().list_commands(ctx)

    def get_command(self, ctx, name):
        return self._real().get_command(ctx, name)


def init_migrations(app: Flask, db, directory: str) -> None:
    def setup() -> None:
        from flask_migrate import Migrate

        Migrate().init_app(app, db, directory=directory, render_as_batch=True)

    app.extensions = _Extensions(app.extensions, setup)
    app.cli.add_command(_LazyDbGroup("db", help="Database migrations (Flask-Migrate, Alembic)."))
