"""The reminder form and a member's reminder settings."""

from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from cohort.core.forms import Form, GovDateField, WholeNumberField
from cohort.reminders.models import AUDIENCES

WHEN = {
    "before": "Before a session starts",
    "after": "After a session ends",
    "fixed": "At a date and time",
    "before_moment": "Before a moment",
    "after_moment": "After a moment",
}
DEFAULT_BODY = (
    "Hello ((name)),\n\n((session)) is on ((time)).\n\nJoin: ((join link))\n"
    "Details and materials: ((session link))"
)


class ReminderForm(Form):
    when = RadioField("When is it sent", choices=[SelectChoice(k, v) for k, v in WHEN.items()],
                      validators=[InputRequired("Choose when the reminder is sent")])
    session = SelectField("For", coerce=str, validate_choice=False)
    days = WholeNumberField("Days", not_a_number="Enter the days as a whole number, like 7",
                            default=0, validators=[Optional(), NumberRange(
                                min=0, max=365, message="Enter 365 days or fewer")])
    hours = WholeNumberField("Hours", not_a_number="Enter the hours as a whole number, like 2",
                             default=0, validators=[Optional(), NumberRange(
                                 min=0, max=23, message="Enter hours from 0 to 23")])
    fixed_day = GovDateField("Date")
    fixed_time = StringField("Time", validators=[Optional(), Length(max=10)])
    moment_key = SelectField("Moment", coerce=str, validate_choice=False)
    audience = RadioField("Who is it for", default="everyone",
                          choices=[SelectChoice(k, v) for k, v in AUDIENCES.items()],
                          validators=[InputRequired("Choose who the reminder is for")])
    chosen = SelectMultipleField("Chosen people", coerce=str, validate_choice=False,
                                 widget=ListWidget(prefix_label=False),
                                 option_widget=CheckboxInput())
    subject = StringField("Subject", validators=[DataRequired("Enter the subject"),
                                                 Length(max=200)])
    body = TextAreaField("Text", default=DEFAULT_BODY, validators=[
        DataRequired("Enter the text of the reminder"), Length(max=5000)])
    essential = BooleanField("Essential: sent even to people who turned optional reminders off")
    version = HiddenField()
    action = HiddenField()  # "preview" or "save": which button was pressed

    error_aliases = {"anchor": "when", "fixed_at": "fixed_day", "start_time": "fixed_time"}


class SettingsForm(Form):
    optional = BooleanField("Send me optional reminders from this cohort")


class ResendForm(Form):
    """The button that sends a failed delivery again: which delivery."""

    delivery = HiddenField()
