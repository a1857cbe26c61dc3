"""The refusal every reminder service raises: its message is shown to the user."""

from cohort.core.errors import UserError


class ReminderError(UserError):
    """A refusal by the reminder services."""
