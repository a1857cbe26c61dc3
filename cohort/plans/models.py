"""Maturity frameworks (levels, hallmarks, descriptors), the cohort's choice of one, dated
self-assessment rounds with individual and agreed ratings, and each place's action plan."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cohort.accounts.models import User
from cohort.cohorts.models import Cohort, Membership, Place
from cohort.core.models import IdMixin, TimestampMixin, one_of
from cohort.core.timeutil import UTCDateTime
from cohort.extensions import db

ITEM_STATUSES = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "done": "Done",
    "blocked": "Blocked",
}


class Framework(IdMixin, TimestampMixin, db.Model):
    """A maturity framework: ordered levels, ordered hallmarks, a descriptor for each pair.

    With no cohort it is in the site's library (the shipped frameworks), which any cohort may
    choose and none may change. A cohort's own frameworks are the files its facilitators
    imported: a version of one that something was recorded under is never changed again, so
    an import makes the next version."""

    __tablename__ = "framework"

    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(60))
    version: Mapped[int] = mapped_column(default=1, server_default=text("1"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    citation: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(200), default="shipped")  # or the file's name
    imported_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    levels: Mapped[list["FrameworkLevel"]] = relationship(
        order_by="FrameworkLevel.position", back_populates="framework", lazy="selectin",
        cascade="all, delete-orphan")
    hallmarks: Mapped[list["Hallmark"]] = relationship(
        order_by="Hallmark.position", back_populates="framework", lazy="selectin",
        cascade="all, delete-orphan")

    __table_args__ = (
        UniqueConstraint("cohort_id", "key", "version"),
        Index("uq_framework_library_key", "key", unique=True,
              sqlite_where=text("cohort_id IS NULL"), postgresql_where=text("cohort_id IS NULL")),
    )


class FrameworkLevel(IdMixin, db.Model):
    """A level of maturity; position 1 is the least mature. Below it is "not yet"."""

    __tablename__ = "framework_level"

    framework_id: Mapped[int] = mapped_column(ForeignKey("framework.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(100))
    summary: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int]

    framework: Mapped[Framework] = relationship(back_populates="levels")

    __table_args__ = (UniqueConstraint("framework_id", "key"),
                      UniqueConstraint("framework_id", "position"))


class Hallmark(IdMixin, db.Model):
    __tablename__ = "hallmark"

    framework_id: Mapped[int] = mapped_column(ForeignKey("framework.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int]
    factors_name: Mapped[str | None] = mapped_column(String(100))  # e.g. WISER
    factors: Mapped[str | None] = mapped_column(Text)  # one a line
    factors_citation: Mapped[str | None] = mapped_column(Text)

    framework: Mapped[Framework] = relationship(back_populates="hallmarks")
    # Read when asked for (frameworks.with_descriptors): only a self-assessment, the
    # framework's page and its file show them.
    descriptors: Mapped[list["Descriptor"]] = relationship(cascade="all, delete-orphan")

    __table_args__ = (UniqueConstraint("framework_id", "key"),)

    @property
    def label(self) -> str:
        return f"Hallmark {self.key}: {self.name}"

    @property
    def factor_list(self) -> list[str]:
        return [line for line in (self.factors or "").splitlines() if line.strip()]

    def descriptor_for(self, level_id: int) -> str:
        return next((d.text for d in self.descriptors if d.level_id == level_id), "")


class Descriptor(db.Model):
    __tablename__ = "hallmark_descriptor"

    hallmark_id: Mapped[int] = mapped_column(
        ForeignKey("hallmark.id", ondelete="CASCADE"), primary_key=True)
    level_id: Mapped[int] = mapped_column(
        ForeignKey("framework_level.id", ondelete="CASCADE"), primary_key=True, index=True)
    text: Mapped[str] = mapped_column(Text)


class CohortFramework(db.Model):
    """The framework a cohort assesses against and plans by."""

    __tablename__ = "cohort_framework"

    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True)
    framework_id: Mapped[int] = mapped_column(
        ForeignKey("framework.id", ondelete="RESTRICT"), index=True)
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    chosen_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True)

    framework: Mapped[Framework] = relationship(lazy="joined")


class AssessmentRound(IdMixin, db.Model):
    """A dated snapshot the facilitator opens (at the start, mid-programme, at the end). One
    round of a cohort is open at a time."""

    __tablename__ = "assessment_round"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    framework_id: Mapped[int] = mapped_column(
        ForeignKey("framework.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True)

    cohort: Mapped[Cohort] = relationship()
    framework: Mapped[Framework] = relationship(lazy="joined")

    __table_args__ = (
        Index("ix_assessment_round_cohort", "cohort_id", "opened_at"),
        Index("uq_assessment_round_open", "cohort_id", unique=True,
              sqlite_where=text("closed_at IS NULL"), postgresql_where=text("closed_at IS NULL")),
    )

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class SelfAssessment(IdMixin, db.Model):
    """One person's ratings in a round, for their place. Others on the place see them only
    once they have submitted their own."""

    __tablename__ = "self_assessment"

    round_id: Mapped[int] = mapped_column(ForeignKey("assessment_round.id", ondelete="CASCADE"))
    place_id: Mapped[int] = mapped_column(ForeignKey("place.id", ondelete="CASCADE"), index=True)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1, server_default=text("1"))

    membership: Mapped[Membership] = relationship(lazy="joined")
    ratings: Mapped[list["SelfRating"]] = relationship(
        lazy="selectin", cascade="all, delete-orphan")

    __table_args__ = (UniqueConstraint("round_id", "membership_id"),
                      Index("ix_self_assessment_round_place", "round_id", "place_id"))
    __mapper_args__ = {"version_id_col": version}


class SelfRating(IdMixin, db.Model):
    """Where one person says the work stands on one hallmark: a level, or none ("not yet at
    the first level")."""

    __tablename__ = "self_rating"

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("self_assessment.id", ondelete="CASCADE"))
    hallmark_id: Mapped[int] = mapped_column(
        ForeignKey("hallmark.id", ondelete="RESTRICT"), index=True)
    level_id: Mapped[int | None] = mapped_column(
        ForeignKey("framework_level.id", ondelete="RESTRICT"), index=True)
    # False: a draft's evidence note with no level chosen yet (level_id is then None too).
    answered: Mapped[bool] = mapped_column(default=True)
    evidence: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("assessment_id", "hallmark_id"),)


