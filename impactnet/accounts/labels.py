"""How account roles read on the page (Dutch, and English through the catalogue)."""

from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "partner": _l("Partner (organisatie)"),
    "staff": _l("Medewerker St MBO"),
    "municipality": _l("Gemeente (alleen inzien)"),
    "admin": _l("Beheerder"),
}
