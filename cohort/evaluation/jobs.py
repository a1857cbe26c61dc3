"""Scheduled work of the evaluation: telling participants a survey has opened."""

from cohort.core.database import commit
from cohort.evaluation.services import announce_open_surveys


def announce_surveys_job() -> int:
    announced = announce_open_surveys()
    commit()
    return announced


JOBS = (announce_surveys_job,)
