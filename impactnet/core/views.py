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
from impactnet.journey.services import step_titles
from impactnet.organisations.services import history
from impactnet.regions.services import list_municipalities, status_counts

bp = Blueprint("core", __name__)
log = logging.getLogger(__name__)


@bp.app_template_filter("audit_label")
def audit_label(action) -> str:
    return str(AUDIT_LABELS.get(action, action))


@bp.route("/")
def home():
    return render_template("core/home.html", region=status_counts(None))


@bp.route("/dashboard")
@login_required
def dashboard():
    if current_user.role is Role.PARTNER:
        organisation = current_user.organisation
        return render_template("core/dashboard_partner.html", organisation=organisation, today=local_today(),
                               journey=journey_overview(organisation), resend_form=ResendVerificationForm(),
                               history=history(organisation, limit=5), step_titles=step_titles())
    if current_user.role is Role.MUNICIPALITY:
        return redirect(url_for("regions.show", slug=current_user.municipality.slug))
    municipalities = list_municipalities()
    return render_template("core/dashboard_staff.html", region=status_counts(None),
                           municipalities=municipalities,
                           counts={m.id: status_counts(m.id) for m in municipalities})


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
