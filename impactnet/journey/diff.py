"""What changed between two versions of a step: the one reviewed before and a newer one."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from impactnet.journey.models import StepState, StepSubmission
from impactnet.journey.questionnaire import QUESTIONS

ADDED, REMOVED, SAME, GAP = "added", "removed", "same", "gap"


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str
    lines: tuple[tuple[str, str], ...] = ()  # a line diff for longer text: (ADDED/REMOVED/SAME/GAP, text)


def _line_diff(before: list[str], after: list[str], context: int) -> tuple[tuple[str, str], ...]:
    lines: list[tuple[str, str]] = []
    for line in list(difflib.unified_diff(before, after, lineterm="", n=context))[2:]:
        if line.startswith("@@"):
            if lines:  # a jump over unchanged lines between two hunks
                lines.append((GAP, "…"))
        elif line.startswith("+"):
            lines.append((ADDED, line[1:]))
        elif line.startswith("-"):
            lines.append((REMOVED, line[1:]))
        else:
            lines.append((SAME, line[1:]))
    return tuple(lines)


def _action_text(action) -> str:
    return f"DDD {action.goal.number}: {action.description} ({action.commitment}, {action.target_date.isoformat()})"


def _text_change(label: str, before: str, after: str) -> Change | None:
    if before == after:
        return None
    return Change(label, before, after, _line_diff(before.splitlines(), after.splitlines(), 1))


def reviewed_before(submission: StepSubmission | None) -> StepSubmission | None:
    """The latest earlier version St MBO decided on (approved, or sent back with feedback)."""
    if submission is None:
        return None
    earlier = [
        s
        for s in submission.progress.submissions
        if s.number < submission.number
        and s.decided_at is not None
        and s.state in (StepState.APPROVED, StepState.CHANGES_REQUESTED)
    ]
    return earlier[-1] if earlier else None


def version_changes(earlier: StepSubmission | None, newer: StepSubmission | None) -> list[Change] | None:
    """The differences, or None when there is no earlier version to compare with."""
    if earlier is None or newer is None or earlier.id == newer.id:
        return None
    changes = [_text_change(str(_l("Toelichting")), earlier.statement or "", newer.statement or "")]
    old_answers, new_answers = earlier.answers or {}, newer.answers or {}
    for key, question in QUESTIONS.items():
        changes.append(_text_change(str(question.text), old_answers.get(key, ""), new_answers.get(key, "")))
    old_actions = [_action_text(a) for a in earlier.actions]
    new_actions = [_action_text(a) for a in newer.actions]
    if old_actions != new_actions:
        changes.append(
            Change(
                str(_l("Acties")),
                "\n".join(old_actions),
                "\n".join(new_actions),
                _line_diff(old_actions, new_actions, 0),
            )
        )
    old_files = sorted(e.original_name for e in earlier.evidence)
    new_files = sorted(e.original_name for e in newer.evidence)
    if old_files != new_files:
        changes.append(Change(str(_l("Bestanden")), ", ".join(old_files), ", ".join(new_files)))
    return [c for c in changes if c is not None]
