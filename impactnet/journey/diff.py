"""What changed between the last approved version of a step and a newer one."""
from __future__ import annotations

import difflib
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from impactnet.journey.models import StepSubmission
from impactnet.journey.questionnaire import QUESTIONS


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str
    lines: tuple[str, ...] = ()  # a line diff, for longer text


def _action_text(action) -> str:
    return f"DDD {action.goal.number}: {action.description} ({action.commitment}, {action.target_date.isoformat()})"


def _text_change(label: str, before: str, after: str) -> Change | None:
    if before == after:
        return None
    lines = tuple(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=1))[2:]
    return Change(label, before, after, lines)


def version_changes(approved: StepSubmission | None, newer: StepSubmission | None) -> list[Change] | None:
    """The differences, or None when there is no earlier approved version to compare with."""
    if approved is None or newer is None or approved.id == newer.id:
        return None
    changes = [_text_change(str(_l("Toelichting")), approved.statement or "", newer.statement or "")]
    old_answers, new_answers = approved.answers or {}, newer.answers or {}
    for key, question in QUESTIONS.items():
        changes.append(_text_change(str(question.text), old_answers.get(key, ""), new_answers.get(key, "")))
    old_actions = [_action_text(a) for a in approved.actions]
    new_actions = [_action_text(a) for a in newer.actions]
    if old_actions != new_actions:
        changes.append(Change(str(_l("Acties")), "\n".join(old_actions), "\n".join(new_actions),
                              tuple(difflib.unified_diff(old_actions, new_actions, lineterm="", n=0))[2:]))
    old_files = sorted(e.original_name for e in approved.evidence)
    new_files = sorted(e.original_name for e in newer.evidence)
    if old_files != new_files:
        changes.append(Change(str(_l("Bestanden")), ", ".join(old_files), ", ".join(new_files)))
    return [c for c in changes if c is not None]
