"""The refusal every cohort service raises: its message is shown to the user."""

from cohort.core.errors import UserError


class CohortError(UserError):
    """A refusal by the cohort services."""
