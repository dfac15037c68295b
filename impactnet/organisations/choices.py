"""Fixed lists the registration form offers (labels are translated)."""

from flask_babel import lazy_gettext as _l

SECTORS = [
    ("bouw", _l("Bouw en installatie")),
    ("industrie", _l("Industrie en maritiem")),
    ("logistiek", _l("Transport en logistiek")),
    ("handel", _l("Groot- en detailhandel")),
    ("horeca", _l("Horeca en recreatie")),
    ("zakelijk", _l("Zakelijke dienstverlening")),
    ("ict", _l("ICT en media")),
    ("zorg", _l("Zorg en welzijn")),
    ("onderwijs", _l("Onderwijs")),
    ("overheid", _l("Overheid")),
    ("cultuur", _l("Cultuur en sport")),
    ("overig", _l("Overig")),
]

SIZE_CLASSES = [
    ("1", _l("1 (zzp)")),
    ("2-9", _l("2 tot 10 medewerkers")),
    ("10-49", _l("10 tot 50 medewerkers")),
    ("50-249", _l("50 tot 250 medewerkers")),
    ("250+", _l("250 of meer medewerkers")),
]


def label_for(choices, key: str) -> str:
    return str(dict(choices).get(key, key))


STATUS_LABELS = {
    "applicant": _l("Aangemeld"),
    "partner": _l("Partner"),
    "working_toward_label": _l("Partner, werkt aan het label"),
    "labelled": _l("Label behaald"),
    "label_expired": _l("Label verlopen"),
    "label_revoked": _l("Label ingetrokken"),
    "withdrawn": _l("Afgemeld"),
}
