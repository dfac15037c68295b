"""What each figure counts: one definition per figure, used by every page, export and the API.

An organisation counts on a day in exactly one *part* by its status as shown that day
(:meth:`Organisation.shown_status`: a label past its end date is expired at once, before the
nightly scan stores that). The parts of "partners" add up to it by construction::

    partners = labelled + working_toward_label + label_expired + label_revoked

Applicants (registered, agreement not signed) and withdrawn organisations are not partners.
"New this period" counts the organisations whose status *changed* into partner (from applicant or
withdrawn) or into labelled (an award or a renewal after expiry) since the period began.

The snapshot job groups the organisations by :func:`shown_part` (SQL), the directory filters by
:func:`in_part` (SQL), the audit-trail replay maps statuses with :data:`PART_OF_STATUS`; the pages
and "Zo tellen we" (/zo-tellen-we) show :data:`DEFINITIONS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from impactnet.organisations.models import PARTNER_STATUSES, Organisation
from impactnet.organisations.models import OrganisationStatus as Status

# The parts of "partners", in the order pages show them.
PARTS = ("labelled", "working_toward_label", "label_expired", "label_revoked")
# The figures of one day: partners, its parts, and those not (yet) partner.
COUNTS = ("partners", *PARTS, "applicants")

# The stored status of each part (see shown_part for a label past its end date).
PART_STATUSES: dict[str, frozenset[Status]] = {
    "labelled": frozenset({Status.LABELLED}),
    "working_toward_label": frozenset({Status.PARTNER, Status.WORKING_TOWARD_LABEL}),
    "label_expired": frozenset({Status.LABEL_EXPIRED}),
    "label_revoked": frozenset({Status.LABEL_REVOKED}),
    "applicants": frozenset({Status.APPLICANT}),
}
PART_OF_STATUS: dict[Status, str] = {status: part for part, statuses in PART_STATUSES.items() for status in statuses}
PARTNER_PART_STATUSES = frozenset().union(*(PART_STATUSES[part] for part in PARTS))
# The parts are the partners, no more and no less, and no status is in two parts.
assert PARTNER_PART_STATUSES == PARTNER_STATUSES, "the parts of 'partners' must be its statuses"
assert len(PART_OF_STATUS) == sum(len(statuses) for statuses in PART_STATUSES.values())

PARTNER_VALUES = sorted(status.value for status in PARTNER_STATUSES)


def in_part(part: str, day: date) -> sa.ColumnElement[bool]:
    """SQL: the organisation counts in ``part`` (a key of PART_STATUSES, or "partners") on ``day``."""
    if part == "partners":
        return Organisation.status.in_(PARTNER_STATUSES)
    condition = Organisation.status.in_(PART_STATUSES[part])
    if part == "labelled":
        return sa.and_(condition, ~Organisation.label_ended(day))
    if part == "label_expired":
        return sa.or_(condition, Organisation.label_ended(day))
    return condition


def shown_part(day: date) -> sa.Case[str]:
    """SQL: the part the organisation counts in on ``day`` (None: withdrawn), for a GROUP BY."""
    return sa.case(*((in_part(part, day), part) for part in PART_STATUSES), else_=sa.null())


def counts(by_part: Mapping[str | None, int]) -> dict[str, int]:
    """The day's counts (COUNTS) from a number of organisations per part (others are ignored)."""
    parts = {part: by_part.get(part, 0) for part in (*PARTS, "applicants")}
    return {"partners": sum(parts[part] for part in PARTS), **parts}


def by_part(by_status: Mapping[Status, int]) -> dict[str, int]:
    """Organisations per part from organisations per stored status (the audit-trail replay)."""
    result: dict[str, int] = {}
    for status, n in by_status.items():
        part = PART_OF_STATUS.get(status)
        if part is not None:
            result[part] = result.get(part, 0) + n
    return result


def became_partner(before: Status | None, after: Status) -> bool:
    """A status change that makes a new partner ("new partners this period")."""
    return before not in PARTNER_STATUSES and after in PARTNER_STATUSES


def got_label(before: Status | None, after: Status) -> bool:
    """A status change that is a new label ("new labels this period")."""
    return after is Status.LABELLED and before is not Status.LABELLED


# What each figure counts, as "Zo tellen we" and the dashboards say it.
DEFINITIONS: dict[str, tuple[LazyString, LazyString]] = {
    "partners": (
        _l("Partners"),
        _l(
            "Organisaties die de partnerovereenkomst hebben getekend en zich niet hebben afgemeld. Partners = met "
            "label + werken aan het label + label verlopen + label ingetrokken."
        ),
    ),
    "labelled": (
        _l("Met label"),
        _l("Partners met een geldig label: toegekend door St MBO en de einddatum nog niet voorbij."),
    ),
    "working_toward_label": (
        _l("Werken aan het label"),
        _l(
            "Partners die het label (nog) niet hebben: zij hebben de overeenkomst getekend en werken de stappen "
            "naar het label af."
        ),
    ),
    "label_expired": (
        _l("Label verlopen"),
        _l("Partners van wie het label voorbij de einddatum is en (nog) niet is verlengd. Zij blijven partner."),
    ),
    "label_revoked": (
        _l("Label ingetrokken"),
        _l("Partners van wie St MBO het label heeft ingetrokken. Zij blijven partner."),
    ),
    "applicants": (
        _l("Aangemeld"),
        _l(
            "Organisaties die zich hebben aangemeld maar de partnerovereenkomst nog niet hebben getekend. Zij tellen "
            "niet mee als partner."
        ),
    ),
    "new_partners": (
        _l("Nieuwe partners"),
        _l(
            "Organisaties die in de periode partner werden (vanaf aangemeld of na een afmelding), geteld vanaf de "
            "eerste dag van de maand, het kwartaal of het jaar."
        ),
    ),
    "new_labels": (
        _l("Nieuwe labels"),
        _l(
            "Organisaties die in de periode het label kregen: een eerste label, of weer een label na verlopen of "
            "intrekken. Een verlenging van een geldig label telt niet als nieuw."
        ),
    ),
}
