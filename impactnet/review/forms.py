from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError
from wtforms.widgets import HiddenInput

from impactnet.core.forms import strip


class ApproveForm(FlaskForm):
    note = TextAreaField(_l("Opmerking (niet verplicht)"), filters=[strip], validators=[Length(max=5000)])
    approve = SubmitField(_l("Goedkeuren"))


class RequestChangesForm(FlaskForm):
    feedback = TextAreaField(
        _l("Wat moet er veranderen?"),
        filters=[strip],
        validators=[DataRequired(_l("Schrijf wat er moet veranderen.")), Length(max=5000)],
    )
    request_changes = SubmitField(_l("Wijzigingen vragen"))


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        _l("Reden"), filters=[strip], validators=[DataRequired(_l("Geef een reden.")), Length(max=5000)]
    )
    confirm = SubmitField(_l("Bevestigen"))


class RecordStepForm(FlaskForm):
    note = TextAreaField(
        _l("Verslag (bijvoorbeeld datum en deelnemers)"),
        filters=[strip],
        validators=[DataRequired(_l("Schrijf kort wat er is gebeurd.")), Length(max=5000)],
    )
    record = SubmitField(_l("Vastleggen als afgerond"))


class ClaimForm(FlaskForm):
    """Claim or release a submission (only the CSRF token)."""

    claim = SubmitField(_l("Ik pak dit op"))


def _database_id(form, field) -> None:
    # Not NumberRange: it turns the number into a float, which a 400-digit one overflows.
    if field.data is None or not 1 <= field.data <= 2**31 - 1:
        raise ValidationError(_l("Vernieuw de pagina en probeer het opnieuw."))


class TakeOverForm(FlaskForm):
    # The colleague whose claim the page showed: if it changed meanwhile, the take-over is refused.
    claimant = IntegerField(
        widget=HiddenInput(), validators=[InputRequired(_l("Vernieuw de pagina en probeer het opnieuw.")), _database_id]
    )
    take_over = SubmitField(_l("Overnemen"))
