"""Bulk actions on St MBO's organisation search: what a selection is, and the preview that every
action shows before it runs.

A selection travels as the search's filter (its query string) and either the ticked organisation
ids or "every result of this filter". The server resolves it again at every step, within the
filter: a ticked id that does not exist, is erased, or that the filter no longer finds is left out
(and counted on the page). So a tampered id reaches nothing the filter does not show, and a message
meant for "every partner still working toward the label" never goes to one that just got it.
Erased organisations never take part: their people and data are gone.

The preview carries a signed token: a fresh id for the action (the message's outbox mails are
keyed by it, so a double click or a resubmit queues nothing twice) and a digest of what the
preview showed. When the confirmation would do something else (the selection or the text changed
in between), it is refused and the new preview shown instead.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import format_number
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from impactnet.organisations.models import Organisation
from impactnet.workspace import search
from impactnet.workspace.search_params import SearchParams

MAX_SELECTION = 5000  # organisations in one action
MAX_FILTER = 2000  # characters of the search's query string
PREVIEW_LIST = 25  # organisations named on a preview
PREVIEW_MAX_AGE = 3600  # seconds a preview may be confirmed in
_ID_LIMIT = 2**31 - 1


class BulkError(ValueError):
    """A selection refused: ``message`` (Dutch) for the page, ``status`` 400 (malformed) or 422."""

    def __init__(self, message, status: int = 422):
        super().__init__(str(message))
        self.message = message
        self.status = status


class StalePreview(ValueError):
    """The confirmation does not match a valid preview (409: changed or expired; 400: not ours)."""

    def __init__(self, message, status: int = 409):
        super().__init__(str(message))
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Selection:
    params: SearchParams
    everything: bool  # "alle N resultaten van dit filter"
    ids: tuple[int, ...] = ()  # the ticked organisations (when not everything)

    def describe(self) -> dict:
        """The selection as the audit trail records it."""
        described = {"scope": "all" if self.everything else "selected", "filters": self.params.filters()}
        if not self.everything:
            described["ids"] = list(self.ids)
        return described

    def ids_field(self) -> str:
        return ",".join(str(i) for i in self.ids)


def parse_ids(values: list[str]) -> tuple[int, ...]:
    """Organisation ids as sent (repeated and/or comma-separated), without repeats. Raises BulkError."""
    ids: dict[int, None] = {}
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            if not (part.isascii() and part.isdigit() and len(part) <= 10 and 0 < int(part) <= _ID_LIMIT):
                raise BulkError(
                    _l("De selectie bevat iets dat geen organisatie is. Kies de organisaties opnieuw in de lijst."), 400
                )
            ids[int(part)] = None
            if len(ids) > MAX_SELECTION:
                raise too_many(len(ids))
    return tuple(ids)


def too_many(found: int) -> BulkError:
    return BulkError(
        _l(
            "Een actie kan hoogstens %(max)s organisaties tegelijk betreffen; deze selectie telt er "
            "%(count)s. Maak het filter nauwer.",
            max=format_number(MAX_SELECTION),
            count=format_number(found),
        )
    )


@dataclass(frozen=True)
class Resolved:
    """A selection as it stands now: its organisations (in the search's order) and how many left out."""

    selection: Selection
    rows: list[search.Row]
    left_out: int  # ticked ids gone, erased or outside the filter; with "all": the erased ones it finds

    @property
    def organisations(self) -> list[Organisation]:
        return [row.organisation for row in self.rows]

    @property
    def ids(self) -> list[int]:
        return [row.organisation.id for row in self.rows]

    @property
    def shown(self) -> list[search.Row]:
        return self.rows[:PREVIEW_LIST]


def resolve(selection: Selection, today: date) -> Resolved:
    """The organisations of ``selection`` now. Raises BulkError when there are none or too many."""
    params = selection.params
    if selection.everything:
        rows = search.selected_rows(params, today, MAX_SELECTION + 1)
        if len(rows) > MAX_SELECTION:
            raise too_many(search.count(params, today, where=search.selection_conditions(None, True)))
        left_out = search.count(params, today) - len(rows)
    else:
        if not selection.ids:
            raise BulkError(_l("Kies ten minste één organisatie, of kies alle resultaten van dit filter."))
        rows = search.selected_rows(params, today, MAX_SELECTION, among=list(selection.ids))
        left_out = len(selection.ids) - len(rows)
    if not rows:
        raise BulkError(
            _l(
                "Geen van de gekozen organisaties kan meedoen: ze bestaan niet meer, zijn gewist of "
                "vallen niet (meer) binnen het filter."
            )
        )
    return Resolved(selection, rows, left_out)


def digest(kind: str, payload, resolved: Resolved) -> str:
    """What a preview showed, in short: the action, its content and the organisations."""
    text = json.dumps([kind, payload, resolved.ids], sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="organisations.bulk-preview")


def preview_token(actor, preview_digest: str) -> str:
    """A new action id, bound to ``actor`` and to what the preview shows, signed."""
    return _serializer().dumps({"id": uuid.uuid4().hex, "actor": actor.id, "digest": preview_digest})


def confirmed_action(actor, token: str, preview_digest: str) -> str:
    """The action id of the preview ``token``, when ``actor`` previewed exactly this less than an
    hour ago. Raises StalePreview."""
    try:
        data = _serializer().loads(token or "", max_age=PREVIEW_MAX_AGE)
    except SignatureExpired:
        raise StalePreview(
            _l("De voorvertoning is meer dan een uur oud. Controleer de nieuwe voorvertoning en bevestig opnieuw.")
        ) from None
    except BadSignature:
        raise StalePreview(
            _l(
                "Deze bevestiging hoort niet bij een voorvertoning. Controleer de voorvertoning "
                "hieronder en bevestig opnieuw."
            ),
            400,
        ) from None
    if not isinstance(data, dict) or data.get("actor") != actor.id or not isinstance(data.get("id"), str):
        raise StalePreview(
            _l(
                "Deze bevestiging hoort niet bij een voorvertoning. Controleer de voorvertoning "
                "hieronder en bevestig opnieuw."
            ),
            400,
        )
    if data.get("digest") != preview_digest:
        raise StalePreview(
            _l(
                "De selectie of de inhoud is veranderd sinds de voorvertoning. Controleer de nieuwe "
                "voorvertoning en bevestig opnieuw."
            )
        )
    return data["id"]
