"""WSGI entry for the HTTP benchmark: ``/__floor`` answers a constant, everything else goes to ``wsgi.app``.

    gunicorn tests.perf.bench_wsgi:app

The floor measures gunicorn + loopback + the load generator alone; the app is not changed.
Not collected by pytest (the file is not named test_*.py).
"""
from wsgi import app as impactnet_app

FLOOR_BODY = b"ok\n"


def floor(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(FLOOR_BODY)))])
    return [FLOOR_BODY]


def app(environ, start_response):
    if environ.get("PATH_INFO") == "/__floor":
        return floor(environ, start_response)
    return impactnet_app(environ, start_response)
