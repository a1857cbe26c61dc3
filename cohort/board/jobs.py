"""Scheduled work of the board: the daily digests, and threads for sessions that lack one."""

from cohort.board.services import ensure_session_threads, send_digests
from cohort.core.database import commit


def send_digests_job() -> int:
    sent = send_digests()
    commit()
    return sent


def session_threads_job() -> int:
    made = ensure_session_threads()
    commit()
    return made


JOBS = (send_digests_job, session_threads_job)
