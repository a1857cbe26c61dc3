"""One-click unsubscribe (RFC 8058): a signed link in each optional message's List-Unsubscribe
header that stops that kind of mail from that cohort for that person, without signing in.

The token is signed with the site's secret (itsdangerous) and names the person, the cohort and
the kind of mail (no cohort for a kind that is the person's own, as the weekly summary across
their cohorts is); it does not expire, as a mail program may use it long after the message
came. It can only turn mail off. The kinds are those the modules declare (cohort/modules.py).
"""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from cohort import modules
from cohort.accounts.models import User
from cohort.core.mail import external_url
from cohort.extensions import db

__all__ = ["unsubscribe_headers", "unsubscribe_url", "unsubscribe_token", "read_unsubscribe",
           "unsubscribe"]

_SALT = "cohort-unsubscribe"


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def unsubscribe_token(user: User, cohort_id: int | None, kind: str) -> str:
    """The signed token naming the person, the cohort (None for a kind of mail that is the
    person's own) and the kind of mail."""
    mail = modules.optional_mail().get(kind)
    if mail is None:
        raise ValueError(f"{kind} is no kind of optional mail")
    if (cohort_id is None) == mail.per_cohort:
        raise ValueError(f"{kind} is {'' if mail.per_cohort else 'not '}a cohort's mail")
    return _signer().dumps([user.id, cohort_id, kind])


def unsubscribe_url(user: User, cohort_id: int | None, kind: str) -> str:
    return external_url("accounts.unsubscribe", token=unsubscribe_token(user, cohort_id, kind))


def unsubscribe_headers(user: User, cohort_id: int | None, kind: str) -> dict[str, str]:
    """The headers of an optional message: a mail program's "unsubscribe" posts to the link."""
    return {"List-Unsubscribe": f"<{unsubscribe_url(user, cohort_id, kind)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def read_unsubscribe(token: str):
    """(the kind of mail, the person's membership) a link names (for a kind that is the
    person's own, what its `member` gives); None when the link was not made here, or the
    person is no longer a member of the cohort."""
    try:
        user_id, cohort_id, kind = _signer().loads(token)
    except (BadSignature, TypeError, ValueError):
        return None
    mail = modules.optional_mail().get(kind) if isinstance(kind, str) else None
    if mail is None or not isinstance(user_id, int) or not (
            isinstance(cohort_id, int) if mail.per_cohort else cohort_id is None):
        return None
    user = db.session.get(User, user_id)
    if user is None:
        return None
    membership = mail.member(user, cohort_id)
    return (mail, membership) if membership is not None else None


def unsubscribe(token: str):
    """Stop the mail the link names; returns what read_unsubscribe does (None: nothing done)."""
    found = read_unsubscribe(token)
    if found is not None:
        mail, membership = found
        mail.stop(membership)
        db.session.flush()
    return found
