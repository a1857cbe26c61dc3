"""ProgrammeSession (an intro session, workshop, deep dive or 1:1), objectives, materials,
attendance and confidence ratings."""

import uuid
from datetime import datetime, timedelta

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cohort.cohorts.models import Cohort
from cohort.core.models import IdMixin, TimestampMixin, one_of
from cohort.core.timeutil import UTCDateTime
from cohort.extensions import db

SESSION_KINDS = {
    "introduction": "Introduction",
    "workshop": "Workshop",
    "deep_dive": "Deep dive",
    "one_to_one": "One-to-one support",
}
AUDIENCES = {
    "members": "Members only",
    "members_and_colleagues": "Members, their team members and colleagues",
}
ATTENDANCE = {"present": "Present", "apologies": "Apologies", "absent": "Absent"}
SESSION_STATUSES = ("scheduled", "cancelled")


def _new_uid() -> str:
    return f"{uuid.uuid4()}@cohort"


def visible_audiences(role: str | None) -> tuple[str, ...]:
    """Team members see the sessions open to colleagues; everyone else who may see the cohort
    sees them all."""
    if role == "colleague":
        return ("members_and_colleagues",)
    return tuple(AUDIENCES)


class ProgrammeSession(IdMixin, TimestampMixin, db.Model):
    """A scheduled session. Start is stored in UTC; `timezone` is the zone it was planned in."""

    __tablename__ = "programme_session"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = one_of(tuple(SESSION_KINDS), name="kind", default="workshop")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int] = mapped_column(default=90)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    topics: Mapped[str | None] = mapped_column(Text)  # one topic a line
    description: Mapped[str | None] = mapped_column(Text)
    join_url: Mapped[str | None] = mapped_column(String(500))
    join_notes: Mapped[str | None] = mapped_column(Text)
    facilitator_notes: Mapped[str | None] = mapped_column(Text)
    audience: Mapped[str] = one_of(tuple(AUDIENCES), name="audience", length=30, default="members")
    status: Mapped[str] = one_of(SESSION_STATUSES, default="scheduled")
    uid: Mapped[str] = mapped_column(String(120), unique=True, default=_new_uid)
    sequence: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    # Loaded from the identity map: the cohort of a session page is already loaded.
    cohort: Mapped[Cohort] = relationship()
    objectives: Mapped[list["LearningObjective"]] = relationship(
        back_populates="session",
        order_by="LearningObjective.position",
        cascade="all, delete-orphan",
        lazy="raise_on_sql",
    )
    materials: Mapped[list["Material"]] = relationship(
        back_populates="session", order_by="Material.id", cascade="all, delete-orphan",
        lazy="raise_on_sql",
    )

    __table_args__ = (Index("ix_programme_session_cohort_starts", "cohort_id", "starts_at"),)

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def topic_list(self) -> list[str]:
        return [line.strip() for line in (self.topics or "").splitlines() if line.strip()]

    @property
    def is_cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def kind_label(self) -> str:
        return SESSION_KINDS.get(self.kind, self.kind)

    @property
    def length_label(self) -> str:
        hours, minutes = divmod(self.duration_minutes, 60)
        if hours and minutes:
            return f"{hours} hours {minutes} minutes" if hours > 1 else f"1 hour {minutes} minutes"
        if hours:
            return f"{hours} hours" if hours > 1 else "1 hour"
        return f"{minutes} minutes"


class LearningObjective(IdMixin, db.Model):
    __tablename__ = "learning_objective"

    session_id: Mapped[int] = mapped_column(ForeignKey("programme_session.id", ondelete="CASCADE"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(String(500))

    session: Mapped[ProgrammeSession] = relationship(back_populates="objectives")

    __table_args__ = (UniqueConstraint("session_id", "position"),)


class ProgrammeObjective(IdMixin, db.Model):
    """What participants will be able to do by the end of the programme, in order."""

    __tablename__ = "programme_objective"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(String(500))

    __table_args__ = (UniqueConstraint("cohort_id", "position"),)


class Material(IdMixin, TimestampMixin, db.Model):
    """A link or a small file for a session. Files live in the database, so every host has them."""

    __tablename__ = "session_material"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("programme_session.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(500))
    filename: Mapped[str | None] = mapped_column(String(200))
    content_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None]
    data: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)

    session: Mapped[ProgrammeSession] = relationship(back_populates="materials")


class Attendance(IdMixin, db.Model):
    """Whether a member came to a session. One record per member per session."""

    __tablename__ = "attendance"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("programme_session.id", ondelete="CASCADE"), index=True
    )
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = one_of(tuple(ATTENDANCE))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("session_id", "membership_id"),)


class ObjectiveRating(IdMixin, db.Model):
    """A participant's confidence on one learning objective after its session, 1 to 5."""

    __tablename__ = "objective_rating"

    objective_id: Mapped[int] = mapped_column(
        ForeignKey("learning_objective.id", ondelete="CASCADE"), index=True
    )
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), index=True
    )
    rating: Mapped[int]
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("objective_id", "membership_id"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
    )
