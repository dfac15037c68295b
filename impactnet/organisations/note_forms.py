"""Forms for St MBO's account manager and notes on an organisation's page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from impactnet.core.forms import select_choices, strip
from impactnet.organisations.models import NoteKind
from impactnet.organisations.notes import MAX_NOTE_LENGTH, NOTE_KIND_LABELS, NoteInput, account_manager_choices

NOBODY = ""


def _user_id_or_none(value):
    """The chosen user's id; "" is nobody, anything not a number an id no user has (the service
    refuses it in Dutch, where WTForms would answer in English)."""
    if value in (NOBODY, None):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _known_kind(form, field):
    if field.data not in {kind.value for kind in NoteKind}:
        raise ValidationError(_l("Kies wat voor notitie het is."))


class AccountManagerChoiceForm(FlaskForm):
    """A choice of account manager among St MBO's staff, or none (the organisation's page and the bulk action)."""

    # The list is checked by the service, not by WTForms: a stale page may offer someone no longer staff.
    account_manager = SelectField(_l("Relatiebeheerder"), coerce=_user_id_or_none, validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.account_manager.choices = select_choices(
            [(NOBODY, _l("Geen relatiebeheerder"))]
            + [(user.id, user.name or user.email) for user in account_manager_choices()]
        )


class AccountManagerForm(AccountManagerChoiceForm):
    save_manager = SubmitField(_l("Relatiebeheerder opslaan"))


class NoteForm(FlaskForm):
    kind = SelectField(
        _l("Soort"),
        choices=select_choices([(kind.value, label) for kind, label in NOTE_KIND_LABELS.items()]),
        default=NoteKind.CONVERSATION.value,
        validate_choice=False,
        validators=[_known_kind],
    )
    happened_on = DateField(_l("Datum"), validators=[DataRequired(_l("Vul een geldige datum in."))])
    text = TextAreaField(
        _l("Notitie"),
        filters=[strip],
        validators=[
            DataRequired(_l("Schrijf de notitie.")),
            Length(
                max=MAX_NOTE_LENGTH,
                message=_l("De notitie mag hoogstens %(max)d tekens lang zijn.", max=MAX_NOTE_LENGTH),
            ),
        ],
    )
    add_note = SubmitField(_l("Notitie opslaan"))

    def note(self) -> NoteInput:
        return NoteInput(kind=NoteKind(self.kind.data), happened_on=self.happened_on.data, text=self.text.data)
