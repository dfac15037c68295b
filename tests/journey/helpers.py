"""Walking an organisation along the path through HTTP, for the journey tests."""

from __future__ import annotations

import io

import sqlalchemy as sa

from impactnet.extensions import db
from impactnet.journey.models import StepProgress, StepSubmission
from impactnet.journey.questionnaire import QUESTIONS

# The smallest valid PDF a viewer opens.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def step_url(organisation, key: str) -> str:
    return f"/organisations/{organisation.id}/steps/{key}"


def upload(client, organisation, key: str, content: bytes = PDF, name: str = "overeenkomst.pdf"):
    return client.post(
        step_url(organisation, key) + "/evidence",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def answers(prefix: str = "") -> dict:
    return {f"answer_{key}": f"{prefix}Antwoord op {key}" for key in QUESTIONS}


def plan(goal_id: int, **overrides) -> dict:
    data = {
        "actions-0-goal_id": str(goal_id),
        "actions-0-description": "BBL-plaatsen voor jongeren uit Dordrecht",
        "actions-0-commitment": "2 BBL-plaatsen per jaar",
        "actions-0-target_date": "2027-09-01",
    }
    data.update(overrides)
    return data


def latest_submission(organisation, key: str) -> StepSubmission:
    return db.session.scalar(
        sa.select(StepSubmission)
        .join(StepProgress)
        .where(StepProgress.organisation_id == organisation.id)
        .join(StepProgress.step)
        .where(sa.text("journey_steps.key = :key"))
        .params(key=key)
        .order_by(StepSubmission.id.desc())
        .limit(1)
    )
