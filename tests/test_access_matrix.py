"""Every route against every role: who gets in, who is turned away.

A new route fails this test until it is added to ACCESS, so no route can
ship without an explicit decision about who may use it.
"""

from __future__ import annotations

import pytest

from tests.access_world import ADMIN, PARTNER, PARTNER_OTHER, STAFF, VIEWER, VIEWER_OTHER, VISITOR
from tests.helpers import login_client

ROLES = (VISITOR, PARTNER, PARTNER_OTHER, VIEWER, VIEWER_OTHER, STAFF, ADMIN)
EVERYONE = set(ROLES)
SIGNED_IN = EVERYONE - {VISITOR}
STAFF_ONLY = {STAFF, ADMIN}

OWN_PARTNER_AND_STAFF = {PARTNER} | STAFF_ONLY

# endpoint -> roles allowed, for every method the route accepts (or per method)
ACCESS = {
    "home.home": EVERYONE,
    "home.healthz": EVERYONE,
    "home.set_language": EVERYONE,  # the footer's language switch (no language given: 400)
    "home.dashboard": SIGNED_IN,
    "registration.register": EVERYONE,
    "accounts.login": EVERYONE,
    "accounts.logout": EVERYONE,
    "accounts.logout_everywhere": SIGNED_IN,
    "registration.registered": EVERYONE,  # "check your mail", after registering
    "accounts.verify_email": EVERYONE,
    "accounts.resend_verification": SIGNED_IN,
    "accounts.request_password_reset": EVERYONE,
    "accounts.reset_password": EVERYONE,
    "accounts.accept_invitation": EVERYONE,
    "accounts.change_password": SIGNED_IN,
    "accounts.reminders": SIGNED_IN,
    "admin.users": {ADMIN},
    "admin.invite_user": {ADMIN},
    "admin.toggle_active": {ADMIN},
    "workspace.index": STAFF_ONLY,
    "workspace.export": STAFF_ONLY,  # the search as CSV/XLSX, with contact people (audited)
    "organisations.show": {PARTNER} | STAFF_ONLY,
    "organisations.edit": {PARTNER} | STAFF_ONLY,
    "regions.index": STAFF_ONLY,
    "regions.show": {VIEWER} | STAFF_ONLY,
    "regions.growth_chart": {VIEWER} | STAFF_ONLY,
    "overview.index": EVERYONE,
    "figures.how_we_count": EVERYONE,
    "regions.new": STAFF_ONLY,
    "regions.edit": STAFF_ONLY,
    "regions.save_target": STAFF_ONLY,
    "journey.step": {"GET": OWN_PARTNER_AND_STAFF, "POST": {PARTNER}},
    "journey.upload": {PARTNER},
    "journey.download": OWN_PARTNER_AND_STAFF,
    "journey.delete_evidence": {PARTNER},
    "review.queue": STAFF_ONLY,
    "review.submission": STAFF_ONLY,
    "review.approve": STAFF_ONLY,
    "review.request_changes": STAFF_ONLY,
    "review.record_step": STAFF_ONLY,
    "review.revoke": STAFF_ONLY,
    "review.withdraw": STAFF_ONLY,
    # Claiming a submission ("ik pak dit op"): a release of nobody's claim is a no-op, a take-over
    # without the claimant seen is a 422, both counted as allowed.
    "review.claim": STAFF_ONLY,
    "review.release": STAFF_ONLY,
    "review.take_over": STAFF_ONLY,
    # The lists behind the staff's to-do overview (an unknown list: 404).
    "todo.waiting_list": STAFF_ONLY,
    "path.index": STAFF_ONLY,
    "path.edit_step": STAFF_ONLY,
    "path.edit_goal": STAFF_ONLY,
    # The partner agreement's PDF: staff upload versions (a POST without a file: 422, counted as
    # allowed); every partner (of any organisation: the agreement is the same for all) and staff download.
    "path.upload_document": STAFF_ONLY,
    "documents.download": {PARTNER, PARTNER_OTHER} | STAFF_ONLY,
    "notifications.outbox": STAFF_ONLY,
    "notifications.retry": STAFF_ONLY,
    # The JSON API. The figures and the description are public. A series needs a
    # user: in these rows the session cookie (a bearer token reaches the same
    # check, see tests/api); viewers read their own municipality, staff any.
    # Visitors get 401, counted as denied.
    "api.openapi": EVERYONE,
    "api.regions": EVERYONE,
    "api.series": {VIEWER} | STAFF_ONLY,
    # Personal API tokens belong to municipality viewers, whichever municipality;
    # revoking another user's token is a 404.
    "api_tokens.index": {VIEWER, VIEWER_OTHER},
    "api_tokens.create": {VIEWER, VIEWER_OTHER},
    "api_tokens.revoke": {VIEWER},
    # CSV and XLSX downloads (each endpoint has a .csv and a .xlsx rule): the region
    # table is public like /api/v1/regions, a series follows the dashboard's rule.
    "exports.regions": EVERYONE,
    "exports.series": {VIEWER} | STAFF_ONLY,
    "exports.dashboard_table": {VIEWER} | STAFF_ONLY,
    # The public face: the directory and its open data, label verification and the badge.
    "directory.index": EVERYONE,
    "directory.as_json": EVERYONE,
    "directory.as_csv": EVERYONE,
    "directory.verify_form": EVERYONE,
    "directory.verify": EVERYONE,
    "directory.badge": EVERYONE,
    "api.verify": EVERYONE,
    # Privacy (AVG): everyone signed in downloads their own data (a partner also their organisation's);
    # only St MBO erases an organisation (without a valid form: 422, counted as allowed).
    "privacy.export": SIGNED_IN,
    "privacy.erase": STAFF_ONLY,
    # Changes of a locked organisation's KvK number or name: St MBO sees and decides (a decision
    # after a colleague's is a 409, counted as allowed); only the organisation's own partner
    # withdraws its request (staff 403, everyone else 404 or the login page).
    "identity.show": STAFF_ONLY,
    "identity.approve": STAFF_ONLY,
    "identity.reject": STAFF_ONLY,
    "identity.withdraw": {PARTNER},
    # Collega's: the organisation's own partner and St MBO list, invite and remove (an empty
    # invitation form: 422, a removal asked about a pending invitation: 409, both counted as
    # allowed); everyone else 404 or the login page.
    "colleagues.index": OWN_PARTNER_AND_STAFF,
    "colleagues.invite": OWN_PARTNER_AND_STAFF,
    "colleagues.remove": OWN_PARTNER_AND_STAFF,
    "colleagues.withdraw": OWN_PARTNER_AND_STAFF,
    # St MBO's account manager and internal notes, and "Mijn organisaties": staff only (an empty
    # note: 422, counted as allowed); partners and municipality viewers 403, visitors the login page.
    "workspace.mine": STAFF_ONLY,
    "notes.set_account_manager": STAFF_ONLY,
    "notes.add_note": STAFF_ONLY,
    "notes.delete_note": STAFF_ONLY,
    # Bulk actions on a selection of the organisation search: St MBO only (no selection: 422, counted
    # as allowed); partners, viewers 403, visitors the login page.
    "bulk.message": STAFF_ONLY,
    "bulk.message_preview": STAFF_ONLY,
    "bulk.message_send": STAFF_ONLY,
    "bulk.manager": STAFF_ONLY,
    "bulk.manager_preview": STAFF_ONLY,
    "bulk.manager_assign": STAFF_ONLY,
    "bulk.download": STAFF_ONLY,
    "bulk.download_file": STAFF_ONLY,
    # Importing the network: St MBO only (a POST without a file: 422; a confirmation naming no kept file: 400).
    "imports.index": STAFF_ONLY,
    "imports.confirm": STAFF_ONLY,
    # Inspiration sessions: St MBO plans, changes, cancels and marks attendance (an empty form: 422, the
    # attendance of a session to come: 409, both counted as allowed); partners and municipality viewers 403.
    "sessions.index": STAFF_ONLY,
    "sessions.new": STAFF_ONLY,
    "sessions.edit": STAFF_ONLY,
    "sessions.cancel": STAFF_ONLY,
    "sessions.attendance_page": STAFF_ONLY,
    # Signing up and cancelling: every partner, always for its own organisation (one not waiting for the
    # session, or not booked: 409 on the dashboard, counted as allowed); viewers and staff 403.
    "session_bookings.book": {PARTNER, PARTNER_OTHER},
    "session_bookings.cancel": {PARTNER, PARTNER_OTHER},
}


