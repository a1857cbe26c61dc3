"""Scheduled work of the accounts module."""

from cohort.accounts.services import purge_expired
from cohort.core.database import commit


def purge_expired_job() -> int:
    """Delete expired sessions, spent tokens and old sign-in failures; returns rows removed."""
    removed = purge_expired()
    commit()
    return removed


JOBS = (purge_expired_job,)
