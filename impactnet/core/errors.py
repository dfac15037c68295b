"""Error pages in Dutch, JSON for API-style paths."""

from __future__ import annotations

from flask import current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from impactnet.extensions import db


def _messages():
    return {
        400: _("Het verzoek is niet geldig."),
        403: _("U heeft geen toegang tot deze pagina."),
        404: _("Deze pagina bestaat niet (meer)."),
        405: _("Deze actie is hier niet toegestaan."),
        409: _(
            "Iemand anders heeft dit intussen al opgeslagen of gewijzigd. Laad de pagina opnieuw en bekijk de actuele stand."
        ),
        413: _("Het verstuurde bestand of formulier is te groot."),
        422: _("De gegevens konden niet worden verwerkt."),
        429: _("Te veel pogingen. Wacht even en probeer het dan opnieuw."),
        500: _("Er ging iets mis aan onze kant. Probeer het later opnieuw."),
    }


def _forget_transaction() -> None:
    """Roll back whatever the request left unfinished before the page is rendered.

    After a failed statement the session refuses every query until it is rolled back, and even
    the message needs the signed-in user (for the language), as does the page's menu: without
    this the error page itself fails and the server's bare page (without the security headers)
    goes out instead. Nothing a failed request wrote may be committed anyway. Each handler calls
    it first.
    """
    try:
        db.session.rollback()
    except Exception:  # the database may be what failed; the page is still rendered
        current_app.logger.warning("rollback before the error page failed", exc_info=True)


def _render(code: int, message: str):
    if request.path.startswith(("/api/", "/healthz")):
        return jsonify(error=message, status=code), code
    return render_template("errors/error.html", code=code, message=message), code


def register_error_handlers(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        _forget_transaction()
        return _render(
            400, _("Het formulier is verlopen of niet geldig. Laad de pagina opnieuw en probeer het nog eens.")
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        _forget_transaction()
        code = error.code or 500
        body, status = _render(code, _messages().get(code, error.name))
        # Keep what the exception says beyond its own body: Allow on a 405, WWW-Authenticate, Retry-After.
        headers = [
            (name, value)
            for name, value in error.get_headers()
            if name.lower() not in ("content-type", "content-length")
        ]
        return body, status, headers

    @app.errorhandler(IntegrityError)
    def integrity_error(error: IntegrityError):
        # A safety net: services answer races on unique rows themselves (a message, or carrying
        # on with the row a parallel request made). One that still gets here was another request
        # a moment quicker, so "conflict", not "our fault"; logged so that it can be handled.
        _forget_transaction()
        app.logger.error("integrity error reached the error handler on %s", request.path, exc_info=error)
        return _render(409, _messages()[409])

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        _forget_transaction()
        app.logger.exception("unhandled error on %s", request.path)
        return _render(500, _messages()[500])
