"""The home module's form: the weekly summary's part of the settings page."""

from wtforms import BooleanField
from wtforms.fields.choices import SelectChoice

from cohort.core.forms import ChoiceField, Form
from cohort.home.services import WEEKDAYS, hour_label


class WeeklyForm(Form):
    enabled = BooleanField("Send me a weekly summary by email")
    weekday = ChoiceField("Day", choices=[SelectChoice(str(n), day)
                                          for n, day in enumerate(WEEKDAYS)],
                          invalid="Choose the day of the week to get the summary on")
    hour = ChoiceField("Time", choices=[SelectChoice(str(n), hour_label(n)) for n in range(24)],
                       invalid="Choose the time of day to get the summary at")
