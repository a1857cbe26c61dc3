"""Single-use link tokens (invitations and password resets) and the mail that carries them."""

import secrets

from flask import current_app
from sqlalchemy import select

from cohort.accounts.models import AccountToken, User
from cohort.accounts.services.sessions import set_password
from cohort.accounts.services.users import AccountError, find_user_by_email
from cohort.accounts.signals import invitation_accepted
from cohort.core.audit import record
from cohort.core.mail import send_mail
from cohort.core.security import token_hash
from cohort.core.timeutil import utcnow
from cohort.extensions import db


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


def send_welcome(user: User, template: str, **context) -> None:
    """Mail the user `template`, with the way in: a single-use link to set a password when
    they have none yet (`invitation_token`, valid `invitation_days`), else the sign-in page.
    Every "you have been added" email goes through here."""
    if not user.has_password:
        context["invitation_token"] = issue_token(user, "invitation")
        context["invitation_days"] = current_app.config["INVITATION_LIFETIME"].days
    send_mail(user.email, template, user=user, **context)
