"""The JSON API, /api/v1.

Who may read what:
- ``/regions`` and ``/openapi.json`` are public (aggregate figures only), and so is
  ``/verify/<kvk>`` (an organisation's label status, see impactnet.directory).
- ``/regions/<slug>/series`` needs a user: an ``Authorization: Bearer <token>``
  header (a municipality viewer's personal token) or, for browsers, the portal's
  session cookie. Staff read every municipality, a municipality viewer only their
  own (403 for another) whether by token or by session: the series is the same
  aggregate data their portal page already shows them. A header that carries no
  valid token is 401 even when a session cookie is present, so a client learns
  that its token stopped working.
Every endpoint is GET only, so the blueprint is exempt from CSRF.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from impactnet.accounts.access import EVERYONE, MUNICIPALITY, STAFF_ROLES, access, policy
from impactnet.accounts.models import Role
from impactnet.api import services
from impactnet.api.openapi import openapi_document
from impactnet.core.params import ParameterError, date_range
from impactnet.core.response_cache import keep_response
from impactnet.database import local_today, utcnow
from impactnet.directory.services import verified
from impactnet.extensions import csrf, db
from impactnet.organisations.identifiers import is_kvk
from impactnet.organisations.identity import identity_history
from impactnet.regions.services import municipality_by_slug
from impactnet.stats.cache import FIGURES, cached

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


def _unauthorised():
    response = jsonify(
        error=_("Log in of stuur een geldige API-sleutel mee."),
        error_en="Sign in or send a valid API token.",
        status=401,
    )
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer realm="impactnet"'
    return response


@bp.get("/openapi.json")
@access(EVERYONE)
def openapi():
    return jsonify(openapi_document(current_app.config["SESSION_COOKIE_NAME"]))


@bp.get("/regions")
@keep_response(FIGURES)  # polled by machines: answered before Flask while the figures are unchanged
@access(EVERYONE)
def regions():
    # Cached as JSON text, so a cache hit serialises nothing; ``generated_at`` is when the figures were read.
    body = cached(lambda: current_app.json.dumps(services.regions_payload(utcnow())), "api-regions")
    return current_app.response_class(body, mimetype="application/json")


@bp.get("/verify/<kvk>")
@access(EVERYONE)
def verify(kvk: str):
    """An organisation's label status by KvK number (also by a former number of the organisation);
    "unknown" (404) for one that never had a label and is not a listed partner, so the answer does
    not reveal who registered."""
    if not is_kvk(kvk):
        error = ParameterError("kvk", "Een KvK-nummer bestaat uit 8 cijfers.", "A KvK number has 8 digits.")
        return jsonify(error.as_json()), 400
    found = verified(kvk, local_today())
    if found is None:
        return jsonify(kvk=kvk, status="unknown"), 404
    response = jsonify(services.verification_payload(found, kvk, identity_history(found.organisation), utcnow()))
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/regions/<slug>/series")
@access(policy(Role.MUNICIPALITY, *STAFF_ROLES, own=MUNICIPALITY, token=True))  # services.may_read_series
def series(slug: str):
    if "Authorization" in request.headers:
        user = services.authenticate(request.headers["Authorization"])
        db.session.commit()  # last_used_at
    else:
        user = current_user if current_user.is_authenticated else None
    if user is None:
        return _unauthorised()
    try:
        start, end = date_range(request.args, local_today())
    except ParameterError as error:
        return jsonify(error.as_json()), 400
    municipality = municipality_by_slug(slug) or abort(404)
    if not services.may_read_series(user, municipality):
        abort(403)
    return jsonify(services.series_payload(municipality, start, end, utcnow()))
