"""Whole answers of the busiest GETs, kept per process and served before Flask.

The figures API, the region overview and the dashboards keep what they show already (their key spaces
in :mod:`impactnet.core.caching`), yet handling the request around it (the hooks, the session, loading
the user, rendering the layout, the security headers) cost two to four times the minimal Flask app's
whole request: the issue's targets (70 % of that app's CPU for the API, 35 % for the dashboards) were
out of reach below this middleware (``tests/perf/bench_http.py``; the README has the figures).

How it stays correct:

- A view opts in with :func:`keep_response` (its key space). The generations of that space and, for a
  request with a cookie, of the ``kept`` space (the signed-in user, their sign-in, organisation and
  municipality) are the request's own, read before any of its data (:meth:`KeySpace.generation`).
- A 200 answer that sets no cookie is kept, whole (status, headers, body), under the request's address,
  query, host, scheme, Accept-Language and Cookie header: a session cookie is signed and holds the
  sign-in, the form token's secret, the language and any message to show once, so an identical cookie
  is an identical session, and nothing of one person is ever served to another. (Flashing a message or
  refreshing a sign-in sets a cookie: such answers are not kept.)
- A later GET with the same key is answered from the copy only while every generation it was made
  under is still the current one (one read in the shared cache) and, for a sign-in, before the sign-in
  expires: a commit that changes the figures, a sign-out, a deactivation, a changed role or
  organisation all renew a generation. Every hook that could refuse or redirect such a request (the host
  check, the HTTPS redirect, the NUL check) depends only on what the key holds; the form token in a
  kept page is the one Flask-WTF signed for that session, at most a minute before (valid for hours).
- Requests with an Authorization header always reach Flask; the shared cache away, Flask answers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import wraps
from typing import NamedTuple

from flask import Flask, request
from flask_login import current_user

from impactnet.core.caching import KeySpace, LocalCopies
from impactnet.core.kept import KEPT
from impactnet.database import utcnow
from impactnet.extensions import cache

log = logging.getLogger(__name__)
MARK = "impactnet.keep_response"  # environ: the _Mark of a view whose answer may be kept
UNTIL = "impactnet.keep_response.until"  # environ: the expiry of the request's sign-in, when it has one
ENTRIES = 256  # per process; a page is some 20 kB, so at most about 5 MB
SECONDS = 60  # at most, whatever the generations say (a page shows the day)


class _Mark(NamedTuple):
    spaces: tuple[KeySpace, ...]
    generations: tuple[str, ...]


class _Kept(NamedTuple):
    mark: _Mark  # what the answer was made under
    until: datetime | None  # the sign-in's expiry
    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


def keep_response(space: KeySpace) -> Callable:
    """Let :class:`ResponseCache` keep this view's answers under ``space``'s generation (and the kept
    one, for a request with a cookie). Only for a view whose answer depends on nothing but what those
    key spaces hold, the request's key and the day; :func:`forget_response` where it does after all."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if request.method == "GET":
                spaces = (space, KEPT) if "HTTP_COOKIE" in request.environ and space is not KEPT else (space,)
                generations = tuple(s.generation() for s in spaces)  # before the data
                if None not in generations:
                    request.environ[MARK] = _Mark(spaces, generations)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def forget_response() -> None:
    """This answer is not to be kept after all (it shows what no key space holds)."""
    request.environ.pop(MARK, None)


class ResponseCache:
    """WSGI middleware in front of the Flask app (behind ProxyFix, so it sees the host and scheme Flask sees)."""

    def __init__(self, wsgi_app: Callable, app: Flask) -> None:
        self.wsgi_app, self.app = wsgi_app, app
        self.copies = LocalCopies(ENTRIES, SECONDS)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "GET" or "HTTP_AUTHORIZATION" in environ:
            return self.wsgi_app(environ, start_response)
        key = (
            environ.get("SCRIPT_NAME"),
            environ.get("PATH_INFO"),
            environ.get("QUERY_STRING"),
            environ.get("HTTP_HOST"),
            environ.get("wsgi.url_scheme"),
            environ.get("HTTP_ACCEPT_LANGUAGE"),
            environ.get("HTTP_COOKIE"),
        )
        kept = self.copies.get(key)
        if kept is not None and self._still_current(kept):
            start_response(kept.status, list(kept.headers))
            return [kept.body]
        answered: list = []

        def capture(status, headers, exc_info=None):
            answered[:] = [status, headers]
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, capture)
        mark = environ.get(MARK)
        if (
            mark is None
            or not answered
            or not answered[0].startswith("200 ")
            or any(name.lower() == "set-cookie" for name, _value in answered[1])
        ):
            return body
        try:
            content = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        self.copies.put(key, _Kept(mark, environ.get(UNTIL), answered[0], tuple(answered[1]), content))
        return [content]

    def _still_current(self, kept: _Kept) -> bool:
        if kept.until is not None and utcnow() >= kept.until:
            return False
        try:  # without an app context: straight from the shared cache's client
            current = self.app.extensions["cache"][cache].get_many(*(s.generation_key for s in kept.mark.spaces))
        except Exception:
            log.warning("cache generations unreadable; Flask answers", exc_info=True)
            return False
        return tuple(current) == kept.mark.generations


def _note_sign_in_expiry(response):
    """After the view: a kept answer of a signed-in request lasts no longer than its sign-in."""
    if MARK in request.environ and current_user.is_authenticated:
        request.environ[UNTIL] = current_user.session_expires_at or utcnow()
    return response


def init_response_cache(app: Flask) -> None:
    app.wsgi_app = ResponseCache(app.wsgi_app, app)
    app.after_request(_note_sign_in_expiry)
