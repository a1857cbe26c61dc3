"""Scheduled work of the core module: the audit log's retention, and the outbox's dispatcher
(the registry runs core's jobs last, so a sweep sends what the others queued)."""

from flask import current_app

from cohort.core.audit import purge_audit
from cohort.core.database import commit
from cohort.core.outbox import dispatch_all


def purge_audit_job() -> int:
    """Delete the audit entries older than AUDIT_RETENTION_DAYS; returns how many."""
    purged = purge_audit(current_app.config["AUDIT_RETENTION_DAYS"])
    commit()
    return purged


def dispatch_mail_job() -> int:
    """Send every message that is due (queued, or waiting for a retry); returns how many."""
    return dispatch_all()


JOBS = (purge_audit_job, dispatch_mail_job)
