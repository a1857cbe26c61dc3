"""The weekly summary: a person's choice of it, and a record of each week it was considered."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cohort.accounts.models import User
from cohort.core.models import IdMixin, TimestampMixin
from cohort.core.timeutil import UTCDateTime, utcnow
from cohort.extensions import db

MONDAY, SUNDAY = 0, 6  # the weekday's numbers, as datetime.weekday() gives them


class WeeklyChoice(TimestampMixin, db.Model):
    """Whether the person gets the weekly summary, and on which weekday at which hour of their
    own time zone. Off unless they turn it on (no row is off too)."""

    __tablename__ = "home_weekly_choice"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                         primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=False)
    weekday: Mapped[int] = mapped_column(default=MONDAY)
    hour: Mapped[int] = mapped_column(default=8)
    # When the choice last changed: a week whose time had passed by then is not sent (a time
    # chosen mid-week that has already gone by this week starts next week).
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint(f"weekday BETWEEN {MONDAY} AND {SUNDAY}", name="weekday_range"),
        CheckConstraint("hour BETWEEN 0 AND 23", name="hour_range"),
    )


class WeeklySummary(IdMixin, db.Model):
    """One person's summary of one week (the ISO week in their time zone, "2026-W07"): written
    in the transaction that queues the message, and unique per person and week, so that two
    schedulers, or a sweep after a crash, never send a week twice. A week with nothing to say
    has its row too (no message), so it is not looked at again."""

    __tablename__ = "home_weekly_summary"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    week: Mapped[str] = mapped_column(String(8))
    considered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    mailed: Mapped[bool] = mapped_column(default=False)
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("mail_message.id", ondelete="SET NULL"), index=True)

    __table_args__ = (UniqueConstraint("user_id", "week"),)
