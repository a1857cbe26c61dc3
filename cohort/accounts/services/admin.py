"""The site admin's work on accounts: finding people, what their account looks like now
(last sign-in, locked out, signed in where), deactivating and reactivating an account, and
making or removing a site administrator. Never the last active site administrator.

A deactivated account keeps every record; its sessions end at once, sign-in is refused with
the wrong-password message (services/signin.py), and the outbox sends it no mail (its
messages are marked failed when their turn comes: see withheld_addresses)."""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, or_, select, text

from cohort.accounts.models import LoginFailure, User, UserSession
from cohort.accounts.services.errors import AccountError
from cohort.accounts.services.signin import end_all_sessions, lift_lock_out
from cohort.accounts.services.users import find_user_by_email
from cohort.core.audit import record
from cohort.core.database import contains
from cohort.core.mail import requeue
from cohort.core.models import MailMessage
from cohort.core.pages import Page, paginate
from cohort.core.timeutil import utcnow
from cohort.extensions import db

__all__ = ["AccountFacts", "account_facts", "deactivate", "locked_out_emails", "people_page",
           "reactivate", "remove_admin", "make_admin", "send_again", "unlock",
           "withheld_addresses"]

PER_PAGE = 25
# Changes to who is a site admin take turns on PostgreSQL (SQLite: the write lock), so two
# admins removing each other at once cannot leave none.
_ADMIN_LOCK = 0x4144  # "AD"


def people_page(query: str | None, raw_page) -> Page:
    """A page of accounts, by name, whose name or address contains `query` (any case)."""
    statement = select(User).order_by(func.lower(User.name), User.id)
    if query:
        statement = statement.where(or_(contains(User.name, query), contains(User.email, query)))
    return paginate(statement, raw_page, size=PER_PAGE)


def locked_out_emails(emails: list[str]) -> set[str]:
    """Which of these accounts cannot sign in now for too many failed attempts (one query)."""
    if not emails:
        return set()
    config = current_app.config
    since = utcnow() - config["LOGIN_WINDOW"]
    rows = db.session.execute(
        select(LoginFailure.key).where(LoginFailure.scope == "account",
                                       LoginFailure.key.in_(emails),
                                       LoginFailure.created_at >= since)
        .group_by(LoginFailure.key)
        .having(func.count(LoginFailure.id) >= config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]))
    return set(rows.scalars())


@dataclass(frozen=True)
class AccountFacts:
    """What the admin's page about a person says of their account now."""

    locked_until: datetime | None  # when the lock-out lifts, if locked out
    sessions: int  # browsers signed in now
    last_seen_at: datetime | None


def account_facts(user: User) -> AccountFacts:
    """The person's lock-out and live sessions (two queries)."""
    config = current_app.config
    since = utcnow() - config["LOGIN_WINDOW"]
    failures = list(db.session.execute(
        select(LoginFailure.created_at).where(
            LoginFailure.scope == "account", LoginFailure.key == user.email,
            LoginFailure.created_at >= since).order_by(LoginFailure.created_at.desc())
    ).scalars())
    limit = config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    # Locked while `limit` failures stay in the window: until the limit-th newest leaves it.
    locked_until = failures[limit - 1] + config["LOGIN_WINDOW"] if len(failures) >= limit \
        else None
    sessions, last_seen = db.session.execute(
        select(func.count(UserSession.token_hash), func.max(UserSession.last_seen_at))
        .where(UserSession.user_id == user.id,
               UserSession.last_seen_at >= utcnow() - config["SESSION_IDLE_TIMEOUT"])).one()
    return AccountFacts(locked_until, sessions, last_seen)


def _take_turns() -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADMIN_LOCK})


def keep_an_admin(user: User, refusal: str) -> None:
    """Before the person stops being an active site administrator (deactivated, removed as
    one, erased): raise AccountError(`refusal`) when they are the last. Changes to who is a
    site admin take turns (see _ADMIN_LOCK), so two admins cannot each remove the other."""
    if not (user.is_admin and user.is_active_account):
        return
    _take_turns()
    others = db.session.execute(select(func.count(User.id)).where(
        User.is_admin.is_(True), User.is_active_account.is_(True), User.id != user.id)
    ).scalar_one()
    if not others:
        raise AccountError(refusal)


