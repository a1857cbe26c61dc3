"""Scheduled work of the home module: the weekly summaries that have fallen due."""

from flask import current_app

from cohort.core.database import commit
from cohort.extensions import db
from cohort.home.services import due_summaries, send_weekly_summary


def send_weekly_summaries_job() -> int:
    """Consider each weekly summary due, committing one person at a time (the week's record
    with its message, so a crash repeats none); returns how many were queued. One person's
    failure is logged and rolled back, and does not hold up the others' summaries."""
    queued = 0
    for user_id, week in due_summaries():
        try:
            queued += bool(send_weekly_summary(user_id, week))
            commit()
        except Exception:
            db.session.rollback()
            current_app.logger.exception("The weekly summary of person %s failed", user_id)
    commit()
    return queued


JOBS = (send_weekly_summaries_job,)
