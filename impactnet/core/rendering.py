"""Small helpers the views share."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, flash, render_template, request
from wtforms import Field

from impactnet.core.locale import Message
from impactnet.extensions import db


def render_form(template: str, form, **context):
    """Render a form page: 422 when a submitted form has errors, else 200."""
    status = 422 if request.method == "POST" and form.errors else 200
    return render_template(template, form=form, **context), status


def safe_next(target: str | None) -> str | None:
    """``target`` when it is a path on this site, else None (no open redirects;
    no control characters, which cannot go in a Location header)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(character) < 32 or ord(character) == 127 for character in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def filter_arg(name: str, lookup):
    """The object a filter parameter names (``lookup(value)``), None when the
    parameter is absent, and 400 when it names nothing."""
    value = request.args.get(name)
    if not value:
        return None
    found = lookup(value)
    if found is None:
        abort(400)
    return found


MAX_PAGE = 100_000


def page_number() -> int:
    """The ``page`` query parameter; 400 when it is not a sensible page number."""
    raw = request.args.get("page", "1")
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_PAGE:
        abort(400)
    return int(raw)


def refused(message: Message) -> None:
    """A service refused what was asked: undo what it flushed and tell the user why. The caller then
    shows the page again (usually with 409), read after the rollback, so it shows what is stored."""
    db.session.rollback()
    flash(message, "error")


def refused_field(field: Field, message: Message) -> None:
    """As :func:`refused`, with the reason under the form field it concerns (the page: 422)."""
    db.session.rollback()
    field.errors = [*field.errors, message]
