"""Municipalities, their targets and the aggregate counts they may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from impactnet.audit.models import AuditAction
from impactnet.audit.services import apply_changes, record, snapshot
from impactnet.core.duplicates import insert_unless_duplicate, write_unless_duplicate
from impactnet.core.locale import Message
from impactnet.extensions import db
from impactnet.regions.models import Municipality, Target

if TYPE_CHECKING:
    from impactnet.accounts.models import User


MUNICIPALITY_FIELDS = ("name", "slug", "joined_on", "active", "postcode_ranges")
TARGET_FIELDS = ("year", "partners_wanted", "labelled_wanted")

# PARTNER_STATUSES (partners: signed the agreement and not withdrawn) lives on the organisation model,
# whose identity rule needs it too.


class RegionError(ValueError):
    def __init__(self, field: str, message: Message):
        super().__init__(str(message))
        self.field = field
        self.message = message


def municipality_by_slug(slug: str) -> Municipality | None:
    return db.session.scalar(sa.select(Municipality).where(Municipality.slug == slug))


@dataclass(frozen=True)
class MunicipalityFacts:
    """What a dashboard shows of its municipality: plain values, so the figures cache can keep them."""

    id: int
    slug: str
    name: str
    joined_on: date


def municipality_facts(slug: str) -> MunicipalityFacts | None:
    municipality = municipality_by_slug(slug)
    if municipality is None:
        return None
    return MunicipalityFacts(municipality.id, municipality.slug, municipality.name, municipality.joined_on)


def list_municipalities(active_only: bool = False) -> list[Municipality]:
    query = sa.select(Municipality).order_by(Municipality.joined_on, Municipality.name)
    if active_only:
        query = query.where(Municipality.active.is_(True))
    return list(db.session.scalars(query))


def _check_unique(municipality: Municipality | None, name: str, slug: str) -> None:
    except_id = municipality.id if municipality else -1
    for field, column, value in (("name", Municipality.name, name), ("slug", Municipality.slug, slug)):
        clash = db.session.scalar(sa.select(Municipality.id).where(column == value, Municipality.id != except_id))
        if clash is not None:
            raise _in_use(field)


def _in_use(field: str = "name") -> RegionError:
    return RegionError(field, _l("Deze waarde is al in gebruik bij een andere gemeente."))


def create_municipality(
    actor: User, name: str, slug: str, joined_on: date, active: bool = True, postcode_ranges: str = ""
) -> Municipality:
    """Add a municipality; RegionError when its name or slug is taken (also by a colleague who
    saved the same one a moment ago)."""
    _check_unique(None, name, slug)
    municipality = insert_unless_duplicate(
        lambda: Municipality(name=name, slug=slug, joined_on=joined_on, active=active, postcode_ranges=postcode_ranges)
    )
    if municipality is None:
        _check_unique(None, name, slug)  # names the field the parallel save took
        raise _in_use()
    record(actor, AuditAction.MUNICIPALITY_CREATED, municipality, after=snapshot(municipality, MUNICIPALITY_FIELDS))
    return municipality


def update_municipality(
    actor: User,
    municipality: Municipality,
    name: str,
    slug: str,
    joined_on: date,
    active: bool,
    postcode_ranges: str | None = None,
) -> None:
    """Change a municipality; RegionError when the new name or slug is taken (also a moment ago)."""
    _check_unique(municipality, name, slug)
    values = {"name": name, "slug": slug, "joined_on": joined_on, "active": active}
    if postcode_ranges is not None:
        values["postcode_ranges"] = postcode_ranges
    if not write_unless_duplicate(lambda: apply_changes(actor, municipality, values, AuditAction.MUNICIPALITY_UPDATED)):
        db.session.refresh(municipality)  # the values as stored, not the refused ones
        _check_unique(municipality, name, slug)
        raise _in_use()


def _target(municipality: Municipality, year: int) -> Target | None:
    return db.session.scalar(sa.select(Target).where(Target.municipality_id == municipality.id, Target.year == year))


def save_target(
    actor: User, municipality: Municipality, year: int, partners_wanted: int, labelled_wanted: int
) -> Target:
    """Create or change the municipality's target for ``year``."""
    if labelled_wanted > partners_wanted:
        raise RegionError(
            "labelled_wanted", _l("Het aantal gelabelde organisaties kan niet hoger zijn dan het aantal partners.")
        )
    target = _target(municipality, year)
    if target is None:
        target = insert_unless_duplicate(
            lambda: Target(
                municipality=municipality, year=year, partners_wanted=partners_wanted, labelled_wanted=labelled_wanted
            )
        )
        if target is not None:
            record(actor, AuditAction.TARGET_CREATED, target, after=snapshot(target, TARGET_FIELDS))
            return target
        # A colleague saved this year's target a moment ago: this save changes it, as a save
        # that came second does.
        db.session.expire(municipality, ["targets"])
        target = _target(municipality, year)
        assert target is not None, "the insert found this year's target, so it exists"
    apply_changes(
        actor,
        target,
        {"partners_wanted": partners_wanted, "labelled_wanted": labelled_wanted},
        AuditAction.TARGET_UPDATED,
    )
    return target
