"""Programme forms."""

from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from cohort.core.forms import ChoiceField, Form, GovDateField, WholeNumberField
from cohort.core.timeutil import current_zones
from cohort.programme.models import AUDIENCES, SESSION_KINDS

COMMON_ZONES = (
    "Europe/London", "Europe/Dublin", "Europe/Paris", "Europe/Berlin", "America/New_York",
    "America/Toronto", "America/Vancouver", "Australia/Sydney",
    "Pacific/Auckland", "Asia/Kolkata", "Asia/Singapore", "UTC",
)
LONG = 5000


def zone_choices(current: str | None = None) -> list[SelectChoice]:
    """Every zone offered (core's current_zones), the common ones first; the page makes the
    list one to type into. A session kept in a zone no longer offered shows it first."""
    common = set(COMMON_ZONES)
    zones = [*COMMON_ZONES, *(z for z in current_zones() if z not in common)]
    if current and current not in zones:
        zones.insert(0, current)
    return [SelectChoice(z, z.replace("_", " ")) for z in zones]


class SessionForm(Form):
    title = StringField("Title", validators=[DataRequired("Enter the session's title"), Length(max=200)])
    # The service checks the kind, zone and audience, with clearer messages than WTForms' own.
    kind = RadioField("Kind of session", choices=[SelectChoice(k, v) for k, v in SESSION_KINDS.items()],
                      validate_choice=False, validators=[InputRequired("Choose the kind of session")])
    day = GovDateField("Date", required_message="Enter the date of the session")
    start_time = StringField("Start time", validators=[DataRequired("Enter the start time"),
                                                       Length(max=10)])
    timezone = ChoiceField("Time zone", choices=zone_choices(),
                           invalid="Choose a time zone from the list, like Europe/London")
    duration_minutes = WholeNumberField("Length in minutes", not_a_number=(
        "Enter the length as a whole number of minutes, like 90"), validators=[
        InputRequired("Enter the length in minutes"),
        NumberRange(min=1, max=720, message="Enter a length from 1 to 720 minutes: the session must end after it starts")])
    audience = RadioField("Who is it for", choices=[SelectChoice(k, v) for k, v in AUDIENCES.items()],
                          default="members", validate_choice=False, validators=[InputRequired("Choose who the session is for")])
    join_url = StringField("Joining link", validators=[Optional(), Length(max=500)])
    join_notes = TextAreaField("Joining notes", validators=[Optional(), Length(max=LONG)])
    topics = TextAreaField("Core topics", validators=[Optional(), Length(max=LONG)])
    objectives = TextAreaField("Learning objectives", validators=[Optional(), Length(max=LONG)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=LONG)])
    facilitator_notes = TextAreaField("Facilitator notes (private)", validators=[Optional(), Length(max=LONG)])
    version = HiddenField()  # the version of the session the form was loaded from
    confirm_dates = BooleanField("Yes, schedule it on this date")


class ObjectivesForm(Form):
    objectives = TextAreaField("By the end of the programme, participants will be able to",
                               validators=[Optional(), Length(max=LONG)])
    remove_all = BooleanField("Yes, remove all the programme's objectives")


class MaterialForm(Form):
    title = StringField("Title", validators=[DataRequired("Enter a title for the material"),
                                             Length(max=200)])
    url = StringField("Link", validators=[Optional(), Length(max=500)])
    file = FileField("Or a file")
