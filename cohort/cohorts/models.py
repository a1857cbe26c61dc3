"""Cohort, Organisation, Membership, Place and PlaceHolding."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cohort.accounts.models import User
from cohort.core.models import IdMixin, TimestampMixin, one_of
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
STAFF_ROLES = ("facilitator", "evaluator")
# left: left the cohort (or handed the place on); declined: a team member the facilitator refused.
MEMBERSHIP_STATUSES = ("active", "left", "declined")
PLACE_STATUSES = ("active", "freed")
HOLDING_STARTS = ("accepted", "handover")
HOLDING_ENDS = ("handover", "withdrew", "removed")


class Cohort(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "cohort"

    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    focus: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = one_of(COHORT_STATUSES, default="draft")
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    capacity: Mapped[int] = mapped_column(default=12)
    ground_rules: Mapped[str | None] = mapped_column(Text)  # one rule a line
    # The public call's hints under the area of focus and the strategy (a generic one if unset).
    focus_hint: Mapped[str | None] = mapped_column(String(300))
    strategy_hint: Mapped[str | None] = mapped_column(String(300))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    applications_open_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    applications_close_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When a participant's data is erased, their answers to the cohort's named surveys are
    # deleted (True) or kept without their name (False, the default: the figures stand).
    erasure_deletes_answers: Mapped[bool] = mapped_column(default=False,
                                                          server_default=text("false"))
    # When its personal data went, its retention period after it finished having passed (see
    # cohorts/services/retention.py); reopening the cohort clears it.
    personal_data_expired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A finished cohort a site admin has put away: it stays finished (read-only) and reachable
    # by its members, but leaves their home pages and the admin's list of cohorts. Reversible.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

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
    def is_finished(self) -> bool:
        """A finished cohort is read-only until a facilitator reopens it."""
        return self.status == "finished"

    def call_has_closed(self, now: datetime) -> bool:
        return self.applications_close_at is not None and now >= self.applications_close_at

    @property
    def ground_rule_list(self) -> list[str]:
        return [line.strip() for line in (self.ground_rules or "").splitlines() if line.strip()]

    def __repr__(self) -> str:
        return f"<Cohort {self.slug}>"


class Organisation(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "organisation"

    name: Mapped[str] = mapped_column(String(200), unique=True)


class Place(IdMixin, TimestampMixin, db.Model):
    """A participant's place in a cohort. The work attached to it outlives its holders.

    An active place has a slot number from 1 to the cohort's capacity; the unique constraint
    on (cohort, slot) is what stops two acceptances taking the same last place. A freed place
    keeps its history and gives its slot up (NULL).
    """

    __tablename__ = "place"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    slot: Mapped[int | None]
    status: Mapped[str] = one_of(PLACE_STATUSES, default="active")
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    area_of_focus: Mapped[str | None] = mapped_column(String(200))
    strategy: Mapped[str | None] = mapped_column(Text)
    freed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation | None] = relationship(lazy="joined")
    cohort: Mapped[Cohort] = relationship()
    holdings: Mapped[list["PlaceHolding"]] = relationship(
        back_populates="place", order_by="PlaceHolding.started_at", lazy="raise_on_sql"
    )

    __table_args__ = (UniqueConstraint("cohort_id", "slot"),)


class Membership(IdMixin, TimestampMixin, db.Model):
    """A person's role in one cohort. One membership per person per cohort; one active holder
    per place (a partial unique index)."""

    __tablename__ = "membership"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = one_of(ROLES, name="role")
    status: Mapped[str] = one_of(MEMBERSHIP_STATUSES, default="active")
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
    # Whether other members may be told to talk to this one ("people to talk to", on the home
    # page and in the directory): the member's own choice, on until they turn it off.
    suggest_me: Mapped[bool] = mapped_column(default=True, server_default=text("true"))
    # Two facilitators deciding the same team member at once: the second is refused.
    version: Mapped[int] = mapped_column(default=1, server_default=text("1"))

    # The cohort is usually loaded already (from the identity map, no query); lists across
    # cohorts load it with the memberships (memberships_for).
    cohort: Mapped[Cohort] = relationship()
    user: Mapped[User] = relationship(lazy="joined")
    organisation: Mapped[Organisation | None] = relationship(lazy="joined")
    place: Mapped[Place | None] = relationship(foreign_keys=[place_id], lazy="select")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("cohort_id", "user_id"),
        Index("ix_membership_cohort_role", "cohort_id", "role"),
        Index("uq_membership_place_holder", "place_id", unique=True,
              sqlite_where=text("role = 'participant' AND status = 'active'"),
              postgresql_where=text("role = 'participant' AND status = 'active'")),
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

    @property
    def holds_place(self) -> bool:
        return self.role == "participant" and self.place_id is not None


class PlaceHolding(IdMixin, db.Model):
    """Who held a place, from when to when, and how it ended. One open holding per place."""

    __tablename__ = "place_holding"

    place_id: Mapped[int] = mapped_column(ForeignKey("place.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    how_started: Mapped[str] = one_of(HOLDING_STARTS, name="how_started", default="accepted")
    how_ended: Mapped[str | None] = one_of(HOLDING_ENDS, name="how_ended")

    place: Mapped[Place] = relationship(back_populates="holdings")
    user: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (
        Index("uq_place_holding_open", "place_id", unique=True,
              sqlite_where=text("ended_at IS NULL"), postgresql_where=text("ended_at IS NULL")),
    )
