"""Session (an intro session, workshop, deep dive or 1:1) and LearningObjective."""

import uuid
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cohort.core.models import IdMixin, TimestampMixin
from cohort.core.timeutil import UTCDateTime
from cohort.extensions import db

SESSION_KINDS = {
    "introduction": "Introduction",
    "workshop": "Workshop",
    "deep_dive": "Deep dive",
    "one_to_one": "One-to-one support",
}
AUDIENCES = {"members": "Members only", "members_and_colleagues": "Members and their colleagues"}


def _new_uid() -> str:
    return f"{uuid.uuid4()}@cohort"


class Session(IdMixin, TimestampMixin, db.Model):
    """A scheduled session. Start is stored in UTC; `timezone` is the zone it was planned in."""

    __tablename__ = "programme_session"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="workshop")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int] = mapped_column(default=90)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    topics: Mapped[str | None] = mapped_column(Text)  # one topic a line
    description: Mapped[str | None] = mapped_column(Text)
    join_url: Mapped[str | None] = mapped_column(String(500))
    audience: Mapped[str] = mapped_column(String(30), default="members")
    status: Mapped[str] = mapped_column(String(20), default="scheduled")  # scheduled, cancelled
    uid: Mapped[str] = mapped_column(String(120), unique=True, default=_new_uid)
    sequence: Mapped[int] = mapped_column(default=0)

    objectives: Mapped[list["LearningObjective"]] = relationship(
        back_populates="session",
        order_by="LearningObjective.position",
        cascade="all, delete-orphan",
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

    session: Mapped[Session] = relationship(back_populates="objectives")

    __table_args__ = (UniqueConstraint("session_id", "position"),)
