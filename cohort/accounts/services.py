"""Account services: passwords, sign-in with throttling, server-side sessions, tokens.

Services take the acting user as a parameter, never touch the request, and only flush.
"""

import contextlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import delete, func, select
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from cohort.accounts.models import AccountToken, LoginFailure, User, UserSession
from cohort.accounts.signals import invitation_accepted
from cohort.core.audit import record
from cohort.core.errors import UserError
from cohort.core.mail import send_mail
from cohort.core.security import token_hash
from cohort.core.timeutil import is_known_zone, utcnow
from cohort.extensions import db

PASSWORD_MIN = 8
PASSWORD_MAX = 128
_COMMON_PASSWORDS = frozenset(FREQUENCY_LISTS["passwords"])


class AccountError(UserError):
    """A refusal by the account services; the message is shown on the form."""


# Passwords ---------------------------------------------------------------------------------


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_COST"],
        parallelism=config["ARGON2_PARALLELISM"],
    )


def password_problem(password: str, email: str | None = None) -> str | None:
    """Return why a new password is refused, or None when it is acceptable."""
    if len(password) < PASSWORD_MIN:
        return f"Password must be {PASSWORD_MIN} characters or more"
    if len(password) > PASSWORD_MAX:
        return f"Password must be {PASSWORD_MAX} characters or fewer"
    lowered = password.lower()
    if lowered in _COMMON_PASSWORDS or len(set(lowered)) < 3:
        return "Password is too common. Choose a password that would be hard to guess"
    if email and lowered == email.lower():
        return "Password must not be your email address"
    return None


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def set_password(user: User, password: str) -> None:
    """Set a new password; raises AccountError if it breaks the rules. Ends every session."""
    problem = password_problem(password, user.email)
    if problem:
        raise AccountError(problem, "password")
    user.password_hash = hash_password(password)
    end_all_sessions(user)


def _verify(user: User | None, password: str) -> bool:
    hasher = _hasher()
    if user is None or user.password_hash is None:
        # Spend the same time as a real check, so timing does not reveal which emails exist.
        with contextlib.suppress(VerificationError):
            hasher.verify(_dummy_hash(), password)
        return False
    try:
        hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True


def _dummy_hash() -> str:
    cache = current_app.extensions.setdefault("cohort_dummy_hash", {})
    if "hash" not in cache:
        cache["hash"] = _hasher().hash(secrets.token_urlsafe(16))
    return cache["hash"]


# Users -------------------------------------------------------------------------------------


def normalise_email(email: str) -> str:
    """Return the lower-cased address; raise AccountError if it is not a valid email."""
    email = (email or "").strip()
    if not email:
        raise AccountError("Enter your email address", "email")
    try:
        valid = validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        raise AccountError(
            "Enter an email address in the correct format, like name@example.org", "email"
        ) from exc
    return valid.normalized.lower()


def find_user_by_email(email: str) -> User | None:
    try:
        email = normalise_email(email)
    except AccountError:
        return None
    return db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()


def create_user(
    email: str,
    name: str,
    password: str | None = None,
    organisation: str | None = None,
    job_title: str | None = None,
    is_admin: bool = False,
) -> User:
    """Create a user; raise AccountError if the email is taken or the password refused."""
    email = normalise_email(email)
    if db.session.execute(select(User.id).where(User.email == email)).first():
        raise AccountError("An account with this email address already exists", "email")
    user = User(
        email=email, name=name.strip(), organisation=organisation, job_title=job_title,
        is_admin=is_admin, calendar_token=secrets.token_urlsafe(32),
    )
    if password is not None:
        problem = password_problem(password, email)
        if problem:
            raise AccountError(problem, "password")
        user.password_hash = hash_password(password)
    db.session.add(user)
    db.session.flush()
    return user


# Sign-in and throttling --------------------------------------------------------------------


@dataclass
class SignIn:
    """The outcome of a sign-in: a user and session token, or the refusal to show. A refusal
    is an outcome, not an error: the failure it counted must be committed."""

    user: User | None = None
    token: str | None = None
    refusal: str | None = None


SIGN_IN_REFUSED = "Enter a correct email address and password"


def _failures(scope: str, key: str, since: datetime) -> int:
    return db.session.execute(
        select(func.count(LoginFailure.id)).where(
            LoginFailure.scope == scope, LoginFailure.key == key, LoginFailure.created_at >= since
        )
    ).scalar_one()


def sign_in(email: str, password: str, address: str | None, user_agent: str | None) -> SignIn:
    """Check the credentials and open a server-side session, or count the failure and return
    the refusal.

    An unknown email gets the same answer as a wrong password. Failures are counted per
    account and per address in the database, which every worker and host shares.
    """
    config = current_app.config
    since = utcnow() - config["LOGIN_WINDOW"]
    minutes = int(config["LOGIN_WINDOW"].total_seconds() // 60)
    try:  # count failures under the address as stored, however it was typed
        key = normalise_email(email)
    except AccountError:
        key = (email or "").strip().lower()
    too_many = (
        f"Too many failed attempts to sign in. Wait {minutes} minutes, then try again, "
        "or reset your password"
    )
    if address and _failures("address", address, since) >= config["LOGIN_MAX_FAILURES_PER_ADDRESS"]:
        return SignIn(refusal=too_many)
    if key and _failures("account", key, since) >= config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]:
        return SignIn(refusal=too_many)
    user = find_user_by_email(email)
    if not _verify(user, password) or not user.is_active_account:
        db.session.add(LoginFailure(scope="account", key=key[:320]))
        if address:
            db.session.add(LoginFailure(scope="address", key=address))
        record(user, "sign_in_failed", subject=key[:255], address=address)
        db.session.flush()
        return SignIn(refusal=SIGN_IN_REFUSED)
    db.session.execute(
        delete(LoginFailure).where(LoginFailure.scope == "account", LoginFailure.key == user.email)
    )
    user.last_login_at = utcnow()
    token = open_session(user, address, user_agent)
    record(user, "sign_in", subject=user.email, address=address)
    return SignIn(user=user, token=token)


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
    row = db.session.get(UserSession, token_hash(token))
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


