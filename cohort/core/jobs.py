"""Scheduled work of the core module."""

from cohort.core.mail import retry_pending


def retry_mail_job() -> int:
    """Deliver mail left pending by a failed send or a crash; returns how many were sent."""
    return retry_pending()


JOBS = (retry_mail_job,)
