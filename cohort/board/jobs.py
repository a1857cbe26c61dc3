"""Scheduled work of the board: the daily digests, and threads for sessions that lack one."""

from flask import current_app

from cohort.board.services import digests_due, ensure_session_threads
from cohort.core.database import commit
from cohort.core.turns import in_turns


def send_digests_job() -> int:
    """The digests that are due, a member at a time, each committed on its own, for at most
    SCHEDULER_TURN_SECONDS a sweep (core/turns.py); returns how many were queued."""
    return in_turns(digests_due(), "A board digest", current_app.config["SCHEDULER_TURN_SECONDS"])


def session_threads_job() -> int:
    made = ensure_session_threads()
    commit()
    return made


JOBS = (send_digests_job, session_threads_job)
