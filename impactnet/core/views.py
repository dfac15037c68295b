"""Home page, each role's dashboard and the health check."""
from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Blueprint, jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required

from impactnet.accounts.forms import ResendVerificationForm
from impactnet.accounts.models import Role
from impactnet.audit.labels import AUDIT_LABELS
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
