"""Enrolment forms."""

from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from cohort.core.forms import GovDateField, WholeNumberField
from cohort.enrolment.models import COHORT_STATUSES

LONG = 5000


class ApplicationForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired("Enter your full name"), Length(max=200)])
    email = EmailField("Email address", validators=[DataRequired("Enter your email address"),
                                                    Length(max=320)])
    organisation_name = StringField("Organisation", validators=[
        DataRequired("Enter the organisation you work for"), Length(max=200)])
    job_title = StringField("Job title", validators=[DataRequired("Enter your job title"),
                                                     Length(max=200)])
    professional_background = TextAreaField("Your professional background", validators=[
        DataRequired("Tell us about your professional background"), Length(max=LONG)])
    area_of_focus = StringField("Your area of focus", validators=[
        DataRequired("Enter your area of focus"), Length(max=200)])
    strategy = TextAreaField(
        "The strategy or policy you will prepare or refresh during the programme",
        validators=[DataRequired("Tell us which strategy or policy you will work on"),
                    Length(max=LONG)])
    motivation = TextAreaField("Why do you want to join?", validators=[
        DataRequired("Tell us why you want to join"), Length(max=LONG)])


class CohortForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired("Enter the cohort's title"), Length(max=200)])
    focus = StringField("Focus", validators=[Optional(), Length(max=200)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=LONG)])
    status = SelectField("Status", choices=[SelectChoice(s, s.capitalize()) for s in COHORT_STATUSES])
    starts_on = GovDateField("Start date")
    ends_on = GovDateField("End date")
    capacity = WholeNumberField("Places", not_a_number="Enter the number of places as a whole number, like 12", validators=[
        InputRequired("Enter the number of places"),
        NumberRange(min=1, max=500, message="Enter a number of places from 1 to 500")])
    applications_open_on = GovDateField("Applications open on")
    applications_close_on = GovDateField("Applications close at the end of")
    ground_rules = TextAreaField("Ground rules", validators=[Optional(), Length(max=LONG)])
    # The version the form was filled from, so a save over someone else's change is refused.
    version = HiddenField()


class DecisionForm(FlaskForm):
    decision = RadioField("Decision", choices=[
        SelectChoice("accept", "Accept: offer a place and send an invitation"),
        SelectChoice("waitlist", "Put on the waitlist"),
        SelectChoice("decline", "Decline"),
    ], validators=[InputRequired("Choose a decision")])
    message = TextAreaField("Message to the applicant (optional)",
                            validators=[Optional(), Length(max=LONG)])


class PersonForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter their email address"),
                                                    Length(max=320)])
    name = StringField("Full name", validators=[Optional(), Length(max=200)])


class StaffForm(PersonForm):
    role = RadioField("Role", choices=[SelectChoice("facilitator", "Co-facilitator"),
                                       SelectChoice("evaluator", "Evaluator")],
                      validators=[InputRequired("Choose a role")])


class HandoverForm(PersonForm):
    note = TextAreaField("Note for the facilitator (optional)", validators=[Optional(), Length(max=LONG)])


class WorkingOnForm(FlaskForm):
    working_on = TextAreaField("What I am working on", validators=[
        Optional(), Length(max=500, message="Keep it to 500 characters or fewer")])


class ConfirmForm(FlaskForm):
    """A button-only form: its CSRF token is the whole point."""
