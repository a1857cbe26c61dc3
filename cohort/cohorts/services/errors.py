"""The cohort services' refusal, and the rule that a finished cohort is read-only."""



from cohort.cohorts.models import (
    Cohort,
)
from cohort.core.errors import UserError

__all__ = [
    "STAFF_ROLES", "CohortError", "ensure_changeable",
]

STAFF_ROLES = ("facilitator", "evaluator")


class CohortError(UserError):
    """A refusal by the cohort services; the message is shown to the user."""


def ensure_changeable(cohort: Cohort) -> None:
    """Raise CohortError when the cohort has finished: it is read-only until reopened."""
    if cohort.is_finished:
        raise CohortError(f"{cohort.title} has finished, so it can no longer be changed. A "
                          "facilitator can reopen it in its settings")
