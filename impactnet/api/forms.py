from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from impactnet.core.forms import strip


class TokenForm(FlaskForm):
    name = StringField(
        _l("Naam van de sleutel"),
        filters=[strip],
        description=_l("Waarvoor gebruikt u deze sleutel? Bijvoorbeeld: dashboard team Economie."),
        validators=[
            DataRequired(_l("Geef de sleutel een naam.")),
            Length(max=80, message=_l("Gebruik hoogstens %(max)d tekens.", max=80)),
        ],
    )
    submit = SubmitField(_l("Sleutel aanmaken"))


class RevokeForm(FlaskForm):
    """Only the CSRF token."""
