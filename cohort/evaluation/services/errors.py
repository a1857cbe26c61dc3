"""The refusal every evaluation service raises: its message is shown to the user."""

from cohort.core.errors import UserError


class EvaluationError(UserError):
    """A refusal by the evaluation services."""
