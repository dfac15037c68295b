"""How step states and kinds read on the page (Dutch, and English through the catalogue)."""

from flask_babel import lazy_gettext as _l

STEP_STATE_LABELS = {
    "not_started": _l("Nog niet begonnen"),
    "draft": _l("Concept"),
    "submitted": _l("Ingediend, wacht op beoordeling"),
    "approved": _l("Goedgekeurd"),
    "changes_requested": _l("Aanpassing gevraagd"),
}

# What a step asks of the organisation (StepKind), as staff read it on Stappen.
STEP_KIND_LABELS = {
    "evidence": _l("Toelichting en bestanden"),
    "questionnaire": _l("Vragenlijst"),
    "staff_recorded": _l("Vastgelegd door St MBO"),
    "impact_plan": _l("Impactplan met acties"),
    "label_review": _l("Beoordeling van het label"),
}
