from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from impactnet.database import TimestampMixin
from impactnet.extensions import db


class Municipality(TimestampMixin, db.Model):
    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    joined_on: Mapped[date] = mapped_column(sa.Date)
    active: Mapped[bool] = mapped_column(default=True)

    targets: Mapped[list[Target]] = relationship(
        back_populates="municipality", order_by="Target.year", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Municipality {self.slug}>"


class Target(TimestampMixin, db.Model):
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
