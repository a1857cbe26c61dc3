"""Scheduled work of the core module: the outbox's dispatcher."""

from cohort.core.outbox import dispatch_all


def dispatch_mail_job() -> int:
    """Send every message that is due (queued, or waiting for a retry); returns how many."""
    return dispatch_all()


JOBS = (dispatch_mail_job,)
