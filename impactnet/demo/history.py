"""The demo's step histories: the versions organisations handed in and St MBO's decisions.

An organisation's history is a list of moves along the path. Moves that happened at a status change
(the agreement approved, the Inventarisatie handed in, the label awarded) are pinned to that moment;
the others are spread between, St MBO's decisions on working days. From the moves come the rows and
the audit trail :mod:`impactnet.journey.services` and :mod:`impactnet.review.services` would have left.

Demo agreements have no files: an Evidence row needs a stored file on disk, so none are created and
the agreement steps show a statement only.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from impactnet.accounts.models import User
from impactnet.audit.models import AuditAction
from impactnet.demo import texts
from impactnet.journey.models import DrechtsDoel, ImpactAction, JourneyStep, StepProgress, StepState, StepSubmission
from impactnet.organisations.models import Organisation

AGREEMENT, INVENTORY, SESSION, PLAN, REVIEW = STEP_KEYS = (
    "partnerovereenkomst",
    "inventarisatie",
    "inspiratiesessie",
    "impactplan",
    "beoordeling",
)
STAFF_MOVES = frozenset({"approve", "changes", "record"})
OUTCOMES = {"approve": StepState.APPROVED, "changes": StepState.CHANGES_REQUESTED}
PER_MOVE = timedelta(days=2)  # the least time a move takes after the one before it
QUEUE_WAIT = timedelta(days=40)  # nothing waits longer than this for St MBO's decision

# Where organisations working toward the label stand: (stage, share, days since the Inventarisatie was
# handed in that the stage needs at least). Earlier stages go to those who started more recently.
WORKING_STAGES = (
    ("inv_submitted", 2, 0),
    ("inv_changes", 2, 4),
    ("inv_approved", 3, 14),
    ("session", 3, 21),
    ("plan_draft", 3, 30),
    ("plan_submitted", 2, 40),
    ("plan_changes", 3, 45),
    ("plan_approved", 2, 60),
    ("review_submitted", 2, 70),
)
STAGES = [name for name, _, _ in WORKING_STAGES] + ["labelled"]
MIN_DAYS = {name: days for name, _, days in WORKING_STAGES}
WITHDRAWN_STAGES = ("inv_changes", "inv_approved", "session", "plan_draft", "plan_changes")  # none waits on St MBO
APPLICANT_STAGES = ("submitted", "draft", "none", "changes", "submitted", "resubmitted")


@dataclass
class Move:
    step: str
    action: str  # draft, submit, approve, changes (staff) or record (staff-recorded step)
    at: datetime | None = None  # pinned, or spread by schedule()


@dataclass
class Event:
    """An audit event to record once the rows have ids."""

    at: datetime
    rank: int  # at one moment: step change, then status change, then label event
    actor: User | None
    action: AuditAction
    obj: object
    values: dict = field(default_factory=dict)  # before, after, note


def _again(rng: random.Random, step: str, chance: float) -> list[Move]:
    """A version sent back, then changed and handed in again."""
    return [Move(step, "changes"), Move(step, "draft"), Move(step, "submit")] if rng.random() < chance else []


def agreement_moves(rng: random.Random, stage: str = "approved") -> list[Move]:
    moves = {"none": [], "draft": [Move(AGREEMENT, "draft")]}.get(stage)
    if moves is not None:
        return moves
    moves = [Move(AGREEMENT, "draft"), Move(AGREEMENT, "submit")]
    if stage == "changes":
        return [*moves, Move(AGREEMENT, "changes")]
    if stage == "resubmitted":
        return [*moves, Move(AGREEMENT, "changes"), Move(AGREEMENT, "draft"), Move(AGREEMENT, "submit")]
    if stage == "approved":
        return moves + _again(rng, AGREEMENT, 0.15) + [Move(AGREEMENT, "approve")]
    return moves


def moves_after_partner(rng: random.Random, stage: str, *, demo: bool = False) -> list[Move]:
    """From the agreement's approval to ``stage``; the Inventarisatie's first hand-in is the second move."""
    moves = [Move(INVENTORY, "draft"), Move(INVENTORY, "submit")]
    if stage == "inv_submitted":
        return moves
    if stage == "inv_changes":
        return moves + [Move(INVENTORY, "changes")] + ([Move(INVENTORY, "draft")] if rng.random() < 0.5 else [])
    moves += [*_again(rng, INVENTORY, 0.2), Move(INVENTORY, "approve"), Move(SESSION, "record")]
    if stage in ("inv_approved", "session"):
        return moves[:-1] if stage == "inv_approved" else moves
    moves.append(Move(PLAN, "draft"))
    if stage == "plan_draft":
        return moves
    moves.append(Move(PLAN, "submit"))
    if stage == "plan_submitted":
        return moves
    if stage == "plan_changes":  # the demo partner sees the feedback, not yet a new draft
        return moves + [Move(PLAN, "changes")] + ([Move(PLAN, "draft")] if not demo and rng.random() < 0.4 else [])
    moves += [*_again(rng, PLAN, 0.35), Move(PLAN, "approve")]
    if stage == "plan_approved":
        return moves + ([Move(REVIEW, "draft")] if rng.random() < 0.5 else [])
    moves += [Move(REVIEW, "draft"), Move(REVIEW, "submit")]
    return moves if stage == "review_submitted" else [*moves, Move(REVIEW, "approve")]


def assign_stages(available: list[timedelta], taken: dict[str, int]) -> list[str]:
    """Stages for organisations working toward the label, given (most recent first) how long ago each
    handed in its Inventarisatie; ``taken`` counts stages already given out (the demo partner)."""
    total = sum(share for _, share, _ in WORKING_STAGES)
    quotas = [
        max(1, round(share * (len(available) + sum(taken.values())) / total)) - taken.get(name, 0)
        for name, share, _ in WORKING_STAGES
    ]
    result, current = [], 0
    for since in available:
        while current < len(quotas) - 1 and (quotas[current] <= 0 or (current == 0 and since > QUEUE_WAIT)):
            current += 1
        stage = current
        while stage > 0 and since < timedelta(days=MIN_DAYS[STAGES[stage]]):
            stage -= 1
        quotas[stage] -= 1
        result.append(STAGES[stage])
    return result


def withdrawn_stage(rng: random.Random, available: timedelta) -> str:
    fitting = [s for s in WITHDRAWN_STAGES if available >= timedelta(days=MIN_DAYS[s]) + 2 * PER_MOVE]
    return rng.choice(fitting or WITHDRAWN_STAGES[:1])


def office(rng: random.Random, moment: datetime, *, staff: bool, low: datetime, high: datetime) -> datetime:
    """``moment`` moved into working hours (St MBO: weekdays 08-17 in Dordrecht; entrepreneurs: any day,
    07-22), staying strictly between ``low`` and ``high``; unchanged when that cannot be done nearby."""
    first, last = (7, 15) if staff else (6, 20)
    if (not staff or moment.weekday() < 5) and first <= moment.hour <= last:
        return moment.replace(second=0, microsecond=0)
    for offset in (0, 1, -1, 2, -2, 3, -3):
        day = moment.date() + timedelta(days=offset)
        candidate = datetime.combine(day, time(rng.randint(first, last), rng.randint(0, 59)), tzinfo=UTC)
        if (not staff or day.weekday() < 5) and low < candidate < high:
            return candidate
    return moment.replace(second=0, microsecond=0)


def _spread(rng: random.Random, start: datetime, pending: list[Move], closing: Move) -> None:
    """Moments for ``pending`` between ``start`` and the pinned ``closing`` move: a decision follows
    its hand-in within days, the organisation's own work takes the rest of the time."""
    span = (closing.at - start).total_seconds()
    ends = [*pending, closing]
    decisions = [rng.uniform(1, 10) * 86400 if m.action in OUTCOMES else 0.0 for m in ends]
    weights = [
        0.0 if m.action in OUTCOMES else rng.uniform(0.5, 2) if m.action == "submit" else rng.uniform(1, 3)
        for m in ends
    ]
    fixed = sum(decisions)
    if not sum(weights):
        decisions = [d * span / fixed for d in decisions]
    elif fixed > span / 2:
        decisions = [d * span / 2 / fixed for d in decisions]
    rest = span - sum(decisions)
    moment, previous = start, start
    for move, decision, weight in zip(pending, decisions, weights, strict=False):  # not the closing move
        moment += timedelta(seconds=decision + (rest * weight / sum(weights) if weight else 0))
        at = office(rng, moment, staff=move.action in STAFF_MOVES, low=previous, high=closing.at)
        if not previous < at < closing.at:
            at = previous + (closing.at - previous) / 3
        move.at = previous = at


