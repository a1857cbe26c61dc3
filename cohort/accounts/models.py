"""User, server-side sessions, single-use tokens and sign-in attempts."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cohort.core.models import IdMixin, TimestampMixin, one_of
from cohort.core.timeutil import UTCDateTime
from cohort.extensions import db


class User(IdMixin, TimestampMixin, db.Model):
    """A person. The email is stored lower-cased, so it is unique regardless of case."""

    __tablename__ = "user"

    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str | None] = mapped_column(String(200))
    job_title: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active_account: Mapped[bool] = mapped_column(Boolean, default=True)
    timezone: Mapped[str | None] = mapped_column(String(64))
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the person's data was erased at their request: the account is "A former member"
    # from then on, and can never sign in again.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Flask-Login protocol. The id Flask-Login keeps in the cookie is the server-side session's
    # token, not the user id, so ending that session on the server signs the browser out.
    session_token = None  # set per request by the session loader; not a column

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserSession(TimestampMixin, db.Model):
    """A signed-in browser. Deleting the row signs that browser out."""

    __tablename__ = "user_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(255))

    user: Mapped[User] = relationship(lazy="joined")

    # The purge deletes by either clock.
    __table_args__ = (Index("ix_user_session_created_at", "created_at"),)


class AccountToken(IdMixin, TimestampMixin, db.Model):
    """A single-use, expiring link token (invitation or password reset). Only its hash is kept."""

    __tablename__ = "account_token"

    PURPOSES = ("invitation", "reset")

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = one_of(PURPOSES, name="purpose")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(lazy="joined")


class LoginFailure(IdMixin, TimestampMixin, db.Model):
    """A failed sign-in, counted per account and per address over a sliding window. An
    account's failure keeps the address it came from, so failures from elsewhere do not hold
    back an address the account is known to sign in from."""

    __tablename__ = "login_failure"

    scope: Mapped[str] = one_of(("account", "address"), name="scope", length=10)
    key: Mapped[str] = mapped_column(String(320))
    address: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_login_failure_scope_key_created", "scope", "key", "created_at"),
        Index("ix_login_failure_created_at", "created_at"),  # the purge
    )


class KnownAddress(TimestampMixin, db.Model):
    """An address the account signed in from successfully: failures from other addresses do
    not lock it out (see accounts.services.signin.sign_in)."""

    __tablename__ = "known_address"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                         primary_key=True)
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ResetRequest(IdMixin, TimestampMixin, db.Model):
    """A request for a password reset link, counted per address asked for and per client
    address, so the form cannot be used to flood a mailbox."""

    __tablename__ = "reset_request"

    email: Mapped[str] = mapped_column(String(320))
    address: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_reset_request_email_created", "email", "created_at"),
        Index("ix_reset_request_address_created", "address", "created_at"),
        Index("ix_reset_request_created_at", "created_at"),  # the purge
    )
