"""Account forms. Messages follow the GOV.UK pattern: say what to do, not what went wrong."""

from wtforms import EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Optional

from cohort.core.forms import ChoiceField, Form, GovDateField, SpanOfDays
from cohort.core.models import MAIL_STATUSES


class LoginForm(Form):
    email = EmailField("Email address", validators=[DataRequired("Enter your email address"),
                                                    Length(max=320)])
    password = PasswordField("Password", validators=[InputRequired("Enter your password"),
                                                     Length(max=1024)])


class ForgotPasswordForm(Form):
    email = EmailField("Email address", validators=[DataRequired("Enter your email address"),
                                                    Length(max=320)])


class NewPasswordForm(Form):
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


class PreferencesForm(Form):
    timezone = ChoiceField("Show times in", invalid="Choose a time zone from the list")


class EraseForm(Form):
    """A site administrator confirms an erasure by typing the person's address."""

    email = EmailField("Type their email address to confirm", validators=[
        DataRequired("Type the person's email address to confirm"), Length(max=320)])


class DeclineErasureForm(Form):
    """A site administrator declines a request to be erased, saying why: the person is told."""

    reason = TextAreaField("Why the request is declined", validators=[
        DataRequired("Say why the request is declined: the person is told"),
        Length(max=1000, message="Say why in 1,000 characters or fewer")])


class PeopleSearchForm(Form):
    """The site admin's search for a person: a GET form, so a search is a link to share."""

    class Meta:
        csrf = False

    q = StringField("Name or email address", validators=[Optional(), Length(
        max=200, message="Keep the name or address to 200 characters or fewer")])


class MailFilterForm(SpanOfDays, Form):
    """The mail log's filter: a GET form, so a filtered view is a link to share."""

    class Meta:
        csrf = False

    recipient = StringField("Recipient", validators=[Optional(), Length(
        max=320, message="Keep the address to 320 characters or fewer")])
    status = SelectField("Status", choices=[SelectChoice("", "Any status")] + [
        SelectChoice(status, status.capitalize()) for status in MAIL_STATUSES],
        validate_choice=False)
    since = GovDateField("From")
    until = GovDateField("To")
