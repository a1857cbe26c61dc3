"""Scheduled work of the reminders module."""

from cohort.core.turns import in_turns
from cohort.reminders.services import reminders_due


def send_reminders_job() -> int:
    """Turn the reminders that are due into messages in the outbox, a reminder at a time, each
    committed on its own (core/turns.py); all of them in this sweep, however long it takes:
    they run before the other modules' mail. Returns how many messages were queued."""
    return in_turns(reminders_due(), "Sending a reminder")


JOBS = (send_reminders_job,)
