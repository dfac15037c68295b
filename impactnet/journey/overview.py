"""The organisation's journey at a glance: progress, what is next, open feedback."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from impactnet.core.locale import localized
from impactnet.journey.models import StepKind, StepProgress, StepState
from impactnet.journey.services import missing_items, progress_list, renewal_waits_until
from impactnet.organisations.models import Organisation


@dataclass(frozen=True)
class Overview:
    """The organisation's journey at a glance, for its dashboard and page."""

    progress: list[StepProgress]
    approved: int
    current: StepProgress | None  # the first step not yet approved
    missing: list[str]  # what the current step still needs
    feedback: str | None  # staff feedback on the current step, if changes were asked

    @property
    def total(self) -> int:
        return len(self.progress)

    @property
    def label_review(self) -> StepProgress | None:
        """The step where the label is asked for (again: renewal, or after an expiry or revocation)."""
        return next((p for p in self.progress if p.step.kind is StepKind.LABEL_REVIEW), None)

    def renewal_opens_on(self, today: date) -> date | None:
        """For a label that cannot be renewed yet: the day that becomes possible."""
        review = self.label_review
        return renewal_waits_until(review, today) if review is not None else None

    @property
    def step_titles(self) -> dict[str, str]:
        """Every step's title by key (for the timeline), without another query."""
        return {p.step.key: localized(p.step, "title") for p in self.progress}


def open_feedback(progress: StepProgress) -> str | None:
    """Staff's request for changes that the organisation is still working on."""
    versions = progress.submissions
    if versions and versions[-1].state is StepState.DRAFT:
        versions = versions[:-1]
    if versions and versions[-1].state is StepState.CHANGES_REQUESTED:
        return versions[-1].feedback
    return None


def journey_overview(organisation: Organisation) -> Overview:
    progress = progress_list(organisation)
    current = next((p for p in progress if p.last_approved is None), None)
    latest = current.current if current else None
    return Overview(
        progress=progress,
        approved=sum(1 for p in progress if p.last_approved is not None),
        current=current,
        missing=missing_items(current, latest)
        if current is not None and current.state is not StepState.SUBMITTED
        else [],
        feedback=open_feedback(current) if current is not None else None,
    )
