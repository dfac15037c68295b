"""How audit actions read in the timeline."""
from flask_babel import lazy_gettext as _l

from impactnet.audit.models import AuditAction

AUDIT_LABELS = {
    AuditAction.ORGANISATION_REGISTERED: _l("Organisatie aangemeld"),
    AuditAction.ORGANISATION_UPDATED: _l("Gegevens gewijzigd"),
    AuditAction.ORGANISATION_STATUS_CHANGED: _l("Status gewijzigd"),
    AuditAction.ORGANISATION_ERASED: _l("Persoonsgegevens gewist (AVG-verzoek)"),
    AuditAction.ORGANISATION_IDENTITY_CHANGED: _l("Naam of KvK-nummer gewijzigd"),
    AuditAction.IDENTITY_CHANGE_REQUESTED: _l("Wijziging van naam of KvK-nummer aangevraagd"),
    AuditAction.IDENTITY_CHANGE_APPROVED: _l("Wijziging van naam of KvK-nummer goedgekeurd"),
    AuditAction.IDENTITY_CHANGE_REJECTED: _l("Wijziging van naam of KvK-nummer afgewezen"),
    AuditAction.IDENTITY_CHANGE_WITHDRAWN: _l("Wijziging van naam of KvK-nummer ingetrokken"),
    AuditAction.USER_CREATED: _l("Account aangemaakt"),
    AuditAction.USER_INVITED: _l("Uitgenodigd"),
    AuditAction.USER_EMAIL_VERIFIED: _l("E-mailadres bevestigd"),
    AuditAction.USER_PASSWORD_CHANGED: _l("Wachtwoord gewijzigd"),
    AuditAction.USER_PASSWORD_RESET: _l("Nieuw wachtwoord ingesteld"),
    AuditAction.USER_DEACTIVATED: _l("Account gedeactiveerd"),
    AuditAction.USER_REACTIVATED: _l("Account weer actief"),
    AuditAction.USER_PREFERENCES_CHANGED: _l("Voorkeuren gewijzigd"),
    AuditAction.MUNICIPALITY_CREATED: _l("Gemeente toegevoegd"),
    AuditAction.MUNICIPALITY_UPDATED: _l("Gemeente gewijzigd"),
    AuditAction.TARGET_CREATED: _l("Doel vastgesteld"),
    AuditAction.TARGET_UPDATED: _l("Doel gewijzigd"),
    AuditAction.STEP_STATE_CHANGED: _l("Stap bijgewerkt"),
    AuditAction.STEP_UPDATED: _l("Stapomschrijving gewijzigd"),
    AuditAction.EVIDENCE_ADDED: _l("Bestand toegevoegd"),
    AuditAction.EVIDENCE_REMOVED: _l("Bestand verwijderd"),
    AuditAction.GOAL_UPDATED: _l("Drechts Doel gewijzigd"),
    AuditAction.STEP_DOCUMENT_ADDED: _l("Document van een stap geüpload"),
    AuditAction.LABEL_AWARDED: _l("Label toegekend"),
    AuditAction.LABEL_RENEWED: _l("Label verlengd"),
    AuditAction.LABEL_REVOKED: _l("Label ingetrokken"),
    AuditAction.LABEL_EXPIRED: _l("Label verlopen"),
}
