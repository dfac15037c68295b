"""Saving a step's page as the organisation sent it, so that nothing typed is ever lost.

The page is one form: the texts, a file to add, and the choice to save or to hand in. Whatever
the button, the texts are saved as the draft first; a refused file or a hand-in that is not
complete yet is reported, with the draft kept. Only when the step cannot be changed at all (it
waits for review, the organisation left) is nothing saved, and the page shows the texts again.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from impactnet.accounts.models import User
from impactnet.extensions import db
from impactnet.journey import services
from impactnet.journey.evidence import EvidenceError
from impactnet.journey.models import Evidence
from impactnet.journey.statemachine import TransitionError
from impactnet.organisations.models import Organisation


@dataclass(frozen=True)
class Saved:
    handed_in: bool
    added: Evidence | None = None  # the file added to the draft
    file_error: str | None = None  # why the file was refused
    not_handed_in: str | None = None  # why the hand-in was refused (the draft is saved)


def save_step(
    actor: User,
    organisation: Organisation,
    step_key: str,
    data: services.StepInput,
    *,
    upload=None,
    hand_in: bool = False,
) -> Saved:
    """Save the texts as the draft, add ``upload`` (a file, or None) and, when asked, hand the step
    in. Raises JourneyError (nothing saved) only when the step cannot be changed at all or the input
    itself is refused; flushes, the caller commits, also when the file or the hand-in was refused."""
    services.save_draft(actor, organisation, step_key, data)
    added = file_error = refusal = None
    if upload is not None:
        try:
            added = services.add_evidence(actor, organisation, step_key, upload)
        except EvidenceError as error:  # refused before anything was written: the draft stands
            file_error = str(error)
    if hand_in and file_error is None:
        try:
            with db.session.begin_nested():  # a refusal leaves the draft as just saved
                services.submit(actor, organisation, step_key, data)
        except services.JourneyError as error:
            refusal = str(error)
        except TransitionError:
            refusal = str(_l("Deze stap kan nu niet worden ingediend."))
    return Saved(
        handed_in=hand_in and file_error is None and refusal is None,
        added=added,
        file_error=file_error,
        not_handed_in=refusal,
    )
