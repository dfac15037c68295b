"""WSGI entry for the HTTP benchmark: the portal (``wsgi.app``) with two constant routes added.

    gunicorn tests.perf.bench_wsgi:app

- ``/__floor``: the issue's floor, "a bare route that returns a constant string": a route of the
  portal that does nothing else, so it passes through the same Flask app, hooks and headers
  (Talisman, CSRF, Flask-Login, the locale) as every page. The targets are shares of its requests/s.
- ``/__wsgi``: the same constant answered before Flask, by a plain WSGI function: what gunicorn,
  loopback and the load generator alone allow. Printed for reference; a constant route through
  Flask itself reaches only about 40% of it on this machine.

Not collected by pytest (the file is not named test_*.py).
"""

from wsgi import app as impactnet_app

FLOOR_BODY = b"ok\n"


@impactnet_app.get("/__floor")
def floor():
    return FLOOR_BODY


def gunicorn_alone(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(FLOOR_BODY)))])
    return [FLOOR_BODY]


def app(environ, start_response):
    if environ.get("PATH_INFO") == "/__wsgi":
        return gunicorn_alone(environ, start_response)
    return impactnet_app(environ, start_response)
