"""Checks every request passes before it reaches a view."""

from __future__ import annotations

from flask import Flask, abort, current_app, request
from werkzeug.routing import IntegerConverter
from werkzeug.sansio.utils import host_is_trusted

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class DatabaseIdConverter(IntegerConverter):
    """``<int:…>`` in URLs, within the database's integer range: a larger
    number is simply not found (404) instead of a database error."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def answers_any_host(view):
    """Mark a view that answers whatever host a request names (the health check: a load balancer
    calls it by an internal address). It must build no link and redirect nowhere."""
    view.answers_any_host = True
    return view


def reject_untrusted_hosts():
    """A host (after ProxyFix) outside ALLOWED_HOSTS is a 400 before any other hook runs: Talisman's
    HTTPS redirect and every absolute URL are built from the request's host, which the client
    (or its X-Forwarded-Host) chose."""
    allowed = current_app.config["ALLOWED_HOSTS"]
    if not allowed or host_is_trusted(request.host.lower(), allowed):  # host names ignore case
        return
    if getattr(current_app.view_functions.get(request.endpoint), "answers_any_host", False):
        return
    abort(400)


def _has_nul(values) -> bool:
    return any("\x00" in value for value in values)


def reject_nul_characters():
    """A NUL character is never meant, and PostgreSQL refuses it in text: stop
    such requests with a 400 here instead of a database error in a view."""
    if (
        "\x00" in request.path
        or _has_nul(request.args.values())
        or (
            request.method == "POST"
            and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")
            and _has_nul(request.form.values())
        )
    ):
        abort(400)


def limit_form_bodies():
    """A body that is not a file upload (a urlencoded form, JSON) is read only up to
    ``MAX_FORM_MEMORY_SIZE`` bytes and, as a form, ``MAX_FORM_PARTS`` fields; beyond that 413.

    Werkzeug applies those two limits to upload forms only (per text part, and parts), and
    parsing an unbounded urlencoded body into a form is what took 15 s and 2 GB for 50 MB of
    "a=1&". The body is read here, at most the limit, and kept: the form parses that copy.
    """
    if request.method not in BODY_METHODS or request.mimetype == "multipart/form-data":
        return
    config = current_app.config
    # Also bounds a body without a Content-Length (chunked).
    request.max_content_length = min(filter(None, (config["MAX_FORM_MEMORY_SIZE"], config["MAX_CONTENT_LENGTH"])))
    body = request.get_data(cache=True)  # raises RequestEntityTooLarge (413) beyond the limit
    if request.mimetype == "application/x-www-form-urlencoded" and body.count(b"&") >= config["MAX_FORM_PARTS"]:
        abort(413)


def register_guards(app: Flask) -> None:
    """Call after the extensions (their hooks are in place) and before the blueprints are registered
    (the converter applies to their rules)."""
    app.url_map.converters["int"] = DatabaseIdConverter
    # First of all hooks: the host check (before anything can redirect or read a body), then the body
    # limit (the throttle's key functions and CSRF protection read the form).
    app.before_request_funcs.setdefault(None, [])[:0] = [reject_untrusted_hosts, limit_form_bodies]
    app.before_request(reject_nul_characters)
