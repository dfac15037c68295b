"""Pieces every form uses."""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField
from wtforms.validators import InputRequired

# C0 control characters other than tab and newline: never meant, and
# PostgreSQL refuses NUL in text.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def strip(value: Any) -> Any:
    """Filter: drop surrounding white space and control characters from typed text."""
    return _CONTROL_CHARACTERS.sub("", value).strip() if isinstance(value, str) else value


def select_choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class LanguageForm(FlaskForm):
    """The language switch in every page's footer: one submit button per language."""

    # The languages' own names (endonyms), the same in every language.
    locale = SelectField(
        choices=select_choices([("nl", "Nederlands"), ("en", "English")]), validators=[InputRequired()]
    )
    next = HiddenField()