class AgreedRating(IdMixin, db.Model):
    """The level a place agrees for a hallmark in a round, after each has rated alone."""

    __tablename__ = "agreed_rating"

    round_id: Mapped[int] = mapped_column(ForeignKey("assessment_round.id", ondelete="CASCADE"))
    place_id: Mapped[int] = mapped_column(ForeignKey("place.id", ondelete="CASCADE"), index=True)
    hallmark_id: Mapped[int] = mapped_column(
        ForeignKey("hallmark.id", ondelete="RESTRICT"), index=True)
    level_id: Mapped[int | None] = mapped_column(
        ForeignKey("framework_level.id", ondelete="RESTRICT"), index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    agreed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True)
    agreed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("round_id", "place_id", "hallmark_id"),)


class ActionPlan(IdMixin, TimestampMixin, db.Model):
    """A place's plan: it stays with the place when the place changes hands."""

    __tablename__ = "action_plan"

    place_id: Mapped[int] = mapped_column(
        ForeignKey("place.id", ondelete="CASCADE"), unique=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"),
                                           index=True)
    # Its outline (the hallmarks it works on, the levels the place agreed, the latest action
    # or note) shown to the cohort's other members: the place's people choose; off until then.
    shared: Mapped[bool] = mapped_column(default=False, server_default=text("false"))

    place: Mapped[Place] = relationship()


class ActionItem(IdMixin, TimestampMixin, db.Model):
    """An action, the hallmarks it moves, where the work stands and the level it aims for, who
    owns it, when it is due and how it is going."""

    __tablename__ = "action_item"

    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plan.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    details: Mapped[str | None] = mapped_column(Text)
    current_level_id: Mapped[int | None] = mapped_column(
        ForeignKey("framework_level.id", ondelete="RESTRICT"), index=True)  # None: not yet
    target_level_id: Mapped[int] = mapped_column(
        ForeignKey("framework_level.id", ondelete="RESTRICT"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    due_on: Mapped[date | None]
    status: Mapped[str] = one_of(tuple(ITEM_STATUSES), default="not_started")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1, server_default=text("1"))

    plan: Mapped[ActionPlan] = relationship()
    owner: Mapped[User] = relationship(foreign_keys=[owner_id], lazy="joined")
    hallmark_links: Mapped[list["ItemHallmark"]] = relationship(
        lazy="selectin", cascade="all, delete-orphan")

    # By plan and status: a cohort's blocked and overdue items are found through its plans'
    # entries (on PostgreSQL the status alone led through every blocked item of the site).
    __table_args__ = (Index("ix_action_item_due", "status", "due_on"),
                      Index("ix_action_item_plan", "plan_id", "status", "due_on"))
    __mapper_args__ = {"version_id_col": version}

    @property
    def status_label(self) -> str:
        return ITEM_STATUSES[self.status]

    @property
    def hallmark_ids(self) -> list[int]:
        return [link.hallmark_id for link in self.hallmark_links]


class ItemHallmark(db.Model):
    __tablename__ = "action_item_hallmark"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("action_item.id", ondelete="CASCADE"), primary_key=True)
    hallmark_id: Mapped[int] = mapped_column(
        ForeignKey("hallmark.id", ondelete="RESTRICT"), primary_key=True, index=True)


class ItemUpdate(IdMixin, TimestampMixin, db.Model):
    """A dated note of progress on an item, with links to its evidence."""

    __tablename__ = "action_item_update"

    item_id: Mapped[int] = mapped_column(ForeignKey("action_item.id", ondelete="CASCADE"),
                                         index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True)
    text: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str | None] = mapped_column(Text)  # links, one a line
    status: Mapped[str | None] = one_of(tuple(ITEM_STATUSES), name="update_status")

    author: Mapped[User | None] = relationship(lazy="joined")

    @property
    def links(self) -> list[str]:
        return [line.strip() for line in (self.evidence or "").splitlines() if line.strip()]


class ItemChange(IdMixin, db.Model):
    """Who changed an item, when, and what: the plan's history, and what a second editor is
    shown when their save comes too late."""

    __tablename__ = "action_item_change"

    item_id: Mapped[int] = mapped_column(ForeignKey("action_item.id", ondelete="CASCADE"))
    version: Mapped[int]  # the item's version this change made
    changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    summary: Mapped[str] = mapped_column(Text)  # "Status: In progress → Done; ..."

    changed_by: Mapped[User | None] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("item_id", "version"),)
