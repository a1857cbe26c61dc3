"""Reminder, its chosen recipients, its deliveries, and members' opt-outs."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cohort.cohorts.models import Cohort, Membership
from cohort.core.models import IdMixin, MailMessage, TimestampMixin, one_of
from cohort.core.timeutil import UTCDateTime
from cohort.extensions import db
from cohort.programme.models import ProgrammeSession

# What a reminder's time is counted from.
ANCHORS = {
    "session_start": "the session's start",
    "session_end": "the session's end",
    "fixed": "a fixed time",
    "moment": "a moment another part of Cohort offers",
}
AUDIENCES = {
    "everyone": "Everyone in the cohort",
    "participants": "Participants",
    "colleagues": "Team members",
    "chosen": "Chosen people",
}
# active: waiting for its time; sent: its deliveries are made; cancelled: by the facilitator
# or with its session; missed: never sent, either because its time had already passed when it
# was set for its session (scheduled or moved too near, or a default added too late: sent_at
# None), or because its time passed while nothing ran and it was no longer useful (sent_at:
# when the sender found it).
REMINDER_STATUSES = ("active", "sent", "cancelled", "missed")
DELIVERY_STATUSES = ("queued", "skipped")
# A delivery's state as its log shows it: skipped, or its message's in the outbox.
DELIVERY_STATES_SHOWN = ("pending", "sent", "failed", "skipped")


class Reminder(IdMixin, TimestampMixin, db.Model):
    """A reminder a facilitator schedules. A default (`is_default`, no session) is copied to
    each new session of its cohort; a moment reminder fires for every moment of its kind."""

    __tablename__ = "reminder"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("programme_session.id", ondelete="CASCADE"), index=True)
    default_id: Mapped[int | None] = mapped_column(
        ForeignKey("reminder.id", ondelete="SET NULL"), index=True)
    # Scheduled again for its session's new time, the session having moved later after this
    # one went: the reminder it repeats. Unique: a reminder is scheduled again once; the new
    # one, waiting, then follows the session as any waiting reminder does.
    again_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("reminder.id", ondelete="SET NULL"))
    is_default: Mapped[bool] = mapped_column(default=False)
    anchor: Mapped[str] = one_of(tuple(ANCHORS), name="anchor")
    offset_minutes: Mapped[int] = mapped_column(default=0)  # negative: before the anchor
    fixed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    moment_key: Mapped[str | None] = mapped_column(String(60))
    audience: Mapped[str] = one_of(tuple(AUDIENCES), name="audience", default="everyone")
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    essential: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = one_of(REMINDER_STATUSES, default="active")
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True)
    version: Mapped[int] = mapped_column(default=1, server_default=text("1"))
    # Its deliveries in each state (pending, sent, failed, skipped), kept in step by the
    # services that change one, in the same transaction (reminders/services/tallies.py): the
    # list shows them without counting every delivery.
    pending_count: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    sent_count: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    failed_count: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    skipped_count: Mapped[int] = mapped_column(default=0, server_default=text("0"))

    cohort: Mapped[Cohort] = relationship()
    session: Mapped[ProgrammeSession | None] = relationship()
    chosen: Mapped[list["ReminderRecipient"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_reminder_cohort", "cohort_id", "is_default"),
        Index("ix_reminder_due", "status", "due_at"),
        Index("uq_reminder_again_of", "again_of_id", unique=True),
    )

    @property
    def is_before(self) -> bool:
        return self.offset_minutes < 0

    @property
    def missed_because(self) -> str | None:
        """Why a missed reminder was not sent, as the reminder pages say it."""
        if self.status != "missed":
            return None
        if self.sent_at is None:
            return ("its time had already passed when it was set for this session (the "
                    "session was scheduled or moved too near, or the reminder added too "
                    "late), so it was not sent")
        return "its time passed when it could no longer help, so it was not sent late"

    @property
    def tally(self) -> dict[str, int] | None:
        """How many of its deliveries are in each state; None before it has any."""
        counts = {state: getattr(self, f"{state}_count") or 0
                  for state in DELIVERY_STATES_SHOWN}
        return counts if any(counts.values()) else None


class ReminderRecipient(IdMixin, db.Model):
    """One of the people a reminder for "chosen people" goes to."""

    __tablename__ = "reminder_recipient"

    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminder.id", ondelete="CASCADE"))
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), index=True)

    __table_args__ = (UniqueConstraint("reminder_id", "membership_id"),)


class Delivery(IdMixin, TimestampMixin, db.Model):
    """A reminder for one recipient (for one moment, `ref`, of a moment reminder): at most one
    each, held by a unique constraint, pointing at its message in the outbox or saying why
    it was skipped."""

    __tablename__ = "reminder_delivery"

    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminder.id", ondelete="CASCADE"))
    ref: Mapped[int] = mapped_column(default=0)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = one_of(DELIVERY_STATUSES)
    reason: Mapped[str | None] = mapped_column(String(200))
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("mail_message.id", ondelete="SET NULL"), index=True)

    membership: Mapped[Membership] = relationship(lazy="joined")
    message: Mapped[MailMessage | None] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("reminder_id", "ref", "membership_id"),)


class ReminderOptOut(TimestampMixin, db.Model):
    """A member who turned optional reminders off for their cohort."""

    __tablename__ = "reminder_opt_out"

    membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), primary_key=True)
