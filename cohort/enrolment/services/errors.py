"""The refusal every enrolment service raises: its message is shown to the user."""

from cohort.core.errors import UserError


class EnrolmentError(UserError):
    """A refusal by the enrolment services."""
