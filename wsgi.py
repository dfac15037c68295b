"""WSGI entry point: ``gunicorn wsgi:app`` and ``flask --app wsgi``."""
from werkzeug.middleware.proxy_fix import ProxyFix

from impactnet import create_app

app = create_app()
if proxies := app.config["PROXY_FIX"]:
    # Behind reverse proxies (nginx) in production: trust their X-Forwarded-*.
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
