"""Forms of the bulk actions on the organisation search. The selection itself travels in hidden
fields of its own (see :mod:`impactnet.workspace.bulk_views`); these carry what the action
does and the preview's token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from impactnet.core.forms import strip
from impactnet.organisations.note_forms import AccountManagerChoiceForm
from impactnet.workspace.bulk_message import MAX_BODY, MAX_SUBJECT, Message


def _one_line(form, field):
    """A subject is one header line: a line break in it could add headers to the mail."""
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in field.data or ""):
        raise ValidationError(_l("Het onderwerp moet op één regel passen, zonder regeleinden of andere stuurtekens."))


class MessageForm(FlaskForm):
    subject = StringField(
        _l("Onderwerp"),
        filters=[lambda v: v.strip(" ") if isinstance(v, str) else v],
        validators=[
            DataRequired(_l("Vul het onderwerp in.")),
            _one_line,
            Length(
                max=MAX_SUBJECT, message=_l("Het onderwerp mag hoogstens %(max)d tekens lang zijn.", max=MAX_SUBJECT)
            ),
        ],
    )
    body = TextAreaField(
        _l("Bericht"),
        filters=[strip],
        description=_l(
            "Platte tekst. Een witregel begint een nieuwe alinea. De aanhef (‘Beste …’) en de afsluiting zet "
            "impactnet er zelf bij."
        ),
        validators=[
            DataRequired(_l("Schrijf het bericht.")),
            Length(max=MAX_BODY, message=_l("Het bericht mag hoogstens %(max)d tekens lang zijn.", max=MAX_BODY)),
        ],
    )
    token = HiddenField()
    preview = SubmitField(_l("Voorvertoning bekijken"))
    edit = SubmitField(_l("Terug en aanpassen"))
    send = SubmitField(_l("Versturen"))

    def message(self) -> Message:
        return Message(self.subject.data, self.body.data)


class ManagerForm(AccountManagerChoiceForm):
    token = HiddenField()
    preview = SubmitField(_l("Voorvertoning bekijken"))
    assign = SubmitField(_l("Toewijzen"))


def _known_format(form, field):
    if field.data not in ("csv", "xlsx"):
        raise ValidationError(_l("Kies CSV of Excel (XLSX)."))


class DownloadForm(FlaskForm):
    token = HiddenField()
    fmt = StringField(validators=[_known_format])  # the button pressed: csv or xlsx
