"""Form fields shared by the modules."""

from datetime import date

from wtforms import Field, IntegerField
from wtforms.utils import unset_value

PARTS = ("day", "month", "year")


def show_error(form, error, aliases: dict | None = None) -> None:
    """Put a service's refusal on its form field (`error.field`, renamed by `aliases`), or at
    the top of the form when it names no field of this form."""
    name = (aliases or {}).get(error.field, error.field) if getattr(error, "field", None) else None
    field = getattr(form, name, None) if name else None
    if field is not None:
        field.errors = [*field.errors, str(error)]
    else:
        form.form_errors.append(str(error))


class GovDateField(Field):
    """A date typed into three boxes (GOV.UK date input): day, month and year.

    Any mix of parts, missing parts or impossible dates gets a message naming what to fix;
    nothing raises.
    """

    def __init__(self, label=None, validators=None, required_message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.required_message = required_message
        self.raw = dict.fromkeys(PARTS, "")
        self.first_bad = "day"

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.process_errors = []
        if data is unset_value:
            data = self.default() if callable(self.default) else self.default
        self.data = data if isinstance(data, date) else None
        if self.data:
            self.raw = {"day": str(self.data.day), "month": str(self.data.month),
                        "year": str(self.data.year)}
        if formdata is None or not any(f"{self.name}-{p}" in formdata for p in PARTS):
            if formdata is not None and self.required_message:
                self.data = None
                self.process_errors.append(self.required_message)
            return
        self.raw = {p: (formdata.get(f"{self.name}-{p}") or "").strip()[:10] for p in PARTS}
        self.data = None
        label = self.label.text
        filled = [p for p in PARTS if self.raw[p]]
        if not filled:
            if self.required_message:
                self.process_errors.append(self.required_message)
            return
        missing = [p for p in PARTS if not self.raw[p]]
        if missing:
            self.first_bad = missing[0]
            self.process_errors.append(f"{label} must include a {' and '.join(missing)}")
            return
        try:
            day, month, year = (int(self.raw[p]) for p in PARTS)
        except ValueError:
            self.first_bad = next(p for p in PARTS if not self.raw[p].isdigit())
            self.process_errors.append(f"{label} must be a real date, in numbers")
            return
        if not 1900 <= year <= 2200:
            self.first_bad = "year"
            self.process_errors.append(f"{label} must have a 4-digit year, like 2027")
            return
        try:
            self.data = date(year, month, day)
        except ValueError:
            self.first_bad = "month" if not 1 <= month <= 12 else "day"
            self.process_errors.append(f"{label} must be a real date")

    def _value(self):
        return self.raw


class WholeNumberField(IntegerField):
    """An integer field whose message for text that is not a whole number says what to type."""

    def __init__(self, label=None, validators=None, not_a_number: str | None = None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.not_a_number = not_a_number or f"Enter {str(label).lower()} as a whole number"

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(self.not_a_number) from error


def attempt(form, action) -> tuple[bool, object]:
    """Run a service call and commit its work; returns (True, its result).

    On a UserError the work is undone, the message goes on the form, and (False, None) comes
    back, so the view shows the form again with nothing half-written.
    """
    from cohort.core.errors import UserError
    from cohort.core.mail import commit
    from cohort.extensions import db

    try:
        result = action()
        commit()
    except UserError as error:
        db.session.rollback()
        show_error(form, error, getattr(form, "error_aliases", None))
        return False, None
    return True, result
