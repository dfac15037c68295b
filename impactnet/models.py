"""Every model, imported in one place for Alembic and the mapper registry."""
from impactnet.accounts.models import Role, User
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.organisations.models import Organisation, OrganisationStatus
from impactnet.regions.models import Municipality, Target

__all__ = [
    "AuditAction", "AuditEvent", "Municipality", "Organisation", "OrganisationStatus", "Role", "Target", "User",
]
