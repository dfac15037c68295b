"""One definition per figure: the parts of "partners" add up to it, for every municipality and the
region, after every kind of change, as the snapshot job stores them and /api/v1/regions hands
them out."""

from dataclasses import replace
from datetime import timedelta

import pytest

from impactnet.database import local_today
from impactnet.directory.services import PublicStatus, public_status
from impactnet.extensions import db
from impactnet.organisations.models import PARTNER_STATUSES
from impactnet.organisations.models import OrganisationStatus as Status
from impactnet.organisations.services import (
    Contact,
    OrganisationDetails,
    register_organisation,
    update_organisation,
)
from impactnet.privacy.services import erase_organisation
from impactnet.review.services import award_or_renew_label, expire_due_labels, revoke_label, withdraw
from impactnet.stats.definitions import COUNTS, PART_OF_STATUS, PARTS, counts
from impactnet.stats.services import take_snapshots
from tests import factories

FIELDS = ("partners", *PARTS)


@pytest.fixture
def network(dordrecht, zwijndrecht):
    """Every status in Dordrecht (a label that ends next month), a partner and a label in Zwijndrecht."""
    today = local_today()
    made = {status: factories.OrganisationFactory(municipality=dordrecht, status=status) for status in Status}
    made[Status.LABELLED].label_awarded_on = today - timedelta(days=300)
    made[Status.LABELLED].label_valid_until = today + timedelta(days=30)
    factories.OrganisationFactory(municipality=zwijndrecht, status=Status.PARTNER)
    factories.OrganisationFactory(municipality=zwijndrecht, status=Status.LABELLED)
    db.session.commit()
    return {"staff": factories.UserFactory(), **{status.value: organisation for status, organisation in made.items()}}


def figures(client) -> dict:
    """Take today's snapshots, then read /api/v1/regions: the figures per municipality slug and
    for the region ("region"), after checking that the parts add up and the region is the sum."""
    take_snapshots(local_today())
    db.session.commit()
    body = client.get("/api/v1/regions").get_json()
    scopes = {m["slug"]: m for m in body["municipalities"]} | {"region": body["region"]}
    for name, scope in scopes.items():
        assert scope["partners"] == sum(scope[part] for part in PARTS), name
        assert scope["as_of"] is not None, name
    for field in FIELDS:
        assert body["region"][field] == sum(m[field] for m in body["municipalities"]), field
    return {name: {field: scope[field] for field in FIELDS} for name, scope in scopes.items()}


def test_the_parts_are_the_partner_statuses_each_in_one_part():
    assert {status for status, part in PART_OF_STATUS.items() if part in PARTS} == PARTNER_STATUSES
    assert counts(
        {"labelled": 2, "working_toward_label": 3, "label_expired": 1, "label_revoked": 4, "applicants": 5, None: 6}
    ) == {
        "partners": 10,
        "labelled": 2,
        "working_toward_label": 3,
        "label_expired": 1,
        "label_revoked": 4,
        "applicants": 5,
    }
    assert set(COUNTS) == {"partners", *PARTS, "applicants"}


def test_every_status_counts_in_its_part(client, network):
    assert figures(client) == {
        "dordrecht": {"partners": 5, "labelled": 1, "working_toward_label": 2, "label_expired": 1, "label_revoked": 1},
        "zwijndrecht": {
            "partners": 2,
            "labelled": 1,
            "working_toward_label": 1,
            "label_expired": 0,
            "label_revoked": 0,
        },
        "region": {"partners": 7, "labelled": 2, "working_toward_label": 3, "label_expired": 1, "label_revoked": 1},
    }


def _award(network):
    award_or_renew_label(network["staff"], network["working_toward_label"])
    return {"labelled": +1, "working_toward_label": -1}


def _revoke(network):
    revoke_label(network["staff"], network["labelled"], "Voorwaarden niet nageleefd")
    return {"labelled": -1, "label_revoked": +1}


