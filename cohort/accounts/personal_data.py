"""The account's own part of a person's data: who they are, how they sign in, and what the
sign-in pages remember of them (see core/personal.py)."""

from sqlalchemy import delete

from cohort.accounts.models import (
    AccountToken,
    KnownAddress,
    LoginFailure,
    ResetRequest,
    User,
    UserSession,
)
from cohort.core.personal import when
from cohort.extensions import db


def export(user: User) -> dict:
    return {
        "email": user.email,
        "name": user.name,
        "organisation": user.organisation,
        "job_title": user.job_title,
        "time_zone": user.timezone,
        "site_administrator": user.is_admin,
        "account_created": when(user.created_at),
        "last_signed_in": when(user.last_login_at),
    }


def erase(user: User) -> None:
    """Blank what identifies the person and close the account; the row stays, so what others
    wrote beside them keeps its shape. Their signed-in browsers, links, known addresses and the
    sign-in and reset attempts made under their address go."""
    email = user.email
    for table in (UserSession, AccountToken, KnownAddress):
        db.session.execute(delete(table).where(table.user_id == user.id))
    db.session.execute(delete(ResetRequest).where(ResetRequest.email == email))
    db.session.execute(delete(LoginFailure).where(LoginFailure.scope == "account",
                                                  LoginFailure.key == email))
    user.email = f"erased-{user.id}@erased.invalid"  # unique, and .invalid is never delivered
    user.name = "Erased account"
    user.organisation = user.job_title = user.timezone = None
    user.password_hash = user.calendar_token = user.last_login_at = None
    user.is_active_account = False
    db.session.flush()
