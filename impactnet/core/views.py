"""Home page, each role's dashboard, the language switch and the health check."""
from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Blueprint, jsonify, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from impactnet.accounts.forms import ResendVerificationForm
from impactnet.accounts.models import Role
from impactnet.accounts.services import set_locale
from impactnet.audit.labels import AUDIT_LABELS
from impactnet.core.forms import LanguageForm
from impactnet.core.locale import SESSION_KEY
from impactnet.core.rendering import safe_next
from impactnet.database import local_today
from impactnet.extensions import db, limiter
from impactnet.journey.overview import journey_overview
from impactnet.organisations.services import history
from impactnet.regions.services import list_municipalities
from impactnet.stats.models import REGION
from impactnet.stats.services import latest_snapshots

bp = Blueprint("core", __name__)
log = logging.getLogger(__name__)


@bp.app_template_filter("audit_label")
def audit_label(action) -> str:
    return str(AUDIT_LABELS.get(action, action))


@bp.route("/")
def home():
    return render_template("core/home.html", region=latest_snapshots().get(REGION))


@bp.route("/dashboard")
@login_required
def dashboard():
    if current_user.role is Role.PARTNER:
        organisation = current_user.organisation
        journey = journey_overview(organisation)
        return render_template("core/dashboard_partner.html", organisation=organisation, today=local_today(),
                               journey=journey, resend_form=ResendVerificationForm(),
                               history=history(organisation, limit=5), step_titles=journey.step_titles)
    if current_user.role is Role.MUNICIPALITY:
        return redirect(url_for("regions.show", slug=current_user.municipality.slug))
    snapshots = latest_snapshots()
    return render_template("core/dashboard_staff.html", region=snapshots.get(REGION),
                           municipalities=list_municipalities(), counts=snapshots)


@bp.route("/language", methods=["POST"])
def set_language():
    """The footer's language switch: remembered in the session, and for a
    signed-in user on the account (pages and mails follow it)."""
    form = LanguageForm()
    if not form.validate_on_submit():
        message = _("Deze taal kennen we niet. Kies Nederlands of English.")
        return render_template("errors/error.html", code=400, message=message), 400
    session[SESSION_KEY] = form.locale.data
    if current_user.is_authenticated:
        set_locale(current_user, form.locale.data)
        db.session.commit()
    return redirect(safe_next(form.next.data) or url_for("core.home"))


@bp.route("/healthz")
@limiter.exempt
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except Exception:  # any failure to reach the database is "unavailable"
        log.exception("health check: database unreachable")
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
