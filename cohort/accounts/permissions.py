"""Site roles: named predicates used by views and templates alike; how a person named in a
URL loads (see core/guard.py)."""

from cohort.accounts.models import User
from cohort.core.database import get
from cohort.core.guard import Loader

__all__ = ["is_admin"]


def is_admin(user) -> bool:
    """Site administrators: people, cohorts, invitations, the mail log, operations and erasing
    a person's data."""
    return bool(getattr(user, "is_authenticated", False) and user.is_admin)


# A person's account, for the site administrator's pages about them (every rule there is
# is_admin, checked before anything loads).
LOADERS = (Loader("user_id", "person", lambda _user, user_id, _parent: get(
    User, user_id)),)
