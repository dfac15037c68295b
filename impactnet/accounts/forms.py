from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from impactnet.accounts import passwords
from impactnet.accounts.labels import ROLE_LABELS
from impactnet.accounts.models import Role
from impactnet.core.forms import select_choices, strip

EMAIL_VALIDATORS = [
    DataRequired(_l("Vul uw e-mailadres in.")),
    Length(max=254, message=_l("Dit e-mailadres is te lang.")),
    Email(_l("Vul een geldig e-mailadres in, bijvoorbeeld naam@bedrijf.nl.")),
]


def new_password_field(label):
    return PasswordField(
        label,
        validators=[
            DataRequired(_l("Kies een wachtwoord.")),
            Length(
                min=passwords.MIN_LENGTH,
                max=passwords.MAX_LENGTH,
                message=_l(
                    "Een wachtwoord heeft %(min)d tot %(max)d tekens.",
                    min=passwords.MIN_LENGTH,
                    max=passwords.MAX_LENGTH,
                ),
            ),
        ],
    )


def repeat_field():
    return PasswordField(
        _l("Herhaal het wachtwoord"),
        validators=[
            DataRequired(_l("Herhaal het wachtwoord.")),
            EqualTo("password", message=_l("De wachtwoorden zijn niet gelijk.")),
        ],
    )


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), filters=[strip], validators=EMAIL_VALIDATORS)
    password = PasswordField(
        _l("Wachtwoord"), validators=[DataRequired(_l("Vul uw wachtwoord in.")), Length(max=passwords.MAX_LENGTH)]
    )
    remember = BooleanField(_l("Ingelogd blijven op dit apparaat"))
    submit = SubmitField(_l("Inloggen"))


class EmailForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), filters=[strip], validators=EMAIL_VALIDATORS)
    submit = SubmitField(_l("Stuur mij een link"))


class NewPasswordForm(FlaskForm):
    password = new_password_field(_l("Nieuw wachtwoord"))
    password_repeat = repeat_field()
    submit = SubmitField(_l("Wachtwoord opslaan"))


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(
        _l("Huidig wachtwoord"),
        validators=[DataRequired(_l("Vul uw huidige wachtwoord in.")), Length(max=passwords.MAX_LENGTH)],
    )


class ResendVerificationForm(FlaskForm):
    submit = SubmitField(_l("Stuur de bevestigingsmail opnieuw"))


class RemindersForm(FlaskForm):
    enabled = BooleanField(_l("Herinneringen per e-mail ontvangen"))
    submit = SubmitField(_l("Opslaan"))


class LogoutForm(FlaskForm):
    submit = SubmitField(_l("Uitloggen"))


STAFF_CREATED_ROLES = [(role.value, ROLE_LABELS[role.value]) for role in (Role.STAFF, Role.MUNICIPALITY, Role.ADMIN)]


class InviteForm(FlaskForm):
    name = StringField(_l("Naam"), filters=[strip], validators=[DataRequired(_l("Vul een naam in.")), Length(max=120)])
    email = EmailField(_l("E-mailadres"), filters=[strip], validators=EMAIL_VALIDATORS)
    role = SelectField(
        _l("Rol"), choices=select_choices(STAFF_CREATED_ROLES), validators=[DataRequired(_l("Kies een rol."))]
    )
    municipality = SelectField(_l("Gemeente (alleen voor gemeenteaccounts)"), choices=[])
    submit = SubmitField(_l("Uitnodiging versturen"))

    def validate_municipality(self, field):
        if self.role.data == Role.MUNICIPALITY.value and not field.data:
            raise ValidationError(_l("Kies de gemeente van dit gemeenteaccount."))
        if self.role.data != Role.MUNICIPALITY.value and field.data:
            raise ValidationError(_l("Alleen gemeenteaccounts horen bij een gemeente."))


class ToggleActiveForm(FlaskForm):
    submit = SubmitField(_l("Wijzigen"))


def _one_line(form, field):
    if field.data and ("\n" in field.data or "\r" in field.data):
        raise ValidationError(_l("Een naam past op één regel."))


class ColleagueInviteForm(FlaskForm):
    name = StringField(
        _l("Naam van uw collega"),
        filters=[strip],
        validators=[
            DataRequired(_l("Vul de naam van uw collega in.")),
            Length(max=120, message=_l("Een naam heeft hoogstens %(max)d tekens.", max=120)),
            _one_line,
        ],
    )
    email = EmailField(
        _l("E-mailadres van uw collega"),
        filters=[strip],
        validators=[
            DataRequired(_l("Vul het e-mailadres van uw collega in.")),
            Length(max=254, message=_l("Dit e-mailadres is te lang.")),
            Email(_l("Vul een geldig e-mailadres in, bijvoorbeeld naam@bedrijf.nl.")),
        ],
    )
    submit = SubmitField(_l("Uitnodiging versturen"))


class ConfirmForm(FlaskForm):
    """A button that does one thing to the object in its URL (withdraw, remove); only the CSRF token."""

    submit = SubmitField(_l("Bevestigen"))
