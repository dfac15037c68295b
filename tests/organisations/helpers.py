"""Organisations with a label, the details form as a browser posts it, and clients per person."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from impactnet.database import local_today
from impactnet.organisations.models import Organisation
from impactnet.organisations.models import OrganisationStatus as Status
from impactnet.organisations.services import OrganisationDetails
from tests import factories
from tests.helpers import login_client


def labelled(municipality, name: str = "Aannemer Groen", kvk: str = "11111111", **overrides) -> Organisation:
    """A labelled organisation (not in the directory: its label can be verified all the same)."""
    today = local_today()
    values = {
        "status": Status.LABELLED,
        "label_awarded_on": today - timedelta(days=30),
        "label_valid_until": today + timedelta(days=700),
        **overrides,
    }
    return factories.OrganisationFactory(municipality=municipality, name=name, kvk_number=kvk, **values)


def edit_data(organisation: Organisation, **overrides) -> dict:
    """The details form of ``organisation`` as its edit page would post it unchanged, with ``overrides``."""
    data = {
        "name": organisation.name,
        "kvk_number": organisation.kvk_number,
        "municipality_id": str(organisation.municipality_id),
        "sector": organisation.sector,
        "size_class": organisation.size_class,
        "street_address": organisation.street_address,
        "postcode": organisation.postcode,
        "city": organisation.city,
        "website": organisation.website or "",
        "impact_statement": organisation.impact_statement or "",
    }
    if organisation.public_listing:
        data["public_listing"] = "y"
    data.update(overrides)
    return data


def signed_in(app, user):
    """A test client of its own, signed in as ``user`` (several people in one test)."""
    client = app.test_client()
    login_client(client, user)
    return client


def details_of(organisation: Organisation, **changes) -> OrganisationDetails:
    """The organisation's details as the form hands them to the services, with ``changes``."""
    details = OrganisationDetails(
        **{field: getattr(organisation, field) for field in OrganisationDetails.__dataclass_fields__}
    )
    return replace(details, **changes)
