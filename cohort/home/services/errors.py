"""The refusal the home's services raise: its message is shown on the form."""

from cohort.core.errors import UserError


class HomeError(UserError):
    """A refusal by the home's services (a weekly summary's day or hour out of range)."""
