"""Application (the call for applications and its waitlist) and HandoverRequest."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cohort.accounts.models import User
from cohort.cohorts.models import Cohort, Place
from cohort.core.models import IdMixin, TimestampMixin, one_of
from cohort.core.timeutil import UTCDateTime
from cohort.extensions import db

APPLICATION_STATUSES = {
    "submitted": "Submitted",
    "accepted": "Accepted",
    "waitlisted": "On the waitlist",
    "declined": "Declined",
    "withdrawn": "Withdrawn",
}
# Applications still waiting for a decision: the waitlist is not a final one.
OPEN_STATUSES = ("submitted", "waitlisted")
HANDOVER_STATUSES = ("pending", "approved", "declined")


class ApplicationAnswers:
    """The cohort, the address and the answers to the call's questions: an application holds
    them, and so does a submission waiting for its address's owner to confirm them."""

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(200))
    organisation_name: Mapped[str] = mapped_column(String(200))
    job_title: Mapped[str] = mapped_column(String(200))
    professional_background: Mapped[str] = mapped_column(Text)
    area_of_focus: Mapped[str] = mapped_column(String(200))
    strategy: Mapped[str] = mapped_column(Text)
    motivation: Mapped[str] = mapped_column(Text)


class Application(ApplicationAnswers, IdMixin, TimestampMixin, db.Model):
    """An application to a cohort's call. One per email per cohort; one waitlist position each."""

    __tablename__ = "application"

    status: Mapped[str] = one_of(tuple(APPLICATION_STATUSES), default="submitted")
    waitlist_position: Mapped[int | None]
    decision_message: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    place_id: Mapped[int | None] = mapped_column(
        ForeignKey("place.id", ondelete="SET NULL"), index=True
    )
    version: Mapped[int] = mapped_column(default=1)

    cohort: Mapped[Cohort] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("cohort_id", "email"),
        Index("ix_application_cohort_status", "cohort_id", "status", "waitlist_position"),
        Index("uq_application_waitlist_position", "cohort_id", "waitlist_position", unique=True,
              sqlite_where=text("waitlist_position IS NOT NULL"),
              postgresql_where=text("waitlist_position IS NOT NULL")),
    )

    @property
    def status_label(self) -> str:
        return APPLICATION_STATUSES.get(self.status, self.status)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ApplicationSubmission(ApplicationAnswers, IdMixin, TimestampMixin, db.Model):
    """Answers sent through the public call, waiting for the owner of the address to confirm
    them through the link mailed to it. Nothing changes until they do, so nobody can apply in
    another person's name or rewrite their application."""

    __tablename__ = "application_submission"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    cohort: Mapped[Cohort] = relationship()

    __table_args__ = (Index("ix_application_submission_cohort_email", "cohort_id", "email",
                            "created_at"),)


class TeamInvitation(IdMixin, TimestampMixin, db.Model):
    """A holder's invitation to a colleague, waiting for the colleague to confirm it through
    the link mailed to them."""

    __tablename__ = "team_invitation"

    place_id: Mapped[int] = mapped_column(ForeignKey("place.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(200))
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                               index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    place: Mapped[Place] = relationship()
    invited_by: Mapped[User] = relationship()


class HandoverRequest(IdMixin, TimestampMixin, db.Model):
    """A holder's proposal to hand their place over, waiting for the facilitator. One pending
    proposal per place (a partial unique index)."""

    __tablename__ = "handover_request"

    place_id: Mapped[int] = mapped_column(ForeignKey("place.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    successor_email: Mapped[str] = mapped_column(String(320))
    successor_name: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = one_of(HANDOVER_STATUSES, default="pending")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Two facilitators deciding the same proposal at once: the second is refused.
    version: Mapped[int] = mapped_column(default=1, server_default=text("1"))

    place: Mapped[Place] = relationship(lazy="joined")
    requested_by: Mapped[User] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("uq_handover_request_pending", "place_id", unique=True,
              sqlite_where=text("status = 'pending'"), postgresql_where=text("status = 'pending'")),
    )
