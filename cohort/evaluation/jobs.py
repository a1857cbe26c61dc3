"""Scheduled work of the evaluation: telling participants a survey has opened."""

from flask import current_app

from cohort.core.turns import in_turns
from cohort.evaluation.services import announcements_due


def announce_surveys_job() -> int:
    """Each survey that has opened, announced a survey at a time, each committed on its own,
    for at most SCHEDULER_TURN_SECONDS a sweep (core/turns.py); returns how many were."""
    return in_turns(announcements_due(), "A survey's announcement",
                    current_app.config["SCHEDULER_TURN_SECONDS"])


JOBS = (announce_surveys_job,)
