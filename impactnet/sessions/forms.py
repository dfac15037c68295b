"""St MBO's session form (local date and times, as staff think of them) and the partners' buttons."""

from __future__ import annotations

from datetime import UTC, datetime, time
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from impactnet.core.forms import select_choices, strip
from impactnet.database import LOCAL_TIMEZONE
from impactnet.regions.services import list_municipalities
from impactnet.sessions.models import InspirationSession
from impactnet.sessions.services import MAX_CAPACITY, SessionInput

EVERYWHERE = ""
LANGUAGES = (("nl", _l("Nederlands")), ("en", _l("Engels")))


def _id_or_none(value):
    """The chosen municipality's id; "" is every municipality, anything else not a number an id no
    municipality has (the service refuses it in Dutch)."""
    if value in (EVERYWHERE, None):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _https_only(form, field):
    if not field.data:
        return
    parts = urlsplit(field.data)
    if parts.scheme != "https" or not parts.hostname or "." not in parts.hostname or " " in field.data:
        raise ValidationError(_l("Vul een volledige link in die begint met https://."))


def _known_language(form, field):
    if field.data not in {code for code, _ in LANGUAGES}:
        raise ValidationError(_l("Kies Nederlands of Engels."))


def _local(day, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=LOCAL_TIMEZONE).astimezone(UTC)


class SessionForm(FlaskForm):
    date = DateField(_l("Datum"), validators=[DataRequired(_l("Vul een geldige datum in."))])
    start_time = TimeField(
        _l("Begintijd"), validators=[DataRequired(_l("Vul een geldige tijd in, bijvoorbeeld 15:30."))]
    )
    end_time = TimeField(_l("Eindtijd"), validators=[DataRequired(_l("Vul een geldige tijd in, bijvoorbeeld 17:00."))])
    location = StringField(
        _l("Plaats (adres)"),
        filters=[strip],
        description=_l("Leeg bij een sessie die alleen online is."),
        validators=[Length(max=200, message=_l("Hoogstens %(max)d tekens.", max=200))],
    )
    online_url = StringField(
        _l("Link om online deel te nemen"),
        filters=[strip, lambda v: v or None],
        description=_l("Begint met https://. Leeg bij een sessie die alleen op locatie is."),
        validators=[Optional(), Length(max=500, message=_l("Hoogstens %(max)d tekens.", max=500)), _https_only],
    )
    capacity = IntegerField(
        _l("Aantal plaatsen"),
        validators=[
            InputRequired(_l("Vul het aantal plaatsen in.")),
            NumberRange(1, MAX_CAPACITY, _l("Vul een aantal plaatsen van 1 tot en met %(max)d in.", max=MAX_CAPACITY)),
        ],
    )
    language = SelectField(
        _l("Taal"), choices=select_choices(LANGUAGES), default="nl", validate_choice=False, validators=[_known_language]
    )
    municipality_id = SelectField(_l("Voor partners uit"), coerce=_id_or_none, validate_choice=False)
    submit = SubmitField(_l("Sessie opslaan"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality_id.choices = select_choices(
            [(EVERYWHERE, _l("Alle gemeenten"))] + [(m.id, m.name) for m in list_municipalities(active_only=True)]
        )

    def validate_end_time(self, field):
        if self.start_time.data and field.data and field.data <= self.start_time.data:
            raise ValidationError(_l("De eindtijd moet na de begintijd liggen."))

    def fill_from(self, session: InspirationSession) -> None:
        starts, ends = session.starts_at.astimezone(LOCAL_TIMEZONE), session.ends_at.astimezone(LOCAL_TIMEZONE)
        self.date.data, self.start_time.data, self.end_time.data = starts.date(), starts.time(), ends.time()
        self.location.data, self.online_url.data, self.capacity.data = (
            session.location,
            session.online_url,
            session.capacity,
        )
        self.language.data, self.municipality_id.data = session.language, session.municipality_id

    def session_input(self) -> SessionInput:
        return SessionInput(
            starts_at=_local(self.date.data, self.start_time.data),
            ends_at=_local(self.date.data, self.end_time.data),
            location=self.location.data or "",
            online_url=self.online_url.data,
            capacity=self.capacity.data,
            language=self.language.data,
            municipality_id=self.municipality_id.data,
        )


class ButtonForm(FlaskForm):
    """A button that changes something (sign up, cancel): only the CSRF token."""


class AttendanceForm(FlaskForm):
    """The attendance page: which bookings were present is read from the ticked ``present`` boxes."""

    submit = SubmitField(_l("Aanwezigheid vastleggen"))
