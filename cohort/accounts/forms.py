"""Account forms. Messages follow the GOV.UK pattern: say what to do, not what went wrong."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Optional


class LoginForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter your email address"),
                                                    Length(max=320)])
    password = PasswordField("Password", validators=[InputRequired("Enter your password"),
                                                     Length(max=1024)])


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter your email address"),
                                                    Length(max=320)])


class NewPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[InputRequired("Enter a new password")])
    confirm = PasswordField(
        "Confirm new password",
        validators=[InputRequired("Enter the new password again"),
                    EqualTo("password", "The passwords do not match")],
    )


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(
        "Current password", validators=[InputRequired("Enter your current password")]
    )


class InviteForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter the person's email address"),
                                                    Length(max=320)])
    name = StringField("Full name", validators=[Optional(), Length(max=200)])
    organisation = StringField("Organisation", validators=[Optional(), Length(max=200)])
    job_title = StringField("Job title", validators=[Optional(), Length(max=200)])
    cohort = SelectField("Cohort", coerce=str, validate_choice=True)
    role = SelectField(
        "Role in the cohort",
        choices=[SelectChoice("participant", "Participant"),
                 SelectChoice("facilitator", "Facilitator"), SelectChoice("evaluator", "Evaluator")],
    )
    is_admin = BooleanField("Site administrator")


class PreferencesForm(FlaskForm):
    timezone = SelectField("Show times in", coerce=str, validate_choice=True)
