"""Scheduled work of the reminders module."""

from cohort.core.database import commit
from cohort.reminders.services import send_due_reminders


def send_reminders_job() -> int:
    """Turn the reminders that are due into messages in the outbox; returns how many."""
    queued = send_due_reminders()
    commit()
    return queued


JOBS = (send_reminders_job,)
