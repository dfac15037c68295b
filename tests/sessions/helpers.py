"""Sessions and organisations waiting for one, for the sessions' tests."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar

from impactnet.database import utcnow
from impactnet.extensions import db
from impactnet.sessions.models import InspirationSession
from tests import factories
from tests.review.todo_helpers import at_step

BEFORE_SESSION = ("partnerovereenkomst", "inventarisatie")


def waiting_partner(municipality, path, organisation_name: str = "Drukkerij Merwede B.V.", **user):
    """A partner user of an organisation whose step before the inspiration session is approved."""
    organisation = at_step(municipality, path, organisation_name, approved=BEFORE_SESSION)
    return factories.PartnerUserFactory(organisation=organisation, **user)


def planned_session(in_days: float = 7, hours: float = 2, **fields) -> InspirationSession:
    starts = (utcnow() + timedelta(days=in_days)).replace(microsecond=0)
    fields.setdefault("location", "Stadskantoor, Spuiboulevard 300, Dordrecht")
    fields.setdefault("capacity", 10)
    session = InspirationSession(starts_at=starts, ends_at=starts + timedelta(hours=hours), language="nl", **fields)
    db.session.add(session)
    db.session.commit()
    return session


def move_into_the_past(session: InspirationSession, hours_ago: float = 3) -> None:
    """The session has been held (bookings are only possible before, so tests move it afterwards)."""
    length = session.ends_at - session.starts_at
    session.starts_at = (utcnow() - timedelta(hours=hours_ago)).replace(microsecond=0)
    session.ends_at = session.starts_at + length
    db.session.commit()


def mails_to(mailbox, address: str) -> list:
    return [message for message in mailbox if message["To"] == address]


def calendar_of(message) -> tuple[Calendar, str]:
    """The attached .ics, parsed back, and the attachment's content type."""
    attachment = next(message.iter_attachments())
    return Calendar.from_ical(
        attachment.get_content() if isinstance(attachment.get_content(), str) else attachment.get_content().decode()
    ), attachment.get_content_type()
