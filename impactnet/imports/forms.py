from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, SubmitField
from wtforms.validators import DataRequired, Length


class ImportUploadForm(FlaskForm):
    file = FileField(
        _l("Bestand (CSV of xlsx)"),
        validators=[FileRequired(_l("Kies een bestand."))],
        description=_l("De kolommen staan in de handleiding; eerst ziet u wat er zou gebeuren."),
    )
    submit = SubmitField(_l("Controleren"))


class ImportConfirmForm(FlaskForm):
    checksum = HiddenField(validators=[DataRequired(), Length(max=64)])
    filename = HiddenField(validators=[Length(max=200)])
    invite = BooleanField(
        _l("Contactpersonen uitnodigen per e-mail"),
        description=_l(
            "Alleen als u dit aanvinkt, krijgen de contactpersonen van nieuwe organisaties "
            "een uitnodiging om een wachtwoord te kiezen."
        ),
    )
    submit = SubmitField(_l("Importeren"))