def deactivate(acting: User, user: User, address: str | None = None) -> None:
    """Close the account: every session ends, sign-in is refused, no mail is sent to it; its
    records stay. Raises AccountError for the admin's own account, the last active site
    admin, or an account already deactivated."""
    if user.id == acting.id:
        raise AccountError("You cannot deactivate your own account: ask another site "
                           "administrator")
    if not user.is_active_account:
        raise AccountError(f"{user.name}'s account is already deactivated")
    keep_an_admin(user, f"{user.name} is the last active site administrator: make someone "
                        "else one first")
    user.is_active_account = False
    end_all_sessions(user)
    db.session.flush()
    record(acting, "account_deactivated", subject=user.email, address=address, about=user)


def reactivate(acting: User, user: User, address: str | None = None) -> None:
    """Open a deactivated account again: the person may sign in with their password (or reset
    it) and gets mail again. Raises AccountError when it is not deactivated, or was erased
    (nothing of the person is left to open)."""
    if user.erased_at is not None:
        raise AccountError("This account was erased at its owner's request: it cannot be "
                           "opened again. Invite the person afresh if they come back")
    if user.is_active_account:
        raise AccountError(f"{user.name}'s account is not deactivated")
    user.is_active_account = True
    lift_lock_out(user)
    db.session.flush()
    record(acting, "account_reactivated", subject=user.email, address=address, about=user)


def unlock(acting: User, user: User, address: str | None = None) -> None:
    """Lift the person's lock-out by failed sign-ins (a site administrator who has checked
    with them): their account's failures are forgotten, so they may sign in at once; the
    throttle on the addresses tried stays. Raises AccountError when they are not locked out."""
    if account_facts(user).locked_until is None:
        raise AccountError(f"{user.name} is not locked out")
    lift_lock_out(user)
    record(acting, "lock_out_lifted", subject=user.email, address=address, about=user)
    db.session.flush()


def make_admin(acting: User, user: User, address: str | None = None) -> None:
    """Make the person a site administrator. Raises AccountError when they are one already or
    their account is deactivated."""
    if user.is_admin:
        raise AccountError(f"{user.name} is a site administrator already")
    if user.erased_at is not None:
        raise AccountError("This account was erased at its owner's request: nobody can sign "
                           "in to it. Invite the person afresh if they come back")
    if not user.is_active_account:
        raise AccountError(f"{user.name}'s account is deactivated: reactivate it first")
    user.is_admin = True
    db.session.flush()
    record(acting, "role_granted", subject=user.email, address=address,
           detail="site administrator", about=user)


def remove_admin(acting: User, user: User, address: str | None = None) -> None:
    """The person is no longer a site administrator. Raises AccountError when they are not
    one, or are the last active one."""
    if not user.is_admin:
        raise AccountError(f"{user.name} is not a site administrator")
    keep_an_admin(user, f"{user.name} is the last active site administrator: make someone "
                        "else one first")
    user.is_admin = False
    db.session.flush()
    record(acting, "role_removed", subject=user.email, address=address,
           detail="site administrator", about=user)


def send_again(acting: User, message: MailMessage, address: str | None = None) -> None:
    """Queue a failed message again: the same message with the same Message-ID (a receiver
    that got it after all can tell the repeat), sent once the caller commits. Raises
    AccountError while the recipient's account is deactivated, or when the message is no
    longer failed."""
    person = find_user_by_email(message.recipient)
    if person is not None and not person.is_active_account:
        raise AccountError(f"{person.name}'s account is deactivated: reactivate it before "
                           "sending them mail again")
    subject, message_id = message.subject, message.message_id
    if not requeue(message):
        raise AccountError("This message is not failed (it may have been sent again "
                           "meanwhile): there is nothing to send again")
    record(acting, "mail_sent_again", subject=message_id, address=address, detail=subject,
           about=person)


def withheld_addresses(_sender=None, *, addresses: set[str], connection) -> set[str]:
    """Which of these (lower-cased) addresses belong to deactivated accounts, read on the
    outbox's `connection`: it sends them nothing (core's `mail_recipients_withheld`, which
    receivers.py connects this to)."""
    if not addresses:
        return set()
    return set(connection.execute(select(User.email).where(
        User.email.in_(sorted(addresses)), User.is_active_account.is_(False))).scalars())
