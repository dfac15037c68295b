"""The downloads hold aggregate figures only: no organisation's or person's name or e-mail."""

import pytest

from impactnet.accounts.models import Role
from impactnet.database import local_today
from impactnet.organisations.models import OrganisationStatus as Status
from impactnet.stats.services import take_snapshots
from tests import factories
from tests.exports.helpers import all_text
from tests.stats.network import noon, organisation


@pytest.mark.parametrize("url", ["/regions.{fmt}", "/municipalities/dordrecht/series.{fmt}"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_no_names_or_emails_of_organisations_or_people(client, dordrecht, login, url, fmt):
    today = local_today()
    labelled = organisation(
        dordrecht,
        noon(2025, 1, 6),
        (noon(2025, 2, 3), Status.PARTNER),
        (noon(2025, 3, 3), Status.WORKING_TOWARD_LABEL),
        (noon(2025, 5, 5), Status.LABELLED),
    )
    labelled.name, labelled.city = "Bakkerij Geheimzin B.V.", "Geheimstad"
    partner = factories.PartnerUserFactory(organisation=labelled, name="Jantje Geheim", email="jantje@geheim.example")
    viewer = factories.MunicipalityUserFactory(
        municipality=dordrecht, name="Wethouder Stil", email="wethouder@stil.example"
    )
    take_snapshots(today)
    staff = factories.UserFactory(role=Role.STAFF, name="Medewerker Zwijg", email="zwijg@stmbo.example")
    login(staff)

    response = client.get(url.format(fmt=fmt) + f"?from={today:%Y-%m}&to={today:%Y-%m}")

    assert response.status_code == 200
    text = all_text(response, fmt)
    assert " 1 1 0" in text  # the labelled organisation is counted (partners, labelled, working toward)...
    for personal in (
        labelled.name,
        labelled.kvk_number,
        labelled.street_address,
        "Geheimstad",
        partner.name,
        partner.email,
        viewer.name,
        viewer.email,
        staff.name,
        staff.email,
    ):
        assert personal not in text  # ...but nothing names it or anyone
