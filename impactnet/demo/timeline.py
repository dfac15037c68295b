"""The demo network's dates: who registered, became partner, got, renewed, lost or gave up the label when.

Dates only, from a seeded random generator; :mod:`impactnet.demo.seed` turns them into rows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from impactnet.demo import history
from impactnet.organisations.models import OrganisationStatus as Status

# The history follows the figures in DOMAIN.md ("The network and its targets").
HISTORY_END = date(2026, 11, 27)  # the demo's "yesterday": no event lies in the future
END = datetime.combine(HISTORY_END, time(16), tzinfo=UTC)
LOSSES_FROM = date(2024, 10, 1)  # Q3 2024 was 75 = 30 labelled + 45 working: nobody had left yet
LABEL_AFTER = timedelta(days=100)  # a label takes at least ~3 months after the partner agreement
RENEW_AHEAD = timedelta(days=30)  # labels ending this soon after HISTORY_END have been renewed already
LABEL_FIELDS = ("label_awarded_on", "label_valid_until", "label_revoked_on", "label_revoked_reason")


@dataclass(frozen=True)
class Plan:
    """One municipality's history: cumulative totals reached by each date."""

    slug: str
    name: str
    joined_on: date
    opens: date  # first registration
    partners: tuple[tuple[date, int], ...]  # applicant -> partner events, cumulative
    labelled: tuple[tuple[date, int], ...]  # labels awarded, cumulative
    applicants: int
    expired: int = 0
    revoked: int = 0
    withdrawn: int = 0


PLANS = (
    # Dordrecht ends behind its 2025 target (155 partners, 110 labelled): 141 signed, of whom one
    # withdrew, so 140 partners now; 89 labels awarded, 3 expired and 1 revoked, so 85 labelled now.
    Plan(
        "dordrecht",
        "Dordrecht",
        date(2021, 11, 1),
        date(2022, 1, 1),
        partners=((date(2024, 5, 31), 65), (date(2024, 9, 30), 75), (date(2026, 11, 15), 141)),
        labelled=((date(2024, 9, 30), 30), (date(2026, 11, 20), 89)),
        applicants=6,
        expired=3,
        revoked=1,
        withdrawn=1,
    ),
    Plan(
        "zwijndrecht",
        "Zwijndrecht",
        date(2025, 1, 1),
        date(2025, 1, 1),
        partners=((date(2026, 11, 15), 25),),
        labelled=((date(2026, 11, 20), 9),),
        applicants=3,
        revoked=1,
    ),
    Plan(
        "sliedrecht",
        "Sliedrecht",
        date(2025, 1, 1),
        date(2025, 1, 1),
        partners=((date(2026, 11, 15), 16),),
        labelled=((date(2026, 11, 20), 6),),
        applicants=2,
    ),
)
# Known targets (also seeded by the first migration); never invent later ones.
TARGETS = {"dordrecht": ((2024, 75, 50), (2025, 155, 110))}
LABELS_HELD = (Status.LABELLED, Status.LABEL_EXPIRED, Status.LABEL_REVOKED)


@dataclass
class Journey:
    """The dates on which one organisation moved along the path to the label."""

    registered: date
    partner: date | None = None
    working: date | None = None  # the Inventarisatie handed in
    labelled: date | None = None
    ended: tuple[date, Status] | None = None  # expired, revoked or withdrawn
    stage: str | None = None  # see history.STAGES / APPLICANT_STAGES

    def steps(self) -> list[tuple[date, Status]]:
        steps = [
            (self.partner, Status.PARTNER),
            (self.working, Status.WORKING_TOWARD_LABEL),
            (self.labelled, Status.LABELLED),
            self.ended or (None, None),
        ]
        return [(day, status) for day, status in steps if day is not None]

    @property
    def status(self) -> Status:
        steps = self.steps()
        return steps[-1][1] if steps else Status.APPLICANT


def working_day(rng: random.Random, first: date, last: date) -> date:
    """A random working day from ``first`` to ``last``."""
    if last < first or ((last - first).days < 2 and first.weekday() >= 5 and last.weekday() >= 5):
        raise ValueError(f"no working day in {first}..{last}")
    while (day := first + timedelta(days=rng.randint(0, (last - first).days))).weekday() >= 5:
        pass
    return day


def office_time(rng: random.Random, day: date) -> datetime:
    """During office hours (07:00-16:00 UTC is 08:00-18:00 in Dordrecht)."""
    return datetime.combine(day, time(rng.randint(7, 15), rng.randint(0, 59)), tzinfo=UTC)


