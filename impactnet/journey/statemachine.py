"""The transitions of a step and of an organisation, in one place.

Services ask this module whether a move is allowed and raise
:class:`TransitionError` when it is not; templates only show what it allows.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

from impactnet.journey.models import StepKind, StepState
from impactnet.organisations.models import OrganisationStatus as Org


class TransitionError(ValueError):
    """A move the state machine does not allow (the message is shown to the user)."""


# Moves the organisation makes on its own steps.
ORGANISATION_STEP_MOVES: dict[StepState, frozenset[StepState]] = {
    StepState.NOT_STARTED: frozenset({StepState.DRAFT, StepState.SUBMITTED}),
    StepState.DRAFT: frozenset({StepState.DRAFT, StepState.SUBMITTED}),
    StepState.CHANGES_REQUESTED: frozenset({StepState.DRAFT, StepState.SUBMITTED}),
    # Changing an approved step starts a new version that goes back to review.
    StepState.APPROVED: frozenset({StepState.DRAFT, StepState.SUBMITTED}),
    StepState.SUBMITTED: frozenset(),
}

# Staff decisions.
STAFF_STEP_MOVES: dict[StepState, frozenset[StepState]] = {
    StepState.SUBMITTED: frozenset({StepState.APPROVED, StepState.CHANGES_REQUESTED}),
}

ORGANISATION_MOVES: dict[Org, frozenset[Org]] = {
    Org.APPLICANT: frozenset({Org.PARTNER, Org.WITHDRAWN}),
    Org.PARTNER: frozenset({Org.WORKING_TOWARD_LABEL, Org.WITHDRAWN}),
    Org.WORKING_TOWARD_LABEL: frozenset({Org.LABELLED, Org.WITHDRAWN}),
    Org.LABELLED: frozenset({Org.LABEL_EXPIRED, Org.LABEL_REVOKED, Org.WITHDRAWN}),
    Org.LABEL_EXPIRED: frozenset({Org.LABELLED, Org.LABEL_REVOKED, Org.WITHDRAWN}),
    Org.LABEL_REVOKED: frozenset({Org.WORKING_TOWARD_LABEL, Org.WITHDRAWN}),
    Org.WITHDRAWN: frozenset(),
}

# Organisations that can still work on their steps.
ACTIVE_ORGANISATION_STATES = frozenset(Org) - {Org.WITHDRAWN}


def can_move_step(current: StepState, target: StepState, *, by_staff: bool, kind: StepKind) -> bool:
    if kind is StepKind.STAFF_RECORDED:
        # Nothing to hand in: staff record it as done (once).
        return by_staff and current is not StepState.APPROVED and target is StepState.APPROVED
    moves = STAFF_STEP_MOVES if by_staff else ORGANISATION_STEP_MOVES
    return target in moves.get(current, frozenset())


def check_step_move(current: StepState, target: StepState, *, by_staff: bool, kind: StepKind) -> None:
    if not can_move_step(current, target, by_staff=by_staff, kind=kind):
        raise TransitionError(f"step {current} -> {target} ({'staff' if by_staff else 'organisation'}, {kind})")


def can_move_organisation(current: Org, target: Org) -> bool:
    return target in ORGANISATION_MOVES[current]


def can_revoke_label(current: Org) -> bool:
    """Whether St MBO may revoke the organisation's label (a label held or expired)."""
    return can_move_organisation(current, Org.LABEL_REVOKED)


def can_withdraw(current: Org) -> bool:
    """Whether the organisation may be withdrawn from the network (any status but withdrawn)."""
    return can_move_organisation(current, Org.WITHDRAWN)


def check_organisation_move(current: Org, target: Org) -> None:
    if not can_move_organisation(current, target):
        raise TransitionError(f"organisation {current} -> {target}")


def status_after_step_submitted(current: Org) -> Org:
    """Handing in a step after the agreement means working toward the label."""
    if current in (Org.PARTNER, Org.LABEL_REVOKED):
        return Org.WORKING_TOWARD_LABEL
    return current


def status_after_approval(current: Org, *, first_step: bool, label_review: bool) -> Org:
    """The organisation's status once St MBO approves one of its steps: the label review gives the
    label (or keeps it, renewed), the first step (the partner agreement) makes it a partner, any
    other step changes nothing."""
    if label_review:
        return Org.LABELLED
    if first_step:
        return Org.PARTNER
    return current


def renews_label(current: Org, valid_until: date | None, today: date) -> bool:
    """Whether a label awarded ``today`` renews the current one, its new period following on the old
    one; otherwise (never labelled, expired, revoked) a new period starts today."""
    return current is Org.LABELLED and valid_until is not None and valid_until >= today


def renewal_opens_on(valid_until: date, months: int) -> date:
    """The first day a label valid until ``valid_until`` may be renewed (``months`` before it ends):
    renewing earlier would only stack periods."""
    opens: date = valid_until - relativedelta(months=months)
    return opens
