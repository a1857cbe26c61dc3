"""Sign-in with throttling, server-side sessions, and changing a password (which ends them)."""

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import delete, func, insert, select, text, update

from cohort.accounts.models import (
    AccountToken,
    KnownAddress,
    LoginFailure,
    ResetRequest,
    User,
    UserSession,
)
from cohort.accounts.services.errors import AccountError
from cohort.accounts.services.passwords import (
    check_password,
    hash_password,
    password_problem,
    verify_password,
)
from cohort.accounts.services.users import find_user_by_email, normalise_email
from cohort.core.audit import LIMITS, one_line, record
from cohort.core.database import end_read, get, read_before_write
from cohort.core.models import AuditEvent
from cohort.core.security import token_hash
from cohort.core.timeutil import utcnow
from cohort.extensions import db


@dataclass
class SignIn:
    """The outcome of a sign-in: a user and session token, or the refusal to show. A refusal
    is an outcome, not an error: the failure it counted must be committed."""

    user: User | None = None
    token: str | None = None
    refusal: str | None = None


SIGN_IN_REFUSED = "Enter a correct email address and password"


# Sign-ins of one account or address take turns counting on PostgreSQL: a transaction lock
# in this class, keyed by a hash of the account or address.
_SIGN_IN_LOCKS = 0x5349  # "SI"


def _failures(conn, scope: str, key: str, since: datetime, address: str | None = None) -> int:
    """Failures in the window; with `address`, only the account's failures from there."""
    query = select(func.count(LoginFailure.id)).where(
        LoginFailure.scope == scope, LoginFailure.key == key, LoginFailure.created_at >= since
    )
    if address is not None:
        query = query.where(LoginFailure.address == address)
    return conn.execute(query).scalar_one()


def _claim_attempt(key: str, address: str | None, known: bool) -> list[int] | None:
    """Below the limits, record this attempt as a failure at once and return the rows (the
    claim: a sign-in that succeeds deletes them); at a limit, return None.

    Counting and recording are one short transaction of their own, committed before the
    password is hashed, which no other sign-in of the account or address can interleave
    with (SQLite: the write lock; PostgreSQL: a transaction lock per account and address):
    however many attempts arrive at once, on however many hosts, no more than the limit are
    checked."""
    config = current_app.config
    since = utcnow() - config["LOGIN_WINDOW"]
    with db.engine.connect() as conn:
        conn.info["sqlite_begin"] = "IMMEDIATE"  # SQLite: the write lock first, then count
        with conn.begin():
            if conn.dialect.name == "postgresql":
                for name in sorted({f"account {key}", f"address {address}" if address else ""}
                                   - {""}):  # in one order, so two sign-ins cannot deadlock
                    conn.execute(text("SELECT pg_advisory_xact_lock(:kind, hashtext(:name))"),
                                 {"kind": _SIGN_IN_LOCKS, "name": name})
            if address and _failures(conn, "address", address, since) >= config[
                    "LOGIN_MAX_FAILURES_PER_ADDRESS"]:
                return None
            # Failures from elsewhere do not hold back an address this account signs in from.
            if key and _failures(conn, "account", key, since, address if known else None) >= \
                    config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]:
                return None
            rows = [("account", key)] + ([("address", address)] if address else [])
            return [conn.execute(insert(LoginFailure).values(
                scope=scope, key=value, address=address, created_at=utcnow()))
                .inserted_primary_key[0] for scope, value in rows]


