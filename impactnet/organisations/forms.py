from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from impactnet.accounts.forms import EMAIL_VALIDATORS, new_password_field, repeat_field
from impactnet.core.forms import select_choices, strip
from impactnet.extensions import db
from impactnet.organisations.choices import SECTORS, SIZE_CLASSES
from impactnet.organisations.identifiers import normalise_kvk, normalise_postcode
from impactnet.organisations.services import OrganisationDetails, postcode_elsewhere
from impactnet.regions.models import Municipality
from impactnet.regions.services import list_municipalities


def _validate_kvk(form, field):
    normalised = normalise_kvk(field.data or "")
    if normalised is None:
        raise ValidationError(_l("Een KvK-nummer bestaat uit precies 8 cijfers."))
    field.data = normalised


def _validate_postcode(form, field):
    normalised = normalise_postcode(field.data or "")
    if normalised is None:
        raise ValidationError(_l("Vul een Nederlandse postcode in, bijvoorbeeld 3311 AB."))
    field.data = normalised


def with_scheme(value):
    """Filter: "www.bedrijf.nl" as people type it becomes "https://www.bedrijf.nl"."""
    if isinstance(value, str) and value and "://" not in value:
        return "https://" + value
    return value


def _validate_website(form, field):
    # Only http(s): a "javascript:" address would run in every visitor's browser; and no user name or
    # password in the address.
    try:
        parts = urlsplit(field.data or "")
        host = parts.hostname or ""
        credentials = parts.username is not None
    except ValueError:
        parts, host, credentials = None, "", False
    if parts is None or parts.scheme not in ("http", "https") or "." not in host or credentials:
        raise ValidationError(_l("Vul een volledig webadres in, bijvoorbeeld www.uwbedrijf.nl."))


def _number_or_none(value):
    """Coerce a select's value: the "Kies ..." placeholder ("") is None, so DataRequired says what to do."""
    return int(value) if value not in ("", None) else None


IMPACT_STATEMENT_MAX = 600


class OrganisationForm(FlaskForm):
    name = StringField(
        _l("Naam van de organisatie"),
        filters=[strip],
        validators=[DataRequired(_l("Vul de naam van de organisatie in.")), Length(max=200)],
    )
    kvk_number = StringField(
        _l("KvK-nummer"),
        filters=[strip],
        description=_l("8 cijfers, te vinden op uw uittreksel van de Kamer van Koophandel."),
        validators=[DataRequired(_l("Vul het KvK-nummer in.")), Length(max=20), _validate_kvk],
    )
    # Nothing is chosen beforehand: a default nobody looked at would skew the municipal figures.
    municipality_id = SelectField(
        _l("Gemeente van vestiging"), coerce=_number_or_none, validators=[DataRequired(_l("Kies een gemeente."))]
    )
    sector = SelectField(
        _l("Sector"),
        choices=select_choices([("", _l("Kies een sector")), *SECTORS]),
        validators=[DataRequired(_l("Kies een sector."))],
    )
    size_class = SelectField(
        _l("Aantal medewerkers"),
        choices=select_choices([("", _l("Kies het aantal medewerkers")), *SIZE_CLASSES]),
        validators=[DataRequired(_l("Kies het aantal medewerkers."))],
    )
    street_address = StringField(
        _l("Straat en huisnummer"),
        filters=[strip],
        validators=[DataRequired(_l("Vul straat en huisnummer in.")), Length(max=200)],
    )
    postcode = StringField(
        _l("Postcode"),
        filters=[strip],
        validators=[DataRequired(_l("Vul de postcode in.")), Length(max=10), _validate_postcode],
    )
    city = StringField(
        _l("Plaats"), filters=[strip], validators=[DataRequired(_l("Vul de plaats in.")), Length(max=100)]
    )
    website = StringField(
        _l("Website (niet verplicht)"),
        filters=[strip, with_scheme],
        description=_l("Bijvoorbeeld www.uwbedrijf.nl."),
        validators=[Optional(), Length(max=300), _validate_website],
    )
    public_listing = BooleanField(_l("Toon onze organisatie in de openbare partnerlijst"))
    impact_statement = TextAreaField(
        _l("Onze impact in een paar zinnen (niet verplicht)"),
        filters=[strip],
        description=_l(
            "Staat bij uw organisatie in de openbare partnerlijst, als u daarvoor kiest. Hoogstens %(n)d tekens.",
            n=IMPACT_STATEMENT_MAX,
        ),
        validators=[
            Optional(),
            Length(
                max=IMPACT_STATEMENT_MAX, message=_l("Houd het kort: hoogstens %(n)d tekens.", n=IMPACT_STATEMENT_MAX)
            ),
        ],
        render_kw={"rows": 4, "maxlength": IMPACT_STATEMENT_MAX},
    )
    submit = SubmitField(_l("Opslaan"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality_id.choices = select_choices(
            [("", _l("Kies een gemeente"))] + [(m.id, m.name) for m in list_municipalities(active_only=True)]
        )

    def validate_postcode(self, field) -> None:
        municipality = db.session.get(Municipality, self.municipality_id.data) if self.municipality_id.data else None
        if municipality is not None and field.data and not municipality.covers_postcode(field.data):
            raise ValidationError(postcode_elsewhere(field.data, municipality))

    def details(self) -> OrganisationDetails:
        return OrganisationDetails(
            name=self.name.data,
            kvk_number=self.kvk_number.data,
            municipality_id=self.municipality_id.data,
            sector=self.sector.data,
            size_class=self.size_class.data,
            street_address=self.street_address.data,
            postcode=self.postcode.data,
            city=self.city.data,
            website=self.website.data or None,
            public_listing=bool(self.public_listing.data),
            impact_statement=self.impact_statement.data or None,
        )


IDENTITY_NOTE_MAX = 2000  # St MBO's note goes into the mail to the organisation


class ApproveIdentityForm(FlaskForm):
    note = TextAreaField(
        _l("Opmerking voor de organisatie (niet verplicht)"),
        filters=[strip],
        validators=[Length(max=IDENTITY_NOTE_MAX)],
        render_kw={"rows": 3},
    )
    approve = SubmitField(_l("Goedkeuren"))


class RejectIdentityForm(FlaskForm):
    reason = TextAreaField(
        _l("Reden van de afwijzing"),
        filters=[strip],
        description=_l("De organisatie leest deze reden in de e-mail over uw besluit."),
        validators=[DataRequired(_l("Geef de reden van de afwijzing.")), Length(max=IDENTITY_NOTE_MAX)],
        render_kw={"rows": 3},
    )
    reject = SubmitField(_l("Afwijzen"))


class WithdrawIdentityForm(FlaskForm):
    withdraw = SubmitField(_l("Verzoek intrekken"))


class RegistrationForm(OrganisationForm):
    contact_name = StringField(
        _l("Uw naam"), filters=[strip], validators=[DataRequired(_l("Vul uw naam in.")), Length(max=120)]
    )
    email = EmailField(_l("Uw e-mailadres"), filters=[strip], validators=EMAIL_VALIDATORS)
    password = new_password_field(_l("Kies een wachtwoord"))
    password_repeat = repeat_field()
    accept_terms = BooleanField(
        _l(
            "Ik meld mijn organisatie aan als partner van Ondernemen met impact en ga akkoord met de verwerking van deze gegevens door St MBO."
        ),
        validators=[DataRequired(_l("Geef akkoord om u aan te melden."))],
    )
    submit = SubmitField(_l("Organisatie aanmelden"))
