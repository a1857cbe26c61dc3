"""Account forms. Messages follow the GOV.UK pattern: say what to do, not what went wrong."""

from wtforms import EmailField, PasswordField, SelectField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length

from cohort.core.forms import Form


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
    timezone = SelectField("Show times in", coerce=str, validate_choice=True)


class EraseForm(Form):
    """A site administrator confirms an erasure by typing the person's address."""

    email = EmailField("Type their email address to confirm", validators=[
        DataRequired("Type the person's email address to confirm"), Length(max=320)])
