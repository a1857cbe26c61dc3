"""Base mixins and the tables every module shares: mail log and audit log."""

from datetime import datetime

from sqlalchemy import BigInteger, Enum, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

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
    # When a pending message may be tried (again): now when queued, later after a failure.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Which dispatcher's claim this is: only its holder may record the outcome.
    claim_token: Mapped[str | None] = mapped_column(String(32))
    # Who holds the claim: a scheduler's run ("scheduler host pid ..."), or a host and pid.
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    headers: Mapped[str | None] = mapped_column(Text)  # extra headers, as JSON

    attachments: Mapped[list["MailAttachment"]] = relationship(
        order_by="MailAttachment.id", cascade="all, delete-orphan", lazy="selectin")

    __table_args__ = (
        Index("ix_mail_message_created_at_id", "created_at", "id"),
        Index("ix_mail_message_status", "status"),
        Index("ix_mail_message_due", "status", "next_attempt_at"),
    )


class MailAttachment(IdMixin, db.Model):
    """A file sent with a message (a session's calendar entry)."""

    __tablename__ = "mail_attachment"

    message_id: Mapped[int] = mapped_column(
        ForeignKey("mail_message.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class SchedulerBeat(db.Model):
    """The scheduler's heartbeat: one row, written at every sweep and dispatch."""

    __tablename__ = "scheduler_beat"

    id: Mapped[int] = mapped_column(primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuditEvent(IdMixin, TimestampMixin, db.Model):
    """A security-relevant event: sign-ins, role changes, deletions and exports. Who did it
    (`actor_id`), to whom (`about_id`, the person it concerns), in which cohort, what
    (`action`, a fixed word), on which object (`subject`), from which address. Never edited;
    purged after AUDIT_RETENTION_DAYS."""

    __tablename__ = "audit_event"

    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str | None] = mapped_column(String(255))
    address: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(Text)
    about_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True)
    cohort_id: Mapped[int | None] = mapped_column(
        ForeignKey("cohort.id", ondelete="SET NULL"))

    # The log's order (newest first) by itself, by action and by cohort: a filtered page and
    # the CSV's parts walk these rather than sort what they find.
    __table_args__ = (Index("ix_audit_event_created_id", "created_at", "id"),
                      Index("ix_audit_event_action_created", "action", "created_at", "id"),
                      Index("ix_audit_event_cohort_created", "cohort_id", "created_at", "id"))


class Notice(IdMixin, TimestampMixin, db.Model):
    """Something that happened for a person, shown in the app (the header's count and the
    notifications page) whatever they chose about mail. `subject`/`subject_id` name what it is
    about (a post, a survey), resolved by the module that declares the subject in its
    notices.py; the page links to it only while the person may still see it.
    `cohort_id` is the cohort it belongs to: once the person leaves it, its notices go quiet."""

    __tablename__ = "notice"
    # Only its person's pages read a notice: the page cache lets theirs alone go when one is
    # written (core/pagecache.py).
    __page_owner__ = "user_id"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # the module's word: "mention", "survey"
    subject: Mapped[str | None] = mapped_column(String(20))
    subject_id: Mapped[int | None]
    text: Mapped[str] = mapped_column(String(400))
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_notice_user_created", "user_id", "created_at"),
        Index("ix_notice_user_unread", "user_id", "read_at"),
        Index("ix_notice_subject", "subject", "subject_id"),
    )


class PageVersion(db.Model):
    """Where each table stands, for the page cache (core/pagecache.py): a random number
    written afresh by every transaction that wrote the table, in that transaction."""

    __tablename__ = "page_version"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger)
