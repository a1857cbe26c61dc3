"""Enrolment forms: applying, deciding an application, proposing a handover."""

from wtforms import EmailField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from cohort.cohorts.forms import PersonForm
from cohort.core.forms import Form

LONG = 5000


class ApplicationForm(Form):
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


class DecisionForm(Form):
    decision = RadioField("Decision", choices=[
        SelectChoice("accept", "Accept: offer a place and send an invitation"),
        SelectChoice("waitlist", "Put on the waitlist"),
        SelectChoice("decline", "Decline"),
    ], validators=[InputRequired("Choose a decision")])
    message = TextAreaField("Message to the applicant (optional)",
                            validators=[Optional(), Length(max=LONG)])


class HandoverForm(PersonForm):
    note = TextAreaField("Note for the facilitator (optional)", validators=[Optional(), Length(max=LONG)])


class ChoiceForm(Form):
    """Approve or decline, from a button on the roster."""

    decision = RadioField("Decision", choices=[SelectChoice("approve", "Approve"),
                                               SelectChoice("decline", "Decline")],
                          validators=[InputRequired("Choose approve or decline")])
