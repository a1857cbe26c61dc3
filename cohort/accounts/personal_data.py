"""The account's own part of a person's data: who they are, how they sign in, and what the
sign-in pages remember of them (see core/personal.py)."""

from sqlalchemy import delete, select

from cohort.accounts.models import (
    AccountToken,
    KnownAddress,
    LoginFailure,
    ResetRequest,
    User,
    UserSession,
)
from cohort.core.personal import FORMER_MEMBER, when
from cohort.core.timeutil import utcnow
from cohort.extensions import db

COVERS = (User, UserSession, AccountToken, KnownAddress, ResetRequest, LoginFailure)


def export(user: User) -> dict:
    sessions = db.session.execute(select(UserSession).where(UserSession.user_id == user.id)
                                  .order_by(UserSession.created_at)).scalars()
    known = db.session.execute(select(KnownAddress).where(KnownAddress.user_id == user.id)
                               .order_by(KnownAddress.created_at)).scalars()
    resets = db.session.execute(select(ResetRequest).where(ResetRequest.email == user.email)
                                .order_by(ResetRequest.created_at)).scalars()
    failures = db.session.execute(select(LoginFailure).where(
        LoginFailure.scope == "account", LoginFailure.key == user.email)
        .order_by(LoginFailure.created_at)).scalars()
    return {
        "email": user.email,
        "name": user.name,
        "organisation": user.organisation,
        "job_title": user.job_title,
        "time_zone": user.timezone,
        "site_administrator": user.is_admin,
        "account_created": when(user.created_at),
        "last_signed_in": when(user.last_login_at),
        "signed_in_browsers": [{"since": when(row.created_at), "last_seen": when(row.last_seen_at),
                                "address": row.address, "browser": row.user_agent}
                               for row in sessions],
        "addresses_signed_in_from": [{"first": when(row.created_at),
                                      "last": when(row.last_seen_at), "address": row.address}
                                     for row in known],
        "password_reset_requests": [{"at": when(row.created_at), "address": row.address}
                                    for row in resets],
        "failed_sign_ins": [{"at": when(row.created_at), "address": row.address}
                            for row in failures],
    }


def erase(user: User) -> None:
    """Blank what identifies the person and close the account for good: the row stays, named
    "A former member", so what they wrote and what others wrote beside it keeps its shape.
    Their signed-in browsers (they are signed out everywhere), links, known addresses and the
    sign-in and reset attempts made under their address go."""
    email = user.email
    for table in (UserSession, AccountToken, KnownAddress):
        db.session.execute(delete(table).where(table.user_id == user.id))
    db.session.execute(delete(ResetRequest).where(ResetRequest.email == email))
    db.session.execute(delete(LoginFailure).where(LoginFailure.scope == "account",
                                                  LoginFailure.key == email))
    user.email = f"erased-{user.id}@erased.invalid"  # unique, and .invalid is never delivered
    user.name = FORMER_MEMBER
    user.organisation = user.job_title = user.timezone = None
    user.password_hash = user.calendar_token = user.last_login_at = None
    user.is_active_account = user.is_admin = False
    user.erased_at = utcnow()
    user.session_token = None
    db.session.flush()
