"""Scheduled work of the home module: the weekly summaries that have fallen due."""

from functools import partial

from flask import current_app

from cohort.core.turns import in_turns
from cohort.home.services import due_summaries, send_weekly_summary


def send_weekly_summaries_job() -> int:
    """Consider each weekly summary due, a person at a time, each committed on its own (the
    week's record with its message, so a crash repeats none), for at most
    SCHEDULER_TURN_SECONDS a sweep: the rest wait for the next (core/turns.py). Returns how
    many were queued."""
    return in_turns([partial(send_weekly_summary, user_id, week)
                     for user_id, week in due_summaries()], "A weekly summary",
                    current_app.config["SCHEDULER_TURN_SECONDS"])


JOBS = (send_weekly_summaries_job,)
