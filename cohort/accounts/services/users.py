"""Accounts: creating and finding users, site roles, preferences, the calendar feed's secret."""

import secrets

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from cohort.accounts.models import User
from cohort.accounts.services.errors import AccountError
from cohort.accounts.services.passwords import hash_password, password_problem
from cohort.core.audit import record
from cohort.core.timeutil import is_known_zone
from cohort.extensions import db


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


def site_admin_names() -> list[str]:
    """The names of the site administrators, who may appoint anyone to any cohort."""
    return list(db.session.execute(
        select(User.name).where(User.is_admin.is_(True), User.is_active_account.is_(True))
        .order_by(User.name)
    ).scalars())


def grant_admin(acting: User, user: User) -> None:
    user.is_admin = True
    record(acting, "role_granted", subject=user.email, detail="site administrator", about=user)


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
    record(user, "calendar_feed_reset", subject=user.email, about=user)
    return user.calendar_token


def user_by_calendar_token(token: str) -> User | None:
    if not token or len(token) > 64:
        return None
    user = db.session.execute(select(User).where(User.calendar_token == token)).scalar_one_or_none()
    return user if user is not None and user.is_active_account else None
