"""The security headers (Flask-Talisman), computed once per view and scheme.

Talisman builds its headers anew for every response: it reads the view's options four times and parses
the Content-Security-Policy from its dictionary, about a sixth of the CPU of the portal's cheapest request
(``tests/perf/bench_http.py``, the floor). What it sets depends only on the view's options (its endpoint)
and on whether the request came over HTTPS (Strict-Transport-Security), unless a policy carries a nonce,
which is new for every request: such views are left to Talisman. So :class:`Talisman` here lets Talisman
compute the headers the first time and sets the same ones after that; which headers and values stay
Talisman's decision.
"""

from __future__ import annotations

import threading

import flask
from flask_talisman import Talisman as _Talisman
from werkzeug.datastructures import Headers


class _Probe:
    """A response as far as Talisman's header methods use one."""

    def __init__(self) -> None:
        self.headers = Headers()


class Talisman(_Talisman):
    def __init__(self, *args, **kwargs) -> None:
        self._kept: dict[tuple, tuple[tuple[str, str], ...] | None] = {}
        self._kept_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def _set_response_headers(self, response):
        request = flask.request
        key = (request.endpoint, request.is_secure or request.headers.get("X-Forwarded-Proto", "http") == "https")
        if key not in self._kept:
            options = self._get_local_options()
            headers = None
            if not (options["content_security_policy"] and options["content_security_policy_nonce_in"]):
                headers = tuple(super()._set_response_headers(_Probe()).headers.items())
            with self._kept_lock:
                self._kept[key] = headers
        headers = self._kept[key]
        if headers is None:  # a nonce: new for every response
            return super()._set_response_headers(response)
        for name, value in headers:
            response.headers[name] = value
        return response
