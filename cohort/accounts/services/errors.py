"""The refusal every account service raises: its message is shown on the form."""

from cohort.core.errors import UserError


class AccountError(UserError):
    """A refusal by the account services."""
