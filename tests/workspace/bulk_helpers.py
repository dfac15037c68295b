"""A small network for the bulk-action tests, and the forms as the pages post them."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from impactnet.accounts.models import Role
from impactnet.database import utcnow
from impactnet.organisations.models import OrganisationStatus
from tests import factories

SUBJECT = "Nieuwjaarsbijeenkomst 2027"
BODY = "Op 14 januari komen alle partners samen in Dordrecht.\n\nMeld u aan via de website."


def selection(*organisations, everything: bool = False, **filters) -> dict:
    """The hidden selection fields, as the search page's form sends them."""
    data = {"filter": urlencode(filters), "scope": "all" if everything else "selected"}
    if not everything:
        data["ids"] = ",".join(str(o.id) for o in organisations)
    return data


def token_in(page: str) -> str:
    match = re.search(r'name="token" type="hidden" value="([^"]*)"', page)
    assert match, "no preview token on the page"
    return match.group(1)


def preview_message(client, data: dict, subject: str = SUBJECT, body: str = BODY):
    return client.post(
        "/organisations/bulk/message",
        data={**data, "subject": subject, "body": body, "preview": "Voorvertoning bekijken"},
    )


def send_message(client, data: dict, token: str, subject: str = SUBJECT, body: str = BODY):
    return client.post(
        "/organisations/bulk/message/send",
        data={**data, "subject": subject, "body": body, "token": token, "send": "Versturen"},
    )


@pytest.fixture
def staff(login_as):
    return login_as(Role.STAFF, name="Sanne de Vries")


@pytest.fixture
def partners(dordrecht, zwijndrecht, path):
    """Three organisations: the bakery with users of every kind, the builder with one, and an erased one."""
    f = factories.OrganisationFactory
    bakery = f(name="Bakkerij De Molen", municipality=dordrecht, status=OrganisationStatus.PARTNER)
    builder = f(name="Bouwbedrijf Zwijn", municipality=zwijndrecht, status=OrganisationStatus.WORKING_TOWARD_LABEL)
    erased = f(
        name="Gewiste organisatie 9", municipality=dordrecht, status=OrganisationStatus.PARTNER, erased_at=utcnow()
    )
    people = {
        "anna": factories.PartnerUserFactory(organisation=bakery, name="Anna", email="anna@molen.example.nl"),
        "bram": factories.PartnerUserFactory(
            organisation=bakery, name="Bram", email="bram@molen.example.nl", reminders_enabled=False
        ),
        "gone": factories.PartnerUserFactory(organisation=bakery, email="weg@molen.example.nl", active=False),
        "invited": factories.PartnerUserFactory(
            organisation=bakery, email="nieuw@molen.example.nl", password_hash=None
        ),
        "unverified": factories.PartnerUserFactory(
            organisation=bakery, email="tikfout@molen.example.nl", email_verified_at=None
        ),
        "bert": factories.PartnerUserFactory(organisation=builder, name="Bert", email="bert@zwijn.example.nl"),
    }
    return {"bakery": bakery, "builder": builder, "erased": erased, **people}
