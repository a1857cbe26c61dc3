"""The rule every change to a cohort passes first: a finished cohort is read-only."""

from cohort.cohorts.models import Cohort
from cohort.cohorts.services.errors import CohortError

__all__ = ["ensure_changeable"]


def ensure_changeable(cohort: Cohort) -> None:
    """Raise CohortError when the cohort has finished: it is read-only until reopened."""
    if cohort.is_finished:
        raise CohortError(f"{cohort.title} has finished, so it can no longer be changed. A "
                          "facilitator can reopen it in its settings")
