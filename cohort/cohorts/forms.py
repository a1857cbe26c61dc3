"""Forms of the cohort itself: its settings, staff, the admin's invitation, a member's line."""

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from cohort.cohorts.models import COHORT_STATUSES
from cohort.core.forms import (
    ChoiceField,
    Form,
    GovDateField,
    GridRadioField,
    SpanOfDays,
    WholeNumberField,
)

LONG = 5000


class CohortForm(Form):
    title = StringField("Title", validators=[DataRequired("Enter the cohort's title"), Length(max=200)])
    focus = StringField("Focus", validators=[Optional(), Length(max=200)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=LONG)])
    status = ChoiceField("Status", choices=[SelectChoice(s, s.capitalize()) for s in COHORT_STATUSES],
                         invalid="Choose the cohort's status from the list")
    starts_on = GovDateField("Start date")
    ends_on = GovDateField("End date")
    capacity = WholeNumberField("Places", not_a_number="Enter the number of places as a whole number, like 12", validators=[
        InputRequired("Enter the number of places"),
        NumberRange(min=1, max=500, message="Enter a number of places from 1 to 500")])
    applications_open_on = GovDateField("Applications open on")
    applications_close_on = GovDateField("Applications close at the end of")
    ground_rules = TextAreaField("Ground rules", validators=[Optional(), Length(max=LONG)])
    focus_hint = StringField("Hint under \"Your area of focus\" on the application form",
                             validators=[Optional(), Length(max=300)])
    strategy_hint = StringField("Hint under the strategy question on the application form",
                                validators=[Optional(), Length(max=300)])
    erasure_deletes_answers = RadioField(
        "When a participant's data is erased, their answers to this cohort's named surveys are",
        choices=[SelectChoice("keep", "Kept without their name, so the figures stand"),
                 SelectChoice("delete", "Deleted")],
        coerce=lambda value: value if isinstance(value, str) else ("delete" if value else "keep"),
        default="keep", validators=[Optional()])  # not sent: as it was
    # The version the form was filled from, so a save over someone else's change is refused.
    version = HiddenField()

    # Service field names that this form asks for under another name.
    error_aliases = {"applications_open_at": "applications_open_on",
                     "applications_close_at": "applications_close_on"}


class NewCohortForm(CohortForm):
    """Opening a cohort. A site admin chooses its facilitators (the two fields below, shown to
    admins only); anyone else who opens one facilitates it."""

    facilitators = TextAreaField("Facilitators' email addresses", validators=[
        Optional(), Length(max=LONG, message="Enter fewer addresses")])
    facilitate_myself = BooleanField("I will facilitate this cohort too")


class PersonForm(Form):
    email = EmailField("Email address", validators=[DataRequired("Enter their email address"),
                                                    Length(max=320)])
    name = StringField("Full name", validators=[Optional(), Length(max=200)])


class StaffForm(PersonForm):
    role = GridRadioField("Role", choices=[SelectChoice("facilitator", "Co-facilitator"),
                                           SelectChoice("evaluator", "Evaluator")],
                          validators=[InputRequired("Choose a role")],
                          invalid="Choose co-facilitator or evaluator")


class InviteForm(Form):
    email = EmailField("Email address", validators=[DataRequired("Enter the person's email address"),
                                                    Length(max=320)])
    name = StringField("Full name", validators=[Optional(), Length(max=200)])
    organisation = StringField("Organisation", validators=[Optional(), Length(max=200)])
    job_title = StringField("Job title", validators=[Optional(), Length(max=200)])
    cohort = ChoiceField("Cohort", invalid="Choose a cohort from the list, or No cohort")
    role = ChoiceField(
        "Role in the cohort",
        choices=[SelectChoice("participant", "Participant"),
                 SelectChoice("facilitator", "Facilitator"), SelectChoice("evaluator", "Evaluator")],
        invalid="Choose participant, facilitator or evaluator",
    )
    is_admin = BooleanField("Site administrator")


class WorkingOnForm(Form):
    working_on = TextAreaField("What I am working on", validators=[
        Optional(), Length(max=500, message="Keep it to 500 characters or fewer")])


class AuditFilterForm(SpanOfDays, Form):
    """The audit log's filter: a GET form, so a filtered view is a link to share."""

    class Meta:
        csrf = False

    person = StringField("Person or object", validators=[Optional(), Length(
        max=200, message="Keep the name, address or object to 200 characters or fewer")])
    action = ChoiceField("Action", choices=[], default="",
                         invalid="Choose an action from the list")
    cohort = ChoiceField("Cohort", choices=[], default="", invalid="Choose a cohort from the list")
    since = GovDateField("From")
    until = GovDateField("To")


class SuggestionsForm(Form):
    """A member's part of the settings page: whether others are told to talk to them."""

    suggest_me = BooleanField("Suggest me to other members as someone to talk to")


class ImportForm(Form):
    """A CSV file of people to invite into a cohort: the first step, which only previews."""

    cohort = SelectField("Cohort", coerce=str, validate_choice=False)
    role = SelectField("Their role in the cohort", choices=[
        SelectChoice("participant", "Participant"), SelectChoice("facilitator", "Facilitator"),
        SelectChoice("evaluator", "Evaluator")], validate_choice=False)
    file = FileField("CSV file")


class ImportConfirmForm(Form):
    """The preview's confirmation: the same file's text and choices, read again on confirming."""

    cohort = HiddenField()
    role = HiddenField()
    content = HiddenField()
    filename = HiddenField()
