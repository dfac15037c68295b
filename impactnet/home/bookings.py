"""The partner dashboard's buttons: sign up for an inspiration session, or cancel."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from impactnet.accounts.access import access, policy
from impactnet.accounts.models import Role
from impactnet.core.rendering import refused
from impactnet.extensions import db
from impactnet.home.views import partner_dashboard_page
from impactnet.sessions import services
from impactnet.sessions.models import BookingState, InspirationSession

bp = Blueprint("session_bookings", __name__, url_prefix="/inspiration-sessions")


def _act(session_id: int, act, done):
    """Run ``act(organisation, session)`` for the signed-in partner's organisation (CSRFProtect has
    checked the token); a refusal is shown on the dashboard with a 409."""
    session = db.session.get(InspirationSession, session_id) or abort(404)
    try:
        result = act(current_user.organisation, session)
    except services.SessionError as error:
        refused(error.message)
        return partner_dashboard_page(409)
    db.session.commit()
    flash(done(result), "success")
    return redirect(url_for("home.dashboard", _anchor="sessions"))


@bp.post("/<int:session_id>/book")
@access(policy(Role.PARTNER))  # always for the partner's own organisation
def book(session_id: int):
    return _act(
        session_id,
        lambda organisation, session: services.book(current_user, organisation, session),
        lambda booking: (
            _("U bent aangemeld. U ontvangt een bevestiging per e-mail met een agenda-uitnodiging.")
            if booking.state is BookingState.BOOKED
            else _("De sessie is vol: u staat op de wachtlijst. Komt er een plaats vrij, dan krijgt u een e-mail.")
        ),
    )


@bp.post("/<int:session_id>/cancel")
@access(policy(Role.PARTNER))
def cancel(session_id: int):
    return _act(
        session_id,
        lambda organisation, session: services.cancel_booking(current_user, organisation, session),
        lambda _result: _("Uw aanmelding is geannuleerd."),
    )