def change_password(
    user: User, current: str, new: str, address: str | None, user_agent: str | None
) -> str:
    """Change the password, end every session, and return a fresh session token."""
    if not _verify(user, current):
        raise AccountError("Your current password is not correct", "current_password")
    set_password(user, new)
    record(user, "password_changed", subject=user.email, address=address)
    return open_session(user, address, user_agent)


# Single-use tokens: invitations and password resets -----------------------------------------


def issue_token(user: User, purpose: str) -> str:
    """Create a token and return it in clear (only its hash is stored)."""
    assert purpose in AccountToken.PURPOSES
    lifetime = current_app.config["INVITATION_LIFETIME" if purpose == "invitation" else "RESET_LIFETIME"]
    token = secrets.token_urlsafe(32)
    db.session.add(
        AccountToken(
            user_id=user.id, purpose=purpose, token_hash=token_hash(token),
            expires_at=utcnow() + lifetime,
        )
    )
    db.session.flush()
    return token


def check_token(token: str, purpose: str) -> AccountToken:
    """Return the live token row; raise AccountError if it is unknown, used or expired."""
    row = db.session.execute(
        select(AccountToken).where(
            AccountToken.token_hash == token_hash(token or ""), AccountToken.purpose == purpose
        )
    ).scalar_one_or_none()
    what = "invitation" if purpose == "invitation" else "password reset"
    if row is None:
        raise AccountError(f"This {what} link is not valid. Check you copied the whole link")
    if row.used_at is not None:
        raise AccountError(f"This {what} link has already been used")
    if row.expires_at < utcnow():
        raise AccountError(f"This {what} link has expired")
    return row


def redeem_token(token: str, purpose: str, password: str) -> User:
    """Set the password through a token and use the token up; raise AccountError if refused."""
    row = check_token(token, purpose)
    set_password(row.user, password)
    # Guarded update: of two posts of the same form, only one uses the token.
    used = db.session.execute(
        AccountToken.__table__.update()
        .where(AccountToken.id == row.id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow())
    ).rowcount
    if not used:
        raise AccountError("This link has already been used")
    # Any other outstanding token of the same purpose is now spent too.
    db.session.execute(
        AccountToken.__table__.update()
        .where(
            AccountToken.user_id == row.user_id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    record(row.user, f"{purpose}_redeemed", subject=row.user.email)
    if purpose == "invitation":
        invitation_accepted.send(row.user)
    return row.user


def request_password_reset(email: str) -> None:
    """Email a reset link when the address has an account; say nothing either way."""
    user = find_user_by_email(email)
    if user is None or not user.is_active_account:
        return
    hours = int(current_app.config["RESET_LIFETIME"].total_seconds() // 3600)
    send_mail(user.email, "emails/accounts/reset_password.txt", user=user,
              token=issue_token(user, "reset"), hours=hours)


def find_or_create_user(email: str, name: str | None, organisation: str | None = None,
                        job_title: str | None = None) -> tuple[User, bool]:
    """The account with this email, or a new one without a password; return (user, created).
    Raises AccountError for an invalid email, or a new person without a name."""
    email = normalise_email(email)
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if user is not None:
        return user, False
    if not (name or "").strip():
        raise AccountError("Enter the person's name", "name")
    return create_user(email, name, organisation=organisation, job_title=job_title), True


def send_welcome(user: User, template: str, **context) -> None:
    """Mail the user `template`, with the way in: a single-use link to set a password when
    they have none yet (`invitation_token`, valid `invitation_days`), else the sign-in page.
    Every "you have been added" email goes through here."""
    if not user.has_password:
        context["invitation_token"] = issue_token(user, "invitation")
        context["invitation_days"] = current_app.config["INVITATION_LIFETIME"].days
    send_mail(user.email, template, user=user, **context)


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
    return removed


def grant_admin(acting: User, user: User) -> None:
    user.is_admin = True
    record(acting, "role_granted", subject=user.email, detail="site administrator")


# Preferences and the personal calendar feed -------------------------------------------------


def set_timezone(user: User, name: str | None) -> None:
    """Show times in this zone; None goes back to the site's default."""
    if name and not is_known_zone(name):
        raise AccountError("Choose a time zone from the list", "timezone")
    user.timezone = name or None


def calendar_token_for(user: User) -> str:
    """The secret of the user's calendar feed URL, created on first use."""
    if not user.calendar_token:
        user.calendar_token = secrets.token_urlsafe(32)
        db.session.flush()
    return user.calendar_token


def reset_calendar_token(user: User) -> str:
    """A new feed URL; the old one stops working at once."""
    user.calendar_token = secrets.token_urlsafe(32)
    db.session.flush()
    record(user, "calendar_feed_reset", subject=user.email)
    return user.calendar_token


def user_by_calendar_token(token: str) -> User | None:
    if not token or len(token) > 64:
        return None
    user = db.session.execute(select(User).where(User.calendar_token == token)).scalar_one_or_none()
    return user if user is not None and user.is_active_account else None
