"""Single-use link tokens (invitations and password resets) and the mail that carries them."""

import secrets

from flask import current_app
from sqlalchemy import func, select, update

from cohort.accounts.models import AccountToken, ResetRequest, User
from cohort.accounts.services.errors import AccountError
from cohort.accounts.services.signin import apply_password, hash_new_password, lift_lock_out
from cohort.accounts.services.users import normalise_email
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
    """Set the password through a token and use the token up; raise AccountError if refused.

    Setting the password spends every other reset and invitation link of the account too; a
    reset also lifts a lock-out by failed sign-ins."""
    row = check_token(token, purpose)
    token_id, user_id = row.id, row.user_id
    hashed = hash_new_password(row.user, password)  # no lock held while it hashes
    # Guarded update: of two posts of the same form, only one uses the token.
    used = db.session.execute(
        update(AccountToken)
        .where(AccountToken.id == token_id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not used:
        raise AccountError("This link has already been used")
    user = db.session.get(User, user_id)
    apply_password(user, hashed)
    if purpose == "reset":
        lift_lock_out(user)
    record(user, f"{purpose}_redeemed", subject=user.email, about=user)
    return user


def request_password_reset(email: str, address: str | None = None) -> None:
    """Email a reset link to an account's address, or a note that it has no account: the same
    work either way, so neither the answer nor its time tells which. Beyond
    RESET_LIMIT_PER_EMAIL requests for one address, or RESET_LIMIT_PER_CLIENT from one client,
    in RESET_LIMIT_WINDOW, nothing more is sent. Raises AccountError for an invalid address."""
    email = normalise_email(email)
    config = current_app.config
    since = utcnow() - config["RESET_LIMIT_WINDOW"]
    asked = db.session.execute(select(func.count(ResetRequest.id)).where(
        ResetRequest.email == email, ResetRequest.created_at >= since)).scalar_one()
    sent_from = db.session.execute(select(func.count(ResetRequest.id)).where(
        ResetRequest.address == address, ResetRequest.created_at >= since)).scalar_one() \
        if address else 0
    db.session.add(ResetRequest(email=email, address=address))
    if asked >= config["RESET_LIMIT_PER_EMAIL"] or sent_from >= config["RESET_LIMIT_PER_CLIENT"]:
        return
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if user is None or not user.is_active_account:
        send_mail(email, "emails/accounts/no_account.txt", email=email)
        return
    hours = int(config["RESET_LIFETIME"].total_seconds() // 3600)
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
