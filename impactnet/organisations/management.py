"""What St MBO's view of an organisation's page adds: the account manager, the notes, and the
timeline with the notes in it (staff only: views call this for staff, never for anyone else)."""

from __future__ import annotations

from typing import Any

from impactnet.database import local_today
from impactnet.organisations.models import Organisation
from impactnet.organisations.note_forms import AccountManagerForm, NoteForm
from impactnet.organisations.notes import account_manager_choices, notes_of, timeline_moment


def management_context(organisation: Organisation, history: list) -> dict[str, Any]:
    """The template values for the account manager and notes; ``history`` (audit events, newest
    first) becomes ``timeline``, with the notes where they happened."""
    notes = notes_of(organisation)
    timeline = sorted(
        [*history, *notes],
        reverse=True,
        key=lambda entry: timeline_moment(entry) if getattr(entry, "is_note", False) else entry.occurred_at,
    )
    managers = {user.id: user.name or user.email for user in account_manager_choices()}
    return {
        "timeline": timeline,
        "manager_names": managers,  # for the timeline's account manager changes
        "note_form": NoteForm(formdata=None, happened_on=local_today()),
        "manager_form": AccountManagerForm(formdata=None, account_manager=organisation.account_manager_id),
    }
