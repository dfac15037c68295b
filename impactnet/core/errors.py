"""Error pages in Dutch, JSON for API-style paths."""
from __future__ import annotations

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


def _messages():
    return {
        400: _("Het verzoek is niet geldig."),
        403: _("U heeft geen toegang tot deze pagina."),
        404: _("Deze pagina bestaat niet (meer)."),
        405: _("Deze actie is hier niet toegestaan."),
        413: _("Het verstuurde bestand of formulier is te groot."),
        422: _("De gegevens konden niet worden verwerkt."),
        429: _("Te veel pogingen. Wacht even en probeer het dan opnieuw."),
        500: _("Er ging iets mis aan onze kant. Probeer het later opnieuw."),
    }


def _render(code: int, message: str):
    if request.path.startswith(("/api/", "/healthz")):
        return jsonify(error=message, status=code), code
    return render_template("errors/error.html", code=code, message=message), code


def register_error_handlers(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _render(400, _("Het formulier is verlopen of niet geldig. Laad de pagina opnieuw en probeer het nog eens."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        return _render(code, _messages().get(code, error.name))

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("unhandled error on %s", request.path)
        return _render(500, _messages()[500])
