"""Sign-in, sign-out, password reset, invitations and the admin's invite page."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from wtforms.fields.choices import SelectChoice

from cohort.accounts import permissions, services
from cohort.accounts.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    InviteForm,
    LoginForm,
    NewPasswordForm,
    PreferencesForm,
)
from cohort.accounts.services import AccountError
from cohort.core.forms import attempt, show_error
from cohort.core.mail import commit
from cohort.core.security import client_address
from cohort.enrolment.services import EnrolmentError, all_cohorts, get_cohort
from cohort.extensions import db

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site, never another host (no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _start_session(user) -> None:
    """A fresh Flask session for a new sign-in: nothing from before it survives."""
    session.clear()
    login_user(user)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            result = services.sign_in(
                form.email.data, form.password.data, client_address(),
                request.headers.get("User-Agent"),
            )
        except AccountError as error:
            commit()  # keep the failure count
            form.form_errors.append(str(error))
            return render_template("accounts/login.html", form=form), 200
        _start_session(result.user)
        commit()
        return redirect(_safe_next(request.args.get("next")) or url_for("core.home"))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        services.end_session(current_user.session_token)
        commit()
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("accounts.login"))


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            email = services.normalise_email(form.email.data)
        except AccountError as error:
            show_error(form, error)
            return render_template("accounts/forgot_password.html", form=form)
        services.request_password_reset(email)
        commit()
        return render_template("accounts/reset_sent.html", email=email)
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        row = services.check_token(token, "reset")
    except AccountError as error:
        return render_template("accounts/link_problem.html", message=str(error), purpose="reset"), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            services.redeem_token(token, "reset", form.password.data)
        except AccountError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            commit()
            flash("Your password has been changed. Sign in with your new password.", "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form, user=row.user)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    try:
        row = services.check_token(token, "invitation")
    except AccountError as error:
        return render_template("accounts/link_problem.html", message=str(error),
                               purpose="invitation"), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.redeem_token(token, "invitation", form.password.data)
            services.open_session(user, client_address(), request.headers.get("User-Agent"))
        except AccountError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            _start_session(user)
            commit()
            flash("Welcome to Cohort. Your password is set.", "success")
            return redirect(url_for("core.home"))
    return render_template("accounts/accept_invitation.html", form=form, user=row.user)


@bp.route("/account")
@login_required
def account():
    return render_template("accounts/account.html")


@bp.route("/account/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    from zoneinfo import available_timezones

    form = PreferencesForm()
    default = current_app.config["TIMEZONE"]
    form.timezone.choices = [SelectChoice("", f"The site's time zone ({default})")] + [
        SelectChoice(z, z.replace("_", " ")) for z in sorted(available_timezones())
    ]
    if request.method == "GET":
        form.timezone.data = current_user.timezone or ""
    if form.validate_on_submit():
        ok, _ = attempt(form, lambda: services.set_timezone(current_user, form.timezone.data or None))
        if ok:
            flash("Your time zone has been saved: times are now shown in it.", "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/preferences.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user, form.current_password.data, form.password.data,
                client_address(), request.headers.get("User-Agent"),
            )
        except AccountError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            user = current_user._get_current_object()
            _start_session(user)
            commit()
            flash("Your password has been changed. You have been signed out everywhere else.",
                  "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/admin/invite", methods=["GET", "POST"])
@login_required
def invite():
    if not permissions.can_invite(current_user):
        abort(403)
    form = InviteForm()
    form.cohort.choices = [SelectChoice("", "No cohort")] + [
        SelectChoice(str(c.id), c.title) for c in all_cohorts()
    ]
    if form.validate_on_submit():
        cohort = get_cohort(int(form.cohort.data)) if form.cohort.data else None
        try:
            user, created = services.invite(
                current_user, form.email.data, form.name.data, cohort=cohort,
                role=form.role.data if cohort else None,
                organisation=form.organisation.data or None, job_title=form.job_title.data or None,
            )
            if form.is_admin.data and not user.is_admin:
                services.grant_admin(current_user, user)
        except (AccountError, EnrolmentError) as error:
            db.session.rollback()
            show_error(form, error)
        else:
            commit()
            flash(f"Invitation sent to {user.email}." if created else
                  f"{user.name} already had an account and has been told by email.", "success")
            return redirect(url_for("accounts.invite"))
    return render_template("accounts/invite.html", form=form)
