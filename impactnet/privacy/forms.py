from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from impactnet.core.forms import strip
from impactnet.organisations.identifiers import normalise_kvk


class ErasureForm(FlaskForm):
    """Staff erase an organisation's personal data: a reason, and the KvK number typed again
    so that nobody erases the wrong organisation by a slip of the mouse."""

    reason = TextAreaField(
        _l("Reden (bijvoorbeeld: verzoek per e-mail van 3 maart)"),
        filters=[strip],
        description=_l("Noem geen namen of e-mailadressen: de reden blijft bewaard in de geschiedenis."),
        validators=[DataRequired(_l("Geef de reden van het verzoek.")), Length(max=2000)],
    )
    confirmation = StringField(
        _l("Typ ter bevestiging het KvK-nummer van de organisatie"),
        filters=[strip],
        validators=[DataRequired(_l("Typ het KvK-nummer ter bevestiging.")), Length(max=40)],
    )
    erase = SubmitField(_l("Persoonsgegevens definitief wissen"))

    def __init__(self, *args, kvk_number: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kvk_number = kvk_number

    def validate_confirmation(self, field) -> None:
        if normalise_kvk(field.data or "") != self.kvk_number:
            raise ValidationError(_l("Dit is niet het KvK-nummer van deze organisatie."))
