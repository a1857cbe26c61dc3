"""The refusal every enrolment service raises: its message is shown to the user."""


class EnrolmentError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field
