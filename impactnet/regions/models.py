from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from impactnet.database import TimestampMixin
from impactnet.extensions import Model


class Municipality(TimestampMixin, Model):
    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    joined_on: Mapped[date] = mapped_column(sa.Date)
    active: Mapped[bool] = mapped_column(default=True)
    # Its postcode areas (the four digits), as staff keep them: "3311-3329, 3341" (empty: not checked).
    postcode_ranges: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")

    targets: Mapped[list[Target]] = relationship(
        back_populates="municipality", order_by="Target.year", cascade="all, delete-orphan"
    )

    def covers_postcode(self, postcode: str) -> bool:
        """Whether a postcode ("3311 AB") lies in one of the municipality's areas (any does when it
        has none on record)."""
        areas = parse_postcode_ranges(self.postcode_ranges or "")
        if not areas:
            return True
        digits = postcode[:4]
        return digits.isdigit() and any(low <= int(digits) <= high for low, high in areas)

    def __repr__(self) -> str:
        return f"<Municipality {self.slug}>"


def parse_postcode_ranges(text: str) -> list[tuple[int, int]] | None:
    """ "3311-3329, 3341" as [(3311, 3329), (3341, 3341)]; None when it is not written that way
    (four-digit numbers from 1000, single or as a range low-high, separated by commas or spaces)."""
    areas = []
    for part in text.replace(",", " ").replace(";", " ").split():
        low, _, high = part.partition("-")
        high = high or low
        if not (len(low) == len(high) == 4 and low.isdigit() and high.isdigit() and "1000" <= low <= high):
            return None
        areas.append((int(low), int(high)))
    return areas


class Target(TimestampMixin, Model):
    """What a municipality wants to reach by the end of a year."""

    __tablename__ = "targets"
    __table_args__ = (
        sa.UniqueConstraint("municipality_id", "year", name="uq_targets_municipality_year"),
        sa.CheckConstraint("partners_wanted >= 0 AND labelled_wanted >= 0", name="non_negative"),
        sa.CheckConstraint("labelled_wanted <= partners_wanted", name="labelled_within_partners"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipalities.id", ondelete="CASCADE"), index=True)
    year: Mapped[int]
    partners_wanted: Mapped[int]
    labelled_wanted: Mapped[int]

    municipality: Mapped[Municipality] = relationship(back_populates="targets")
