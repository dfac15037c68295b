"""How step states read on the page."""
from flask_babel import lazy_gettext as _l

STEP_STATE_LABELS = {
    "not_started": _l("Nog niet begonnen"),
    "draft": _l("Concept"),
    "submitted": _l("Ingediend, wacht op beoordeling"),
    "approved": _l("Goedgekeurd"),
    "changes_requested": _l("Aanpassing gevraagd"),
}
