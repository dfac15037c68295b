from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Regexp, ValidationError

from impactnet.core.forms import strip
from impactnet.regions.models import parse_postcode_ranges


def _tidy_ranges(value):
    return ", ".join(value.replace(",", " ").replace(";", " ").split()) if isinstance(value, str) else value


def _valid_ranges(form, field):
    if field.data and parse_postcode_ranges(field.data) is None:
        raise ValidationError(
            _l("Schrijf de postcodegebieden als vier cijfers of een reeks, bijvoorbeeld 3311-3329, 3341.")
        )


class MunicipalityForm(FlaskForm):
    name = StringField(_l("Naam"), filters=[strip], validators=[DataRequired(_l("Vul de naam in.")), Length(max=100)])
    slug = StringField(
        _l("Korte naam in webadressen"),
        filters=[strip, lambda v: v.lower() if v else v],
        description=_l("Kleine letters, cijfers en streepjes, bijvoorbeeld hendrik-ido-ambacht."),
        validators=[
            DataRequired(_l("Vul een korte naam in.")),
            Length(max=60),
            Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", message=_l("Gebruik alleen kleine letters, cijfers en streepjes.")),
        ],
    )
    joined_on = DateField(_l("Lid van het netwerk sinds"), validators=[DataRequired(_l("Vul een geldige datum in."))])
    active = BooleanField(_l("Actief (organisaties kunnen deze gemeente kiezen)"), default=True)
    postcode_ranges = StringField(
        _l("Postcodegebieden"),
        filters=[strip, _tidy_ranges],
        description=_l(
            "De vier cijfers van de postcodes in de gemeente, bijvoorbeeld 3311-3329, 3341. Een aanmelding "
            "met een postcode daarbuiten wordt gemeld. Leeg: niet controleren."
        ),
        validators=[Length(max=200), _valid_ranges],
    )
    submit = SubmitField(_l("Opslaan"))


class TargetForm(FlaskForm):
    year = IntegerField(
        _l("Jaar"),
        validators=[
            InputRequired(_l("Vul een jaar in.")),
            NumberRange(2020, 2100, _l("Vul een jaar tussen 2020 en 2100 in.")),
        ],
    )
    partners_wanted = IntegerField(
        _l("Doel: aantal partners"),
        validators=[
            InputRequired(_l("Vul het gewenste aantal partners in.")),
            NumberRange(0, 1_000_000, _l("Vul een aantal van 0 of meer in.")),
        ],
    )
    labelled_wanted = IntegerField(
        _l("Doel: aantal organisaties met label"),
        validators=[
            InputRequired(_l("Vul het gewenste aantal gelabelde organisaties in.")),
            NumberRange(0, 1_000_000, _l("Vul een aantal van 0 of meer in.")),
        ],
    )
    submit = SubmitField(_l("Doel opslaan"))
