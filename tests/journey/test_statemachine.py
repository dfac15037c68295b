"""The state machine, tested directly: every allowed and every forbidden move."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from impactnet.database import utcnow
from impactnet.extensions import db
from impactnet.journey import services as journey
from impactnet.journey import statemachine
from impactnet.journey.models import StepKind, StepState
from impactnet.organisations.models import OrganisationStatus as Org
from tests import factories

S = StepState
SUBMITTABLE_KINDS = [k for k in StepKind if k is not StepKind.STAFF_RECORDED]

ORGANISATION_STEP_ALLOWED = {
    (S.NOT_STARTED, S.DRAFT),
    (S.NOT_STARTED, S.SUBMITTED),
    (S.DRAFT, S.DRAFT),
    (S.DRAFT, S.SUBMITTED),
    (S.CHANGES_REQUESTED, S.DRAFT),
    (S.CHANGES_REQUESTED, S.SUBMITTED),
    (S.APPROVED, S.DRAFT),
    (S.APPROVED, S.SUBMITTED),
}
STAFF_STEP_ALLOWED = {(S.SUBMITTED, S.APPROVED), (S.SUBMITTED, S.CHANGES_REQUESTED)}
STAFF_RECORDED_ALLOWED = {(s, S.APPROVED) for s in S if s is not S.APPROVED}

ORGANISATION_ALLOWED = {
    (Org.APPLICANT, Org.PARTNER),
    (Org.APPLICANT, Org.WITHDRAWN),
    (Org.PARTNER, Org.WORKING_TOWARD_LABEL),
    (Org.PARTNER, Org.WITHDRAWN),
    (Org.WORKING_TOWARD_LABEL, Org.LABELLED),
    (Org.WORKING_TOWARD_LABEL, Org.WITHDRAWN),
    (Org.LABELLED, Org.LABEL_EXPIRED),
    (Org.LABELLED, Org.LABEL_REVOKED),
    (Org.LABELLED, Org.WITHDRAWN),
    (Org.LABEL_EXPIRED, Org.LABELLED),
    (Org.LABEL_EXPIRED, Org.LABEL_REVOKED),
    (Org.LABEL_EXPIRED, Org.WITHDRAWN),
    (Org.LABEL_REVOKED, Org.WORKING_TOWARD_LABEL),
    (Org.LABEL_REVOKED, Org.WITHDRAWN),
}

ALL_STEP_PAIRS = list(itertools.product(S, S))
ALL_ORG_PAIRS = list(itertools.product(Org, Org))


@pytest.mark.parametrize("kind", SUBMITTABLE_KINDS)
@pytest.mark.parametrize("current,target", ALL_STEP_PAIRS)
def test_organisation_step_moves(kind, current, target):
    allowed = (current, target) in ORGANISATION_STEP_ALLOWED
    assert statemachine.can_move_step(current, target, by_staff=False, kind=kind) is allowed
    if not allowed:
        with pytest.raises(statemachine.TransitionError):
            statemachine.check_step_move(current, target, by_staff=False, kind=kind)


@pytest.mark.parametrize("kind", SUBMITTABLE_KINDS)
@pytest.mark.parametrize("current,target", ALL_STEP_PAIRS)
def test_staff_step_decisions(kind, current, target):
    allowed = (current, target) in STAFF_STEP_ALLOWED
    assert statemachine.can_move_step(current, target, by_staff=True, kind=kind) is allowed


@pytest.mark.parametrize("current,target", ALL_STEP_PAIRS)
def test_staff_recorded_steps_are_only_recorded_by_staff(current, target):
    assert statemachine.can_move_step(current, target, by_staff=False, kind=StepKind.STAFF_RECORDED) is False
    expected = (current, target) in STAFF_RECORDED_ALLOWED
    assert statemachine.can_move_step(current, target, by_staff=True, kind=StepKind.STAFF_RECORDED) is expected


@pytest.mark.parametrize("current,target", ALL_ORG_PAIRS)
def test_organisation_status_moves(current, target):
    allowed = (current, target) in ORGANISATION_ALLOWED
    assert statemachine.can_move_organisation(current, target) is allowed
    if allowed:
        statemachine.check_organisation_move(current, target)
    else:
        with pytest.raises(statemachine.TransitionError):
            statemachine.check_organisation_move(current, target)


@pytest.mark.parametrize(
    "current,expected",
    [
        (Org.APPLICANT, Org.APPLICANT),
        (Org.PARTNER, Org.WORKING_TOWARD_LABEL),
        (Org.WORKING_TOWARD_LABEL, Org.WORKING_TOWARD_LABEL),
        (Org.LABELLED, Org.LABELLED),
        (Org.LABEL_EXPIRED, Org.LABEL_EXPIRED),
        (Org.LABEL_REVOKED, Org.WORKING_TOWARD_LABEL),
        (Org.WITHDRAWN, Org.WITHDRAWN),
    ],
)
def test_handing_in_a_later_step_means_working_toward_the_label(current, expected):
    assert statemachine.status_after_step_submitted(current) is expected


@pytest.mark.parametrize(
    "current,first_step,label_review,expected",
    [
        (Org.APPLICANT, True, False, Org.PARTNER),  # the partner agreement approved
        (Org.WORKING_TOWARD_LABEL, False, False, Org.WORKING_TOWARD_LABEL),  # a step in between
        (Org.LABELLED, False, False, Org.LABELLED),
        (Org.WORKING_TOWARD_LABEL, False, True, Org.LABELLED),  # the label review: awarded
        (Org.LABELLED, False, True, Org.LABELLED),  # renewed
        (Org.LABEL_EXPIRED, False, True, Org.LABELLED),
    ],
)
def test_approving_the_first_step_makes_a_partner_and_the_label_review_labels(
    current, first_step, label_review, expected
):
    assert statemachine.status_after_approval(current, first_step=first_step, label_review=label_review) is expected


@pytest.mark.parametrize(
    "current,valid_until,renews",
    [
        (Org.LABELLED, date(2026, 12, 4), True),  # its last day: the new period follows on
        (Org.LABELLED, date(2027, 6, 1), True),
        (Org.LABELLED, date(2026, 12, 3), False),  # ended yesterday (not yet marked expired)
        (Org.LABEL_EXPIRED, date(2026, 12, 1), False),
        (Org.LABEL_REVOKED, date(2027, 6, 1), False),
        (Org.WORKING_TOWARD_LABEL, None, False),
    ],
)
def test_a_label_is_renewed_only_while_it_is_current(current, valid_until, renews):
    assert statemachine.renews_label(current, valid_until, date(2026, 12, 4)) is renews


def test_withdrawn_is_final_and_the_only_inactive_state():
    assert statemachine.ORGANISATION_MOVES[Org.WITHDRAWN] == frozenset()
    assert set(Org) - statemachine.ACTIVE_ORGANISATION_STATES == {Org.WITHDRAWN}


@pytest.mark.parametrize("current", list(Org))
def test_revoking_and_withdrawing_follow_the_organisation_moves(current):
    assert statemachine.can_revoke_label(current) is ((current, Org.LABEL_REVOKED) in ORGANISATION_ALLOWED)
    assert statemachine.can_withdraw(current) is ((current, Org.WITHDRAWN) in ORGANISATION_ALLOWED)


def test_change_state_refuses_a_move_the_machine_does_not_allow(path):
    organisation = factories.OrganisationFactory()
    progress = journey.progress_for(organisation, "inventarisatie")
    assert progress.state is S.NOT_STARTED
    with pytest.raises(statemachine.TransitionError):  # staff decide only what was handed in
        journey.change_state(None, progress, None, S.APPROVED, by_staff=True)
    progress.state, progress.state_changed_at = S.SUBMITTED, utcnow()
    with pytest.raises(statemachine.TransitionError):  # nor does the organisation take back what it handed in
        journey.change_state(None, progress, None, S.DRAFT, by_staff=False)
    assert progress.state is S.SUBMITTED
    journey.change_state(None, progress, None, S.APPROVED, by_staff=True)
    db.session.flush()
    assert progress.state is S.APPROVED
