"""The partner's mails about its place in an inspiration session: confirmed (also after the waiting
list), on the waiting list, cancelled (by the organisation or with the session), the session changed.
A place comes with the session as a calendar file (.ics); a cancelled place with its cancellation.
Each goes to every active user of the organisation in their own language, once per key."""

from __future__ import annotations

from flask_babel import format_date, format_time
from flask_babel import gettext as _

from impactnet.mail.messages import build_message, public_url
from impactnet.organisations.mails import mail_organisation
from impactnet.sessions import calendar
from impactnet.sessions.models import InspirationSession, SessionBooking

KIND = "session_booking"


def when(session: InspirationSession) -> str:
    return _(
        "%(date)s van %(start)s tot %(end)s",
        date=format_date(session.starts_at, "full"),
        start=format_time(session.starts_at, "short"),
        end=format_time(session.ends_at, "short"),
    )


def where(session: InspirationSession) -> str:
    if session.location and session.online_url:
        return _("%(place)s, of online via %(url)s", place=session.location, url=session.online_url)
    if session.online_url:
        return _("Online via %(url)s", url=session.online_url)
    return session.location


def language_name(language: str) -> str:
    return _("Engels") if language == "en" else _("Nederlands")


def _details(session: InspirationSession) -> list[str]:
    return [
        _("Wanneer: %(when)s", when=when(session)),
        _("Waar: %(where)s", where=where(session)),
        _("Taal: %(language)s", language=language_name(session.language)),
    ]


def _ics(session: InspirationSession, method: str = calendar.PUBLISH) -> bytes:
    return calendar.calendar_file(
        session,
        method=method,
        summary=_("Inspiratiesessie Ondernemen met impact (St MBO)"),
        description=_(
            "Inspiratiesessie van St MBO: samen verkennen welke impact uw organisatie kan maken. "
            "Uw aanmelding en annuleren: %(link)s",
            link=public_url("home.dashboard"),
        ),
    )


def _message(user, subject: str, paragraphs: list[str], next_steps: list[str]):
    return build_message(
        user.email,
        subject,
        "decision",
        user=user,
        paragraphs=paragraphs,
        words=None,
        words_heading="",
        next_steps=next_steps,
        button=_("Naar uw overzicht"),
        link=public_url("home.dashboard"),
    )


def _send(booking: SessionBooking, key: str, build) -> None:
    mail_organisation(booking.organisation, kind=KIND, key=f"{booking.id}:{key}", build=build)


def booking_confirmed(booking: SessionBooking, promoted: bool = False) -> None:
    session, organisation = booking.session, booking.organisation

    def build(user):
        if promoted:
            subject = _(
                "Er is een plaats vrijgekomen: %(organisation)s is aangemeld voor de inspiratiesessie",
                organisation=organisation.name,
            )
            opening = _(
                "Er is een plaats vrijgekomen in de inspiratiesessie. %(organisation)s stond op de "
                "wachtlijst en is nu aangemeld.",
                organisation=organisation.name,
            )
        else:
            subject = _("Aangemeld voor de inspiratiesessie van %(date)s", date=format_date(session.starts_at, "long"))
            opening = _(
                "%(organisation)s is aangemeld voor de inspiratiesessie van St MBO.", organisation=organisation.name
            )
        message = _message(
            user,
            subject,
            [opening, *_details(session)],
            [
                _(
                    "De uitnodiging zit als agenda-bestand bij deze e-mail: open het om de sessie in uw agenda te zetten."
                ),
                _(
                    "U krijgt een dag van tevoren een herinnering. Kunt u niet? Annuleer dan via uw overzicht, zodat een "
                    "ander uw plaats krijgt."
                ),
                _("Na de sessie legt St MBO de stap ‘Inspiratiesessie’ voor u vast."),
            ],
        )
        return calendar.attach(message, _ics(session))

    _send(booking, "promoted" if promoted else "confirmed", build)


def booking_waiting(booking: SessionBooking, position: int) -> None:
    session, organisation = booking.session, booking.organisation

    def build(user):
        return _message(
            user,
            _("Op de wachtlijst voor de inspiratiesessie van %(date)s", date=format_date(session.starts_at, "long")),
            [
                _(
                    "De inspiratiesessie is vol. %(organisation)s staat op de wachtlijst, op plaats %(position)d.",
                    organisation=organisation.name,
                    position=position,
                ),
                *_details(session),
            ],
            [
                _(
                    "Komt er een plaats vrij, dan bent u automatisch aangemeld en krijgt u een e-mail met de "
                    "agenda-uitnodiging."
                ),
                _("Liever een andere sessie? Annuleer de wachtlijstplaats via uw overzicht en kies een andere."),
            ],
        )

    _send(booking, "waiting", build)


def booking_cancelled(booking: SessionBooking, had_place: bool) -> None:
    session, organisation = booking.session, booking.organisation

    def build(user):
        message = _message(
            user,
            _("Afgemeld voor de inspiratiesessie van %(date)s", date=format_date(session.starts_at, "long")),
            [
                _(
                    "%(organisation)s is afgemeld voor de inspiratiesessie van %(when)s.",
                    organisation=organisation.name,
                    when=when(session),
                )
            ],
            [_("U kunt zich via uw overzicht aanmelden voor een andere sessie.")],
        )
        return calendar.attach(message, _ics(session, calendar.CANCEL), calendar.CANCEL) if had_place else message

    _send(booking, f"cancelled:{booking.cancelled_at:%Y%m%dT%H%M%S%f}", build)


def session_cancelled(booking: SessionBooking, had_place: bool) -> None:
    session, organisation = booking.session, booking.organisation

    def build(user):
        message = _message(
            user,
            _("De inspiratiesessie van %(date)s gaat niet door", date=format_date(session.starts_at, "long")),
            [
                _(
                    "St MBO heeft de inspiratiesessie van %(when)s geannuleerd. De aanmelding van %(organisation)s "
                    "vervalt.",
                    when=when(session),
                    organisation=organisation.name,
                )
            ],
            [_("Kies via uw overzicht een andere sessie; onze excuses voor het ongemak.")],
        )
        return calendar.attach(message, _ics(session, calendar.CANCEL), calendar.CANCEL) if had_place else message

    _send(booking, "session-cancelled", build)


def session_changed(booking: SessionBooking) -> None:
    session = booking.session

    def build(user):
        message = _message(
            user,
            _("De inspiratiesessie is gewijzigd: nu op %(date)s", date=format_date(session.starts_at, "long")),
            [
                _(
                    "St MBO heeft het moment of de plaats van de inspiratiesessie gewijzigd. Dit zijn de nieuwe "
                    "gegevens:"
                ),
                *_details(session),
            ],
            [
                _("De nieuwe uitnodiging zit als agenda-bestand bij deze e-mail."),
                _("Kunt u nu niet? Annuleer dan via uw overzicht."),
            ],
        )
        return calendar.attach(message, _ics(session))

    _send(booking, f"changed:{session.sequence}", build)
