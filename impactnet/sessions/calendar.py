"""The session as an iCalendar file (RFC 5545), attached to the confirmation mail, so that it lands in
the partner's agenda: one VEVENT whose UID stays the same for the session, times in UTC, and a SEQUENCE
that rises with every change (a cancellation included), so agenda programs replace the older one."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import parseaddr
from urllib.parse import urlsplit

from flask import current_app

from impactnet.database import utcnow
from impactnet.sessions.models import InspirationSession

PUBLISH, CANCEL = "PUBLISH", "CANCEL"
FILENAME = "inspiratiesessie.ics"


def uid(session: InspirationSession) -> str:
    host = urlsplit(current_app.config.get("PUBLIC_URL") or "").hostname or "impactnet"
    return f"inspiratiesessie-{session.id}@{host}"


def calendar_file(
    session: InspirationSession, *, summary: str, description: str, method: str = PUBLISH, sequence: int | None = None
) -> bytes:
    """The .ics for ``session``: PUBLISH (a booking confirmed) or CANCEL (booking or session cancelled)."""
    from icalendar import Calendar, Event, vCalAddress, vText  # here: a web worker seldom writes one

    calendar = Calendar()
    calendar.add("prodid", "-//St MBO//impactnet//NL")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", uid(session))
    event.add("dtstamp", utcnow())
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("sequence", session.sequence if sequence is None else sequence)
    event.add("summary", summary)
    event.add("description", description)
    if session.location:
        event.add("location", session.location)
    if session.online_url:
        event.add("url", session.online_url)
    event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    name, address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(name or "St MBO")
    event["organizer"] = organizer
    calendar.add_component(event)
    return calendar.to_ical()


def attach(message: EmailMessage, ics: bytes, method: str = PUBLISH) -> EmailMessage:
    message.add_attachment(ics, maintype="text", subtype="calendar", filename=FILENAME, params={"method": method})
    return message
