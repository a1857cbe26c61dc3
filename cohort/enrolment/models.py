"""Cohort, Organisation and Membership."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cohort.core.models import IdMixin, TimestampMixin
from cohort.core.timeutil import UTCDateTime
from cohort.extensions import db

COHORT_STATUSES = ("draft", "recruiting", "running", "finished")
ROLES = ("facilitator", "participant", "evaluator", "colleague")
ROLE_LABELS = {
    "facilitator": "Facilitator",
    "participant": "Participant",
    "evaluator": "Evaluator",
    "colleague": "Team member",
}
APPLICATION_STATUSES = {
    "submitted": "Submitted",
    "accepted": "Accepted",
    "waitlisted": "On the waitlist",
    "declined": "Declined",
    "withdrawn": "Withdrawn",
}


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
    applications_open_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    applications_close_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    memberships = relationship("Membership", back_populates="cohort", lazy="raise_on_sql")

    __mapper_args__ = {"version_id_col": version}

    def call_is_open(self, now: datetime) -> bool:
        """Applications are taken between the window's ends, while recruiting or running."""
        return (
            self.status in ("recruiting", "running")
            and self.applications_open_at is not None
            and self.applications_close_at is not None
            and self.applications_open_at <= now < self.applications_close_at
        )

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
    working_on: Mapped[str | None] = mapped_column(String(500))
    # A participant holds a place; a colleague belongs to the team of a place.
    place_id: Mapped[int | None] = mapped_column(
        ForeignKey("place.id", ondelete="SET NULL"), index=True
    )
    approved: Mapped[bool] = mapped_column(default=True)  # colleagues wait for the facilitator

    cohort: Mapped[Cohort] = relationship(back_populates="memberships", lazy="joined")
    user = relationship("User", back_populates="memberships", lazy="joined")
    organisation: Mapped[Organisation | None] = relationship(lazy="joined")
    place: Mapped["Place | None"] = relationship(foreign_keys=[place_id], lazy="select")

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

    @property
    def is_current(self) -> bool:
        """Active, and approved when a colleague: such a member sees the cohort."""
        return self.status == "active" and self.approved


class Place(IdMixin, TimestampMixin, db.Model):
    """A participant's place in a cohort. The work attached to it outlives its holders.

    An active place has a slot number from 1 to the cohort's capacity; the unique constraint
    on (cohort, slot) is what stops two acceptances taking the same last place. A freed place
    keeps its history and gives its slot up (NULL).
    """

    __tablename__ = "place"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    slot: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(20), default="active")  # active, freed
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    area_of_focus: Mapped[str | None] = mapped_column(String(200))
    strategy: Mapped[str | None] = mapped_column(Text)
    freed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation | None] = relationship(lazy="joined")
    holdings: Mapped[list["PlaceHolding"]] = relationship(
        back_populates="place", order_by="PlaceHolding.started_at", lazy="raise_on_sql"
    )

    __table_args__ = (UniqueConstraint("cohort_id", "slot"),)


class PlaceHolding(IdMixin, db.Model):
    """Who held a place, from when to when, and how it ended."""

    __tablename__ = "place_holding"

    place_id: Mapped[int] = mapped_column(ForeignKey("place.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    how_started: Mapped[str] = mapped_column(String(20), default="accepted")  # accepted, handover
    how_ended: Mapped[str | None] = mapped_column(String(20))  # handover, withdrew, removed

    place: Mapped[Place] = relationship(back_populates="holdings")
    user = relationship("User", lazy="joined")


class Application(IdMixin, TimestampMixin, db.Model):
    """An application to a cohort's call. One per email per cohort; applying again updates it."""

    __tablename__ = "application"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(200))
    organisation_name: Mapped[str] = mapped_column(String(200))
    job_title: Mapped[str] = mapped_column(String(200))
    professional_background: Mapped[str] = mapped_column(Text)
    area_of_focus: Mapped[str] = mapped_column(String(200))
    strategy: Mapped[str] = mapped_column(Text)
    motivation: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    waitlist_position: Mapped[int | None]
    decision_message: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    cohort: Mapped[Cohort] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("cohort_id", "email"),
        Index("ix_application_cohort_status", "cohort_id", "status", "waitlist_position"),
    )

    @property
    def status_label(self) -> str:
        return APPLICATION_STATUSES.get(self.status, self.status)


class HandoverRequest(IdMixin, TimestampMixin, db.Model):
    """A holder's proposal to hand their place over, waiting for the facilitator."""

    __tablename__ = "handover_request"

    place_id: Mapped[int] = mapped_column(ForeignKey("place.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    successor_email: Mapped[str] = mapped_column(String(320))
    successor_name: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending, approved, declined
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    place: Mapped[Place] = relationship(lazy="joined")
    requested_by = relationship("User", lazy="joined")
