from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField


class RetryForm(FlaskForm):
    submit = SubmitField(_l("Opnieuw versturen"))
