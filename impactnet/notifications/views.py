"""St MBO staff see the mails that could not be delivered and send them again."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from impactnet.accounts.access import STAFF, access
from impactnet.extensions import db
from impactnet.mail import outbox as mails
from impactnet.mail.models import OutboxMail
from impactnet.notifications.forms import RetryForm

bp = Blueprint("notifications", __name__, url_prefix="/outbox")

# After a long mail server outage there can be thousands; the page shows the newest.
SHOWN = 200


@bp.route("")
@access(STAFF)
def outbox():
    return render_template(
        "notifications/outbox.html", mails=mails.failed_mails(SHOWN), total=mails.failed_count(), retry_form=RetryForm()
    )


@bp.route("/<int:mail_id>/retry", methods=["POST"])
@access(STAFF)
def retry(mail_id: int):
    mail = db.session.get(OutboxMail, mail_id) or abort(404)
    if not RetryForm().validate_on_submit():
        abort(400)
    if mails.retry(mail):
        db.session.commit()
        flash(_("De e-mail aan %(email)s wordt opnieuw verstuurd.", email=mail.to_address), "success")
    else:
        flash(_("Deze e-mail staat niet (meer) bij de mislukte e-mails; er is niets opnieuw verstuurd."), "info")
    return redirect(url_for("notifications.outbox"))
