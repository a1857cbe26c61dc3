"""Base mixins and the tables every module shares: mail log and audit log."""

from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cohort.core.timeutil import UTCDateTime, utcnow
from cohort.extensions import db


def one_of(values, name: str = "status", length: int = 20, **kwargs):
    """A column that holds one of `values`, enforced by a CHECK constraint named after it.

    Kept as a string column (not a native enum), so adding a value needs no type change.
    """
    kind = Enum(*values, name=name, native_enum=False, create_constraint=True, length=length,
                validate_strings=True)
    return mapped_column(kind, **kwargs)


class IdMixin:
    id: Mapped[int] = mapped_column(primary_key=True)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# sending: claimed by a worker; a claim older than MAIL_CLAIM_LEASE is retried.
MAIL_STATUSES = ("pending", "sending", "sent", "failed")


class MailMessage(IdMixin, TimestampMixin, db.Model):
    """One outgoing email, kept for the admin's mail log."""

    __tablename__ = "mail_message"

    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    sender: Mapped[str] = mapped_column(String(320))
    recipient: Mapped[str] = mapped_column(String(320), index=True)
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = one_of(MAIL_STATUSES, default="pending")
    error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        Index("ix_mail_message_created_at_id", "created_at", "id"),
        Index("ix_mail_message_status", "status"),
    )


class AuditEvent(IdMixin, TimestampMixin, db.Model):
    """A security-relevant event: sign-ins, role changes, deletions, exports."""

    __tablename__ = "audit_event"

    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str | None] = mapped_column(String(255))
    address: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(Text)
