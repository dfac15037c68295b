"""Checks every request passes before it reaches a view."""
from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter


class DatabaseIdConverter(IntegerConverter):
    """``<int:…>`` in URLs, within the database's integer range: a larger
    number is simply not found (404) instead of a database error."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def _has_nul(values) -> bool:
    return any("\x00" in value for value in values)


def reject_nul_characters():
    """A NUL character is never meant, and PostgreSQL refuses it in text: stop
    such requests with a 400 here instead of a database error in a view."""
    if "\x00" in request.path or _has_nul(request.args.values()) or (
        request.method == "POST" and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")
        and _has_nul(request.form.values())
    ):
        abort(400)


def register_guards(app: Flask) -> None:
    """Call before the blueprints are registered (the converter applies to their rules)."""
    app.url_map.converters["int"] = DatabaseIdConverter
    app.before_request(reject_nul_characters)
