from cohort.core.errors import UserError


class PlanError(UserError):
    """A refusal from the plans module: the message says what to do."""
