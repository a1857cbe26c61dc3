"""The refusal every programme service raises: its message is shown to the user."""

from cohort.core.errors import UserError


class ProgrammeError(UserError):
    """A refusal by the programme services."""