def schedule(rng: random.Random, start: datetime, moves: list[Move]) -> None:
    """Give every unpinned move a moment between the pinned moves around it (the last one is pinned)."""
    previous, pending = start, []
    for move in moves:
        if move.at is None:
            pending.append(move)
            continue
        _spread(rng, previous, pending, move)
        previous, pending = move.at, []
    if pending:
        raise ValueError("the last move must be pinned")


def close(rng: random.Random, moves: list[Move], start: datetime, last: datetime) -> list[Move]:
    """Pin the last move of a history still under way, between the last pinned move (or ``start``) and
    ``last``, and schedule the rest; moves that do not fit are left out. A hand-in waits for St MBO at most
    QUEUE_WAIT."""
    pinned = [i for i, move in enumerate(moves) if move.at is not None]
    free = pinned[-1] + 1 if pinned else 0
    anchor = moves[pinned[-1]].at if pinned else start
    while len(moves) > free and last - anchor < (len(moves) - free) * PER_MOVE:
        moves.pop()
    if len(moves) > free:
        needed, final = (len(moves) - free) * PER_MOVE, moves[-1]
        slack = last - anchor - needed
        if final.action == "submit":
            final.at = last - min(slack, QUEUE_WAIT) * rng.uniform(0.05, 1)
        else:
            final.at = anchor + needed + slack * rng.uniform(0.2, 1)
        final.at = office(rng, final.at, staff=final.action in STAFF_MOVES, low=anchor + needed / 2, high=last)
    schedule(rng, start, moves)
    return moves


