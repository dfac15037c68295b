"""How audit actions read in the timeline."""
from flask_babel import lazy_gettext as _l

from impactnet.audit.models import AuditAction

AUDIT_LABELS = {
    AuditAction.ORGANISATION_REGISTERED: _l("Organisatie aangemeld"),
    AuditAction.ORGANISATION_UPDATED: _l("Gegevens gewijzigd"),
    AuditAction.ORGANISATION_STATUS_CHANGED: _l("Status gewijzigd"),
    AuditAction.USER_CREATED: _l("Account aangemaakt"),
    AuditAction.USER_INVITED: _l("Uitgenodigd"),
    AuditAction.USER_EMAIL_VERIFIED: _l("E-mailadres bevestigd"),
    AuditAction.USER_PASSWORD_CHANGED: _l("Wachtwoord gewijzigd"),
    AuditAction.USER_PASSWORD_RESET: _l("Nieuw wachtwoord ingesteld"),
    AuditAction.USER_DEACTIVATED: _l("Account gedeactiveerd"),
    AuditAction.USER_REACTIVATED: _l("Account weer actief"),
    AuditAction.MUNICIPALITY_CREATED: _l("Gemeente toegevoegd"),
    AuditAction.MUNICIPALITY_UPDATED: _l("Gemeente gewijzigd"),
    AuditAction.TARGET_CREATED: _l("Doel vastgesteld"),
    AuditAction.TARGET_UPDATED: _l("Doel gewijzigd"),
}
