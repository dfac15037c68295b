"""factory_boy factories. Rows are flushed into the test's transaction, which is rolled back after
the test; a test marked ``commits`` (tests/conftest.py) has them committed, so that a live server
thread, another app or a worker process sees them too."""

from __future__ import annotations

from datetime import date

import factory
from factory.alchemy import SQLAlchemyModelFactory

from impactnet.accounts import passwords
from impactnet.accounts.models import Role, User
from impactnet.database import utcnow
from impactnet.extensions import db
from impactnet.organisations.models import Organisation, OrganisationStatus
from impactnet.regions.models import Municipality, Target

PASSWORD = "Correct-Horse-Battery-42"
_PASSWORD_HASH = passwords.hash_password(PASSWORD)


_committing = False


def commit_rows(commit: bool) -> None:
    """Whether the factories commit each row they make (``commits`` tests) or only flush it."""
    global _committing
    _committing = commit


class _Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"

    @classmethod
    def _save(cls, model_class, session, args, kwargs):
        row = super()._save(model_class, session, args, kwargs)
        if _committing:
            session.commit()
        return row


class MunicipalityFactory(_Base):
    class Meta:
        model = Municipality
        sqlalchemy_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Gemeente {n}")
    slug = factory.Sequence(lambda n: f"gemeente-{n}")
    joined_on = date(2025, 1, 1)
    active = True


class TargetFactory(_Base):
    class Meta:
        model = Target

    municipality = factory.SubFactory(MunicipalityFactory)
    year = 2025
    partners_wanted = 155
    labelled_wanted = 110


class OrganisationFactory(_Base):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Bedrijf {n} B.V.")
    kvk_number = factory.Sequence(lambda n: f"{10000000 + n:08d}")
    municipality = factory.SubFactory(MunicipalityFactory)
    sector = "bouw"
    size_class = "10-49"
    street_address = "Voorstraat 1"
    postcode = "3311 AB"
    city = "Dordrecht"
    website = None
    public_listing = False
    status = OrganisationStatus.APPLICANT


class UserFactory(_Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"gebruiker{n}@example.nl")
    name = factory.Sequence(lambda n: f"Gebruiker {n}")
    password_hash = _PASSWORD_HASH
    role = Role.STAFF
    email_verified_at = factory.LazyFunction(utcnow)
    active = True


class PartnerUserFactory(UserFactory):
    role = Role.PARTNER
    organisation = factory.SubFactory(OrganisationFactory)


class MunicipalityUserFactory(UserFactory):
    role = Role.MUNICIPALITY
    municipality = factory.SubFactory(MunicipalityFactory)