def journeys(rng: random.Random, plan: Plan, validity: relativedelta) -> list[Journey]:
    """Dates only: who registered, became partner, got, lost or gave up the label when."""
    result: list[Journey] = []
    first = plan.opens + timedelta(days=30)
    for last, total in plan.partners:
        for _ in range(total - len(result)):
            partner = working_day(rng, first, last)
            registered = working_day(rng, max(plan.opens, partner - timedelta(days=60)), partner - timedelta(days=7))
            result.append(Journey(registered, partner))
        first = last + timedelta(days=1)
    first, awarded = plan.opens, 0
    for last, total in plan.labelled:
        ready = [j for j in result if j.labelled is None and j.partner + LABEL_AFTER <= last]
        for journey in rng.sample(ready, total - awarded):
            journey.labelled = working_day(rng, max(journey.partner + LABEL_AFTER, first), last)
        first, awarded = last + timedelta(days=1), total
    # expire_due_labels() marks a label expired the day after its last valid day
    expirable = [j for j in result if j.labelled and LOSSES_FROM <= j.labelled + validity + timedelta(1) <= HISTORY_END]
    for journey in rng.sample(expirable, plan.expired):
        journey.ended = (journey.labelled + validity + timedelta(1), Status.LABEL_EXPIRED)
    revocable = [j for j in result if j.labelled and not j.ended and j.labelled <= HISTORY_END - timedelta(90)]
    for journey in rng.sample(revocable, plan.revoked):
        journey.ended = (
            working_day(rng, max(journey.labelled + timedelta(60), LOSSES_FROM), HISTORY_END),
            Status.LABEL_REVOKED,
        )
    leaving = [j for j in result if not j.labelled and j.partner <= HISTORY_END - timedelta(120)]
    for journey in rng.sample(leaving, plan.withdrawn):
        journey.ended = (
            working_day(rng, max(journey.partner + timedelta(90), LOSSES_FROM), HISTORY_END),
            Status.WITHDRAWN,
        )
    for journey in result:
        stalled = not journey.labelled and not journey.ended and rng.random() < 0.15
        latest = journey.partner + timedelta(75)
        if journey.labelled:  # leave at least 70 days from the Inventarisatie to the label
            latest = min(latest, journey.partner + (journey.labelled - journey.partner) * 0.3)
        working = working_day(rng, journey.partner + timedelta(14), latest)
        if not stalled and working <= HISTORY_END:
            journey.working = working
    for index in range(plan.applicants):
        registered = working_day(rng, HISTORY_END - timedelta(days=75), HISTORY_END)
        result.append(Journey(registered, stage=history.APPLICANT_STAGES[index % len(history.APPLICANT_STAGES)]))
    return result


def assign_stages(rng: random.Random, planned: list[tuple[Plan, Journey]]) -> Journey:
    """Where each organisation stands on the path; returns the demo partner's journey: in Dordrecht,
    working on its impact plan, which St MBO sent back with feedback."""
    working = sorted(
        (j for _, j in planned if j.status is Status.WORKING_TOWARD_LABEL), key=lambda j: j.working, reverse=True
    )
    demo = max(
        (
            j
            for plan, j in planned
            if plan.slug == "dordrecht"
            and j.status is Status.WORKING_TOWARD_LABEL
            and j.working <= HISTORY_END - timedelta(days=120)
        ),
        key=lambda j: j.working,
    )
    demo.stage = "plan_changes"
    others = [j for j in working if j is not demo]
    stages = history.assign_stages([HISTORY_END - j.working for j in others], {demo.stage: 1})
    for journey, stage in zip(others, stages, strict=True):
        journey.stage = stage
    for _, journey in planned:
        if journey.status in LABELS_HELD:
            journey.stage = "labelled"
        elif journey.status is Status.WITHDRAWN and journey.working:
            journey.stage = history.withdrawn_stage(rng, journey.ended[0] - timedelta(3) - journey.working)
    return demo


def renewals(rng: random.Random, journey: Journey, validity: relativedelta) -> list[date]:
    """The days a label was renewed: shortly before it ran out, as long as it was held."""
    valid, renewed = journey.labelled + validity, []
    if journey.status is Status.LABEL_EXPIRED:
        return renewed
    limit = journey.ended[0] if journey.status is Status.LABEL_REVOKED else HISTORY_END + RENEW_AHEAD
    while valid < limit:
        last = min(valid - timedelta(10), limit - timedelta(1), HISTORY_END)
        renewed.append(working_day(rng, valid - timedelta(90), last))
        valid += validity
    return renewed
