"""The pages of a change of KvK number or name, in a real browser: no serious axe-core problems, no
sideways scrolling on a 375 px phone, and the partner's and staff's whole way by keyboard alone."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from impactnet.accounts.models import Role
from impactnet.extensions import db
from impactnet.organisations import identity
from impactnet.organisations.models import IdentityChange
from tests import factories
from tests.browser.conftest import STAFF_EMAIL
from tests.browser.test_accessibility import (
    assert_no_serious_axe_violations,
    assert_tab_order_follows_the_page,
    open_page,
    sideways_scrolling,
    sign_in,
)
from tests.organisations.helpers import details_of, labelled

pytestmark = pytest.mark.browser

PHONE_375 = {"viewport": {"width": 375, "height": 740}}
PARTNER_EMAIL = "fatima@aannemergroen.example.nl"


@pytest.fixture
def changes(dordrecht):
    """A labelled organisation whose partner waits for a change; another that changed its number
    (approved); staff."""
    waiting = labelled(
        dordrecht, name="Aannemer Groen Dordrecht en Omstreken B.V.", kvk="11111111", public_listing=True
    )
    partner = factories.PartnerUserFactory(organisation=waiting, email=PARTNER_EMAIL, name="Fatima el Amrani")
    staff = factories.UserFactory(role=Role.STAFF, email=STAFF_EMAIL, name="Sanne de Vries")
    new_name = "Groen Bouw- en Aannemingsbedrijf Drechtsteden B.V."
    identity.save_details(partner, waiting, details_of(waiting, name=new_name, kvk_number="22222222"))
    changed = labelled(dordrecht, name="Drukkerij Van Dijk", kvk="33333333")
    changed_partner = factories.PartnerUserFactory(organisation=changed)
    identity.save_details(
        changed_partner, changed, details_of(changed, name="Van Dijk Print & Media B.V.", kvk_number="44444444")
    )
    identity.approve(staff, identity.pending_change(changed), note="Uittreksel gezien.")
    db.session.commit()
    pending = identity.pending_change(waiting)
    return {"own": waiting.id, "change": pending.id, "changed": changed.id}


PAGES = [
    (None, "/verify/33333333"),  # asked by a former number
    (None, "/verify/44444444"),
    ("partner", "/organisations/{own}"),
    ("partner", "/organisations/{own}/edit"),
    ("staff", "/review/"),
    ("staff", "/review/identity-changes/{change}"),
    ("staff", "/organisations/{changed}"),
]
EMAILS = {"partner": PARTNER_EMAIL, "staff": STAFF_EMAIL}


@pytest.mark.parametrize(("role", "url"), PAGES, ids=[f"{role}:{url}" for role, url in PAGES])
def test_no_serious_axe_violations_and_no_sideways_scrolling(new_page, axe_script, changes, role, url):
    page = new_page(bypass_csp=True, **PHONE_375)
    if role:
        sign_in(page, EMAILS[role])
    open_page(page, url.format(**changes))
    assert sideways_scrolling(page) is None, sideways_scrolling(page)
    assert_no_serious_axe_violations(page, axe_script)


def test_the_partner_withdraws_and_staff_reject_by_keyboard_alone(new_page, changes):
    partner = new_page(**PHONE_375)
    sign_in(partner, PARTNER_EMAIL)
    partner.goto(f"/organisations/{changes['own']}")
    expect(partner.get_by_role("heading", name="Wijziging van naam of KvK-nummer wacht op St MBO")).to_be_visible()
    partner.get_by_role("button", name="Verzoek intrekken").focus()
    partner.keyboard.press("Enter")
    expect(partner.get_by_role("status").filter(has_text="is ingetrokken")).to_be_visible()
    change = db.session.get(IdentityChange, changes["change"])
    db.session.refresh(change)
    assert change.state == "withdrawn"

    # Asked again through the form, then rejected by staff with a reason, all with the keyboard.
    partner.goto(f"/organisations/{changes['own']}/edit")
    partner.get_by_label("KvK-nummer").fill("5555 5555")
    partner.get_by_label("KvK-nummer").press("Enter")
    expect(partner.get_by_role("status").filter(has_text="naar St MBO gestuurd")).to_be_visible()
    staff = new_page(**PHONE_375)
    sign_in(staff, STAFF_EMAIL)
    staff.goto("/review/")
    staff.get_by_role("link", name="wijziging van naam of KvK-nummer").focus()
    staff.keyboard.press("Enter")
    expect(staff.get_by_role("heading", name="Afwijzen")).to_be_visible()
    assert_tab_order_follows_the_page(staff)
    staff.get_by_label("Reden van de afwijzing").fill("Het uittreksel noemt een ander nummer.")
    staff.get_by_role("button", name="Afwijzen").focus()
    staff.keyboard.press("Enter")
    expect(staff.get_by_role("status").filter(has_text="is afgewezen")).to_be_visible()
    db.session.expire_all()
    rejected = db.session.scalar(sa.select(IdentityChange).where(IdentityChange.new_kvk_number == "55555555"))
    assert rejected.state == "rejected" and rejected.note == "Het uittreksel noemt een ander nummer."
