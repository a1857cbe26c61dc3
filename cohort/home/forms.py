"""The home module's form: the weekly summary's part of the settings page."""

from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from cohort.core.forms import Form
from cohort.home.services import WEEKDAYS, hour_label


class ChoiceField(SelectField):
    """A select whose refusal of a value that is not one of its choices says what to choose."""

    def __init__(self, label=None, validators=None, invalid: str = "Choose one of the options",
                 **kwargs):
        super().__init__(label, validators, **kwargs)
        self.invalid = invalid

    def pre_validate(self, form):
        if self.data not in {choice.value for choice in self.iter_choices()}:
            raise ValidationError(self.invalid)


class WeeklyForm(Form):
    enabled = BooleanField("Send me a weekly summary by email")
    weekday = ChoiceField("Day", choices=[SelectChoice(str(n), day)
                                          for n, day in enumerate(WEEKDAYS)],
                          invalid="Choose the day of the week to get the summary on")
    hour = ChoiceField("Time", choices=[SelectChoice(str(n), hour_label(n)) for n in range(24)],
                       invalid="Choose the time of day to get the summary at")