def allowed_roles(endpoint: str, method: str) -> set:
    rule = ACCESS[endpoint]
    return rule[method] if isinstance(rule, dict) else rule


def _routes(app):
    """Every (rule, method); all reads before all writes, so that a write
    (deleting a file, deciding) cannot change what a later read finds."""
    pairs = [
        (rule, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]
    return sorted(pairs, key=lambda pair: pair[1] != "GET")


def test_every_route_has_an_access_decision(app):
    endpoints = {rule.endpoint for rule, _ in _routes(app)}
    assert endpoints == set(ACCESS), "add new routes to ACCESS (and remove gone ones)"


def _outcome(response) -> str:
    if response.status_code in (401, 403, 404):
        return "denied"
    if response.status_code == 302 and response.headers["Location"].startswith("/login"):
        return "denied"
    if response.status_code >= 500:
        return "error"
    return "allowed"


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(app, world, role):
    users, values = world
    failures = []
    for rule, method in _routes(app):
        client = app.test_client()
        if role != VISITOR:
            login_client(client, users[role])
        url = rule.build({k: v for k, v in values.items() if k in rule.arguments}, append_unknown=False)[1]
        response = client.open(url, method=method)
        expected = "allowed" if role in allowed_roles(rule.endpoint, method) else "denied"
        if _outcome(response) != expected:
            failures.append(f"{method} {url}: expected {expected}, got {response.status_code}")
    assert not failures, f"{role}:\n" + "\n".join(failures)
