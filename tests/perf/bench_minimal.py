"""The second floor of the HTTP benchmark: a separate minimal Flask app, one route returning a constant.

    gunicorn tests.perf.bench_minimal:app

No extensions, no hooks, no templates: what Flask itself costs on top of gunicorn. The issue's
targets are shares of its CPU time per request (its CPU ms divided by a route's). Served by the
same gunicorn settings as the portal (``--preload -w 2``, sync workers, loopback).

Not collected by pytest (the file is not named test_*.py).
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def constant():
    return "ok\n"
