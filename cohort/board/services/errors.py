"""The board's refusals: a UserError with the message a person sees and the field it is about."""

from cohort.core.errors import UserError


class BoardError(UserError):
    pass