def _expire(network):
    network["labelled"].label_valid_until = local_today() - timedelta(days=1)
    expire_due_labels(local_today())
    return {"labelled": -1, "label_expired": +1}


def _withdraw(network):
    withdraw(network["staff"], network["partner"], "Stopt met het bedrijf")
    return {"partners": -1, "working_toward_label": -1}


def _erase(network):
    # An erasure keeps what the aggregates count by: the figures stay as they were.
    erase_organisation(network["staff"], network["label_revoked"], "Verzoek van de ondernemer")
    return {}


def _register(network):
    organisation = network["applicant"]
    details = OrganisationDetails(
        name="Nieuw B.V.",
        kvk_number="87654321",
        municipality_id=organisation.municipality_id,
        sector="bouw",
        size_class="10-49",
        street_address="Spuiboulevard 1",
        postcode="3311 GR",
        city="Dordrecht",
        website=None,
        public_listing=False,
    )
    register_organisation(
        details, Contact(name="Nieuwe Ondernemer", email="nieuw@example.nl", password="een lang wachtwoord 123")
    )
    return {}  # an applicant: not (yet) a partner


def _move(network):
    organisation = network["labelled"]
    details = OrganisationDetails(
        **{field: getattr(organisation, field) for field in OrganisationDetails.__dataclass_fields__}
    )
    zwijndrecht = factories.MunicipalityFactory(slug="zwijndrecht")
    update_organisation(network["staff"], organisation, replace(details, municipality_id=zwijndrecht.id))
    return {"partners": -1, "labelled": -1}, {"partners": +1, "labelled": +1}


@pytest.mark.parametrize(
    "change",
    [_award, _revoke, _expire, _withdraw, _erase, _register, _move],
    ids=lambda change: change.__name__.strip("_"),
)
def test_the_parts_add_up_after_every_kind_of_change(client, network, change):
    before = figures(client)
    deltas = change(network)
    db.session.commit()
    after = figures(client)  # the parts add up, and the region is the sum (checked there)

    dordrecht, zwijndrecht = deltas if isinstance(deltas, tuple) else (deltas, {})
    for slug, delta in (("dordrecht", dordrecht), ("zwijndrecht", zwijndrecht)):
        assert after[slug] == {field: before[slug][field] + delta.get(field, 0) for field in FIELDS}, slug
    assert after["region"] == {field: after["dordrecht"][field] + after["zwijndrecht"][field] for field in FIELDS}


def test_a_label_past_its_end_date_counts_as_expired_before_the_nightly_scan(client, network):
    """As /verify and the directory say it at once: the figures do not wait for the scan."""
    organisation = network["labelled"]
    organisation.label_valid_until = local_today() - timedelta(days=1)
    db.session.commit()
    assert organisation.status is Status.LABELLED  # not yet stored as expired

    assert figures(client)["dordrecht"] == {
        "partners": 5,
        "labelled": 0,
        "working_toward_label": 2,
        "label_expired": 2,
        "label_revoked": 1,
    }
    assert public_status(organisation, local_today()) is PublicStatus.EXPIRED
    # The directory's status filter counts it the same way.
    organisation.public_listing = True
    db.session.commit()
    page = client.get("/directory?status=expired").get_data(as_text=True)
    assert organisation.name in page
    assert organisation.name not in client.get("/directory?status=labelled").get_data(as_text=True)


def test_the_backfill_counts_the_same_parts(client, network):
    """The audit-trail replay (flask backfill-snapshots) maps statuses through the same parts."""
    from impactnet.stats.services import backfill_snapshots

    revoke_label(network["staff"], network["labelled"], "Voorwaarden niet nageleefd")
    db.session.commit()
    today = local_today()
    backfill_snapshots(today, today)
    db.session.commit()
    body = client.get("/api/v1/regions").get_json()
    dordrecht = next(m for m in body["municipalities"] if m["slug"] == "dordrecht")
    assert dordrecht["label_revoked"] == 2 and dordrecht["labelled"] == 0
    assert dordrecht["partners"] == sum(dordrecht[part] for part in PARTS)
