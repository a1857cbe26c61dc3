"""Cohort, Organisation and Membership."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cohort.core.models import IdMixin, TimestampMixin
from cohort.core.timeutil import UTCDateTime
from cohort.extensions import db

COHORT_STATUSES = ("draft", "recruiting", "running", "finished")
ROLES = ("facilitator", "participant", "evaluator")
ROLE_LABELS = {"facilitator": "Facilitator", "participant": "Participant", "evaluator": "Evaluator"}


class Cohort(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "cohort"

    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    focus: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    capacity: Mapped[int] = mapped_column(default=12)
    ground_rules: Mapped[str | None] = mapped_column(Text)  # one rule a line
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")

    memberships = relationship("Membership", back_populates="cohort", lazy="raise_on_sql")

    @property
    def ground_rule_list(self) -> list[str]:
        return [line.strip() for line in (self.ground_rules or "").splitlines() if line.strip()]

    def __repr__(self) -> str:
        return f"<Cohort {self.slug}>"


class Organisation(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "organisation"

    name: Mapped[str] = mapped_column(String(200), unique=True)


class Membership(IdMixin, TimestampMixin, db.Model):
    """A person's role in one cohort. One membership per person per cohort."""

    __tablename__ = "membership"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="active")  # active, left
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    area_of_focus: Mapped[str | None] = mapped_column(String(200))
    professional_background: Mapped[str | None] = mapped_column(String(300))
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    cohort: Mapped[Cohort] = relationship(back_populates="memberships", lazy="joined")
    user = relationship("User", back_populates="memberships", lazy="joined")
    organisation: Mapped[Organisation | None] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("cohort_id", "user_id"),
        Index("ix_membership_cohort_role", "cohort_id", "role"),
    )

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def is_active(self) -> bool:
        return self.status == "active"
