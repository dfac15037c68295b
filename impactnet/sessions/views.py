"""St MBO's inspiration sessions: the list, planning, changing and cancelling one, and its attendance."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from impactnet.accounts.access import STAFF, access
from impactnet.core.rendering import refused, refused_field
from impactnet.database import utcnow
from impactnet.extensions import db
from impactnet.journey.services import steps
from impactnet.review import todo
from impactnet.sessions import attendance, mails, services
from impactnet.sessions.forms import AttendanceForm, ButtonForm, SessionForm
from impactnet.sessions.models import InspirationSession

bp = Blueprint("sessions", __name__, url_prefix="/sessions")
bp.add_app_template_filter(mails.where, "session_where")
bp.add_app_template_filter(mails.language_name, "language_name")


def _session_or_404(session_id: int) -> InspirationSession:
    return db.session.get(InspirationSession, session_id) or abort(404)


def _form_page(form: SessionForm, session: InspirationSession | None, status: int = 200):
    return render_template("sessions/form.html", form=form, session=session), status


def _refused(form: SessionForm, error: services.SessionError, session_id: int | None):
    refused_field(getattr(form, error.field or "date"), error.message)
    return _form_page(form, _session_or_404(session_id) if session_id else None, 422)


def _index(status: int = 200):
    now = utcnow()
    upcoming, past = services.sessions_overview(now)
    return render_template(
        "sessions/index.html",
        upcoming=upcoming,
        past=past,
        now=now,
        without_booking=services.waiting_without_booking(todo.staff_step_query(steps()), now),
        cancel_form=ButtonForm(),
    ), status


@bp.get("/")
@access(STAFF)
def index():
    return _index()


@bp.route("/new", methods=["GET", "POST"])
@access(STAFF)
def new():
    form = SessionForm()
    if not form.validate_on_submit():
        return _form_page(form, None, 422 if form.is_submitted() else 200)
    try:
        services.plan_session(current_user, form.session_input())
    except services.SessionError as error:
        return _refused(form, error, None)
    db.session.commit()
    flash(
        _("De inspiratiesessie is gepland. Partners die op de sessie wachten, zien haar nu op hun overzicht."),
        "success",
    )
    return redirect(url_for("sessions.index"))


@bp.route("/<int:session_id>/edit", methods=["GET", "POST"])
@access(STAFF)
def edit(session_id: int):
    session = _session_or_404(session_id)
    form = SessionForm()
    if request.method == "GET":
        form.fill_from(session)
    if not form.validate_on_submit():
        return _form_page(form, session, 422 if form.is_submitted() else 200)
    try:
        changed = services.update_session(current_user, session, form.session_input())
    except services.SessionError as error:
        return _refused(form, error, session_id)
    db.session.commit()
    flash(
        _("De sessie is gewijzigd; aangemelde organisaties krijgen bericht als moment of plaats veranderde.")
        if changed
        else _("Er was niets gewijzigd."),
        "success",
    )
    return redirect(url_for("sessions.index"))


@bp.post("/<int:session_id>/cancel")
@access(STAFF)
def cancel(session_id: int):
    session = _session_or_404(session_id)  # CSRFProtect has checked the token
    try:
        services.cancel_session(current_user, session)
    except services.SessionError as error:
        refused(error.message)
        return _index(409)
    db.session.commit()
    flash(_("De sessie is geannuleerd; de aangemelde organisaties krijgen bericht."), "success")
    return redirect(url_for("sessions.index"))


@bp.route("/<int:session_id>/attendance", methods=["GET", "POST"])
@access(STAFF)
def attendance_page(session_id: int):
    session, form, now = _session_or_404(session_id), AttendanceForm(), utcnow()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template(
            "sessions/attendance.html", session=session, form=form, now=now, listed=attendance.attendance_list(session)
        ), status
    present = {int(value) if value.isdigit() else -1 for value in request.form.getlist("present")}
    try:
        result = attendance.record_attendance(current_user, session, present, now)
    except services.SessionError as error:
        refused(error.message)
        session = _session_or_404(session_id)
        return render_template(
            "sessions/attendance.html", session=session, form=form, now=now, listed=attendance.attendance_list(session)
        ), 409
    db.session.commit()
    flash(
        _(
            "De aanwezigheid is vastgelegd: de stap ‘Inspiratiesessie’ is afgerond voor %(num)d organisatie(s).",
            num=len(result.recorded),
        ),
        "success",
    )
    for name, reason in result.skipped:
        flash(
            _(
                "%(organisation)s was aanwezig, maar de stap is niet vastgelegd: %(reason)s.",
                organisation=name,
                reason=reason,
            ),
            "warning",
        )
    return redirect(url_for("sessions.attendance_page", session_id=session_id))
