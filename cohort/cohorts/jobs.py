"""Scheduled work of the cohorts module: a finished cohort's personal data goes once its
retention period has passed (RETENTION_DAYS_AFTER_FINISH; none set: kept)."""

from flask import current_app

from cohort.cohorts.services import due_for_expiry, expire_cohort
from cohort.core.database import commit


def retention_job() -> int:
    """Expire the personal data of every cohort whose retention period has passed, each in a
    transaction of its own; returns how many cohorts."""
    due = due_for_expiry(current_app.config["RETENTION_DAYS_AFTER_FINISH"])
    for cohort in due:
        expire_cohort(cohort, dry_run=False)
        commit()
    return len(due)


JOBS = (retention_job,)
