"""The downloads' column headings in the reader's language.

The tables are built with machine names (``working_toward_label``); a download for people
shows them as words in the language of the page it came from ("Werken aan het label" or
"Working toward the label"). The open-data directory CSV (``/directory.csv``) keeps its
documented machine names and does not pass through here.
"""

from __future__ import annotations

from dataclasses import replace

from flask_babel import lazy_gettext as _l

from impactnet.core.tables import Table

HEADINGS = {
    "municipality": _l("Gemeente"),
    "partners": _l("Partners"),
    "labelled": _l("Met label"),
    "working_toward_label": _l("Werken aan het label"),
    "target_year": _l("Doeljaar"),
    "target_partners": _l("Doel partners"),
    "target_labelled": _l("Doel met label"),
    "month": _l("Maand"),
    "applicants": _l("Aangemeld"),
    "new_this_month": _l("Nieuwe partners deze maand"),
    "label_expired": _l("Label verlopen"),
    "label_revoked": _l("Label ingetrokken"),
    "as_of": _l("Berekend op"),
    "figure": _l("Cijfer"),
    "this_month": _l("Deze maand"),
    "this_quarter": _l("Dit kwartaal"),
    "this_year": _l("Dit jaar"),
    "position": _l("Stap nr."),
    "step": _l("Stap"),
    "organisations": _l("Organisaties"),
    "median_days_at_step": _l("Mediaan dagen bij deze stap"),
    "sector": _l("Sector"),
    "size_class": _l("Aantal medewerkers"),
    "year": _l("Jaar"),
    "result_on": _l("Stand op"),
    "result_partners": _l("Bereikt: partners"),
    "result_labelled": _l("Bereikt: met label"),
    "reached": _l("Doel gehaald"),
    "on_track": _l("Op koers"),
    "projected_partners_date": _l("Verwacht bereikt: partners"),
    "projected_labelled_date": _l("Verwacht bereikt: met label"),
    "partners_needed_per_month": _l("Nodig per maand: partners"),
    "labelled_needed_per_month": _l("Nodig per maand: met label"),
}


def for_people(table: Table) -> Table:
    """``table`` with its headings as words in the current language (an unknown one as it is)."""
    return replace(table, columns=tuple(str(HEADINGS.get(column, column)) for column in table.columns))