class _Content:
    """What one organisation writes, chosen once so that later versions build on earlier ones."""

    def __init__(self, rng: random.Random, contact: User):
        self.rng, self.contact = rng, contact
        self.answers = texts.answers(rng)
        self.skipped = rng.choice(list(texts.INVENTORY_FEEDBACK))
        self.actions = rng.sample(texts.ACTIONS, rng.choice((1, 2, 2, 3)))
        self.vague = rng.randrange(len(self.actions))
        self.plan_statement = rng.choice(texts.PLAN_STATEMENTS)
        self.agreement_feedback = rng.choice(texts.AGREEMENT_FEEDBACK)

    def fill(
        self,
        step: str,
        version: StepSubmission,
        previous: StepSubmission | None,
        fate: str | None,
        edited: datetime,
        goals: dict[int, DrechtsDoel],
    ) -> None:
        """Write ``version``: complete if it is handed in, with a flaw if it will be sent back."""
        day = edited.date()
        if fate is None and previous is not None and previous.state is StepState.CHANGES_REQUESTED:
            version.statement, version.answers = previous.statement, dict(previous.answers)  # a copy, not yet changed
            version.actions = [
                ImpactAction(
                    goal_id=a.goal_id, description=a.description, commitment=a.commitment, target_date=a.target_date
                )
                for a in previous.actions
            ]
        elif step == AGREEMENT:
            version.statement = texts.agreement(self.rng, self.contact.name, day) if fate else ""
        elif step == INVENTORY:
            keys = list(self.answers)
            kept = keys if fate else keys[: self.rng.randint(1, len(keys) - 1)]
            version.answers = {key: self.answers[key] for key in kept}
            if fate == "changes":
                version.answers[self.skipped] = texts.SKIPPED_ANSWER
        elif step == PLAN:
            version.statement = self.plan_statement
            chosen = self.actions if fate else self.actions[:1]
            version.actions = [
                ImpactAction(
                    goal_id=goals[number].id,
                    description=description,
                    commitment=vague if fate in ("changes", None) and i == self.vague else measurable,
                    target_date=date(day.year + 1 + i // 2, 6 if i % 2 else 12, 30 if i % 2 else 31),
                )
                for i, (number, description, measurable, vague) in enumerate(chosen)
            ]
        elif step == REVIEW and fate:
            renewing = previous is not None and previous.state is StepState.APPROVED
            version.statement = texts.renewal(self.rng, self.actions) if renewing else texts.review(self.actions)

    def feedback(self, step: str, action: str, version: StepSubmission) -> str:
        if action == "approve":
            if step == REVIEW:
                return self.rng.choice(texts.RENEWAL_NOTES if version.number > 1 else texts.LABEL_NOTES)
            return self.rng.choice(texts.APPROVAL_NOTES) if step == PLAN else ""
        if step == AGREEMENT:
            return self.agreement_feedback
        if step == INVENTORY:
            return texts.INVENTORY_FEEDBACK[self.skipped]
        _, _, measurable, vague = self.actions[self.vague]
        return texts.plan_feedback(vague, measurable)


def _fates(moves: list[Move]) -> dict[int, tuple[str | None, datetime]]:
    """For each draft move: what became of that version (None: still a draft), and when it was last edited."""
    fates = {}
    for i, move in enumerate(moves):
        if move.action == "draft":
            later = {}
            for other in moves[i + 1 :]:
                if other.step == move.step:
                    if other.action == "draft":
                        break
                    later[other.action] = other.at
            fate = next((a for a in ("changes", "approve", "submit") if a in later), None)
            fates[i] = fate, later.get("submit", move.at)
    return fates


def build(
    rng: random.Random,
    organisation: Organisation,
    contact: User,
    staff: User,
    steps: dict[str, JourneyStep],
    goals: dict[int, DrechtsDoel],
    moves: list[Move],
):
    """The organisation's progress rows (with versions) and the step events, from its scheduled moves."""
    opened = contact.email_verified_at  # the journey's rows are made on the first visit after verifying
    progress = {
        key: StepProgress(
            organisation_id=organisation.id,
            step_id=steps[key].id,
            state=StepState.NOT_STARTED,
            state_changed_at=opened,
            created_at=opened,
            updated_at=opened,
        )
        for key in STEP_KEYS
    }
    content, fates, events = _Content(rng, contact), _fates(moves), []
    for i, move in enumerate(moves):
        row, note = progress[move.step], None
        old, actor = row.state, staff if move.action in STAFF_MOVES else contact
        if move.action == "draft":
            version = StepSubmission(
                number=len(row.submissions) + 1,
                state=StepState.DRAFT,
                statement="",
                answers={},
                created_at=move.at,
                created_by_id=contact.id,
            )
            content.fill(move.step, version, row.submissions[-1] if row.submissions else None, *fates[i], goals)
            row.submissions.append(version)
        elif move.action == "record":
            note = texts.session_note(rng, contact.name.split()[0])
            version = StepSubmission(
                number=len(row.submissions) + 1,
                statement=note,
                answers={},
                created_at=move.at,
                created_by_id=staff.id,
                submitted_at=move.at,
                decided_at=move.at,
                decided_by_id=staff.id,
            )
            row.submissions.append(version)
        else:
            version = row.submissions[-1]
            if move.action == "submit":
                version.submitted_at = move.at
            else:
                note = content.feedback(move.step, move.action, version) or None
                version.decided_at, version.decided_by_id, version.feedback = move.at, staff.id, note
        new = {"draft": StepState.DRAFT, "submit": StepState.SUBMITTED, "record": StepState.APPROVED}.get(
            move.action
        ) or OUTCOMES[move.action]
        version.state = row.state = new
        row.state_changed_at = row.updated_at = move.at
        if old is not new:
            events.append(
                Event(
                    move.at,
                    0,
                    actor,
                    AuditAction.STEP_STATE_CHANGED,
                    row,
                    {
                        "before": {"step": move.step, "state": old.value},
                        "after": {"step": move.step, "state": new.value},
                        "note": note,
                    },
                )
            )
    return list(progress.values()), events