def sign_in(email: str, password: str, address: str | None, user_agent: str | None) -> SignIn:
    """Check the credentials and open a server-side session, or count the failure and return
    the refusal.

    An unknown email gets the same answer as a wrong password. Failures are counted per
    account and per address in the database, which every worker and host shares; each attempt
    is counted before its password is checked (see _claim_attempt). Commits that count.
    """
    read_before_write()  # the checks below only read; the hash comes before any write
    config = current_app.config
    minutes = int(config["LOGIN_WINDOW"].total_seconds() // 60)
    try:  # count failures under the address as stored, however it was typed
        key = normalise_email(email)
    except AccountError:
        key = (email or "").strip().lower()
    key = key[:320]
    too_many = (
        f"Too many failed attempts to sign in. Wait {minutes} minutes, then try again, "
        "or reset your password"
    )
    user = find_user_by_email(email)
    known = user is not None and address is not None and _is_known(user, address)
    user_id = user.id if user is not None else None
    stored = user.password_hash if user is not None else None
    end_read()  # the claim commits on a connection of its own; the hash holds none
    claim = _claim_attempt(key, address, known)
    if claim is None:
        _record_lock_out(key, address, user_id)
        return SignIn(refusal=too_many)
    matched, rehash = check_password(stored, password)
    new_hash = hash_password(password) if matched and rehash else None
    user = db.session.get(User, user_id) if user_id is not None else None
    matched = matched and user is not None and user.password_hash == stored
    if not matched or not user.is_active_account:
        record(user, "sign_in_failed", subject=key[:255], address=address, about=user)
        db.session.flush()
        return SignIn(refusal=SIGN_IN_REFUSED)
    db.session.execute(delete(LoginFailure).where(LoginFailure.id.in_(claim)))
    if new_hash is not None:
        user.password_hash = new_hash
    lift_lock_out(user)
    user.last_login_at = utcnow()
    if address:
        _remember_address(user, address)
    token = open_session(user, address, user_agent)
    record(user, "sign_in", subject=user.email, address=address, about=user)
    return SignIn(user=user, token=token)


def _record_lock_out(key: str, address: str | None, user_id: int | None) -> None:
    """Note a lock-out in the audit log once per window for the account or address tried, so
    someone hammering the form cannot flood the log."""
    since = utcnow() - current_app.config["LOGIN_WINDOW"]
    noted = db.session.execute(select(AuditEvent.id).where(
        AuditEvent.action == "sign_in_locked_out", AuditEvent.created_at >= since,
        AuditEvent.subject == one_line(key, LIMITS["subject"]),
        AuditEvent.address == one_line(address, LIMITS["address"])
        if address else AuditEvent.address.is_(None)).limit(1)).first()
    if noted is None:
        record(None, "sign_in_locked_out", subject=key, address=address, about=user_id)
        db.session.flush()


def lift_lock_out(user: User) -> None:
    """Forget the account's failed sign-ins: after a sign-in or a password reset."""
    db.session.execute(
        delete(LoginFailure).where(LoginFailure.scope == "account", LoginFailure.key == user.email)
    )


def _is_known(user: User, address: str) -> bool:
    since = utcnow() - current_app.config["KNOWN_ADDRESS_DAYS"]
    return db.session.execute(
        select(KnownAddress.user_id).where(KnownAddress.user_id == user.id,
                                           KnownAddress.address == address,
                                           KnownAddress.last_seen_at >= since)
    ).first() is not None


def _remember_address(user: User, address: str) -> None:
    known = db.session.get(KnownAddress, (user.id, address))
    if known is None:
        db.session.add(KnownAddress(user_id=user.id, address=address, last_seen_at=utcnow()))
    else:
        known.last_seen_at = utcnow()


def open_session(user: User, address: str | None, user_agent: str | None) -> str:
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        UserSession(
            token_hash=token_hash(token), user_id=user.id, created_at=now, last_seen_at=now,
            address=address, user_agent=(user_agent or "")[:255],
        )
    )
    db.session.flush()
    user.session_token = token
    return token


def load_session(token: str) -> User | None:
    """Return the user of a live session, touching its idle clock; None when ended or expired."""
    if not token:
        return None
    config = current_app.config
    row = get(UserSession, token_hash(token))
    if row is None:
        return None
    now = utcnow()
    if (
        now - row.last_seen_at > config["SESSION_IDLE_TIMEOUT"]
        or now - row.created_at > config["SESSION_ABSOLUTE_TIMEOUT"]
        or not row.user.is_active_account
    ):
        db.session.delete(row)  # left unflushed: the caller commits it
        return None
    if (now - row.last_seen_at).total_seconds() > 60:  # one write a minute at most
        row.last_seen_at = now
    row.user.session_token = token
    return row.user


def end_session(token: str | None) -> None:
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == token_hash(token)))


def end_all_sessions(user: User) -> None:
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    user.session_token = None


def hash_new_password(user: User, password: str) -> str:
    """The hash of a new password; raises AccountError if it breaks the rules. Hashing takes a
    while, so it runs with no database lock held when nothing has been written yet."""
    problem = password_problem(password, user.email)
    if problem:
        raise AccountError(problem, "password")
    end_read()
    return hash_password(password)


def apply_password(user: User, hashed: str) -> None:
    """Give the account its new password hash: every session ends and every reset and
    invitation link it still has is spent."""
    user.password_hash = hashed
    end_all_sessions(user)
    db.session.execute(
        update(AccountToken).where(AccountToken.user_id == user.id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False)
    )


def set_password(user: User, password: str) -> None:
    """Set a new password; raises AccountError if it breaks the rules (see apply_password)."""
    user_id = user.id
    hashed = hash_new_password(user, password)
    apply_password(db.session.get(User, user_id), hashed)


def change_password(
    user: User, current: str, new: str, address: str | None, user_agent: str | None
) -> str:
    """Change the password, end every session, and return a fresh session token."""
    user_id = user.id
    end_read()  # two hashes follow: hold no lock meanwhile
    user = db.session.get(User, user_id)
    if not verify_password(user, current):
        raise AccountError("Your current password is not correct", "current_password")
    set_password(user, new)
    record(user, "password_changed", subject=user.email, address=address, about=user)
    return open_session(user, address, user_agent)


def purge_expired() -> int:
    """Delete expired sessions, spent tokens and old sign-in failures; return rows removed."""
    config = current_app.config
    now = utcnow()
    removed = 0
    removed += db.session.execute(
        delete(UserSession).where(
            (UserSession.last_seen_at < now - config["SESSION_IDLE_TIMEOUT"])
            | (UserSession.created_at < now - config["SESSION_ABSOLUTE_TIMEOUT"])
        )
    ).rowcount
    removed += db.session.execute(
        delete(LoginFailure).where(LoginFailure.created_at < now - config["LOGIN_WINDOW"])
    ).rowcount
    removed += db.session.execute(
        delete(AccountToken).where(AccountToken.expires_at < now - config["INVITATION_LIFETIME"])
    ).rowcount
    removed += db.session.execute(
        delete(ResetRequest).where(ResetRequest.created_at < now - config["RESET_LIMIT_WINDOW"])
    ).rowcount
    removed += db.session.execute(
        delete(KnownAddress).where(KnownAddress.last_seen_at < now - config["KNOWN_ADDRESS_DAYS"])
    ).rowcount
    return removed
