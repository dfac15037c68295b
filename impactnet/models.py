"""Every model, imported in one place for Alembic and the mapper registry."""

from impactnet.accounts.models import AccountRequest, Role, User, UserSession
from impactnet.api.models import ApiToken
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.journey.models import (
    DrechtsDoel,
    Evidence,
    ImpactAction,
    JourneyStep,
    StepDocument,
    StepKind,
    StepProgress,
    StepState,
    StepSubmission,
)
from impactnet.mail.models import MailStatus, OutboxMail
from impactnet.organisations.models import IdentityChange, IdentityChangeState, Organisation, OrganisationStatus
from impactnet.regions.models import Municipality, Target
from impactnet.sessions.models import BookingState, InspirationSession, SessionBooking
from impactnet.stats.models import BreakdownSnapshot, FunnelSnapshot, GrowthSnapshot, Projection

__all__ = [
    "AccountRequest",
    "ApiToken",
    "AuditAction",
    "AuditEvent",
    "BookingState",
    "BreakdownSnapshot",
    "DrechtsDoel",
    "Evidence",
    "FunnelSnapshot",
    "GrowthSnapshot",
    "IdentityChange",
    "IdentityChangeState",
    "ImpactAction",
    "InspirationSession",
    "JourneyStep",
    "MailStatus",
    "Municipality",
    "Organisation",
    "OrganisationStatus",
    "OutboxMail",
    "Projection",
    "Role",
    "SessionBooking",
    "StepDocument",
    "StepKind",
    "StepProgress",
    "StepState",
    "StepSubmission",
    "Target",
    "User",
    "UserSession",
]
