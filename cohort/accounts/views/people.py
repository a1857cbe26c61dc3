"""Sign-in, sign-out, password reset, invitations, a person's account and settings pages and
one-click unsubscribe."""

from urllib.parse import urlsplit

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from cohort import modules
from cohort.accounts import services
from cohort.accounts.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    NewPasswordForm,
)
from cohort.accounts.models import UserSession
from cohort.accounts.services import AccountError
from cohort.accounts.views import bp
from cohort.core.database import commit_bookkeeping
from cohort.core.forms import attempt, has_control_characters
from cohort.core.guard import guard, public
from cohort.core.sections import grouped
from cohort.core.security import client_address
from cohort.extensions import csrf, db, login_manager


@login_manager.user_loader
def load_user(token: str):
    """The user of the browser's server-side session, or None when it has ended."""
    user = services.load_session(token)
    if user is None:
        session.clear()
    if any(isinstance(row, UserSession) for row in (*db.session.dirty, *db.session.deleted)):
        # The idle clock moved or an expired session was removed: a page that only reads
        # never commits, so save it here.
        commit_bookkeeping()
    return user


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site, never another host (no open redirect)."""
    if not target:
        return None
    if has_control_characters(target) or "\\" in target:
        return None
    try:
        parts = urlsplit(target)
    except ValueError:  # "//[::1": a malformed address is no path of this site
        return None
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _start_session(user) -> None:
    """A fresh Flask session for a new sign-in: nothing from before it survives."""
    session.clear()
    login_user(user)


@bp.route("/login", methods=["GET", "POST"])
@public("the sign-in page")
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.home"))
    form = LoginForm()
    ok, result = attempt(form, lambda: services.sign_in(
        form.email.data, form.password.data, client_address(), request.headers.get("User-Agent")))
    if ok and result.refusal:  # the failure is counted (committed); say so on the form
        form.form_errors.append(result.refusal)
    elif ok:
        _start_session(result.user)
        return redirect(_safe_next(request.args.get("next")) or url_for("home.home"))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@public("signing out needs no session; an anonymous POST only goes to sign-in")
def logout():
    if current_user.is_authenticated:
        token = current_user.session_token
        ok, _ = attempt(None, lambda: services.end_session(token), flash_errors=True)
        if not ok:  # the database stayed busy: still signed in, and the message says why
            return redirect(url_for("home.home"))
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("accounts.login"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@public("asking for a reset link")
def forgot_password():
    form = ForgotPasswordForm()
    ok, _ = attempt(form, lambda: services.request_password_reset(form.email.data,
                                                                  client_address()))
    if ok:
        return render_template("accounts/reset_sent.html",
                               email=services.normalise_email(form.email.data))
    return render_template("accounts/forgot_password.html", form=form)


def _link_problem(token: str, purpose: str):
    """The live token row, or the page that says what is wrong with the link (410)."""
    try:
        return services.check_token(token, purpose), None
    except AccountError as error:
        return None, (render_template("accounts/link_problem.html", message=str(error),
                                      purpose=purpose), 410)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@public("the emailed reset link; the token is the credential")
def reset_password(token: str):
    row, problem = _link_problem(token, "reset")
    if problem:
        return problem
    form = NewPasswordForm()
    ok, _ = attempt(form, lambda: services.redeem_token(token, "reset", form.password.data))
    if ok:
        flash("Your password has been changed. Sign in with your new password.", "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form, user=row.user)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public("the emailed invitation link; the token is the credential")
def accept_invitation(token: str):
    row, problem = _link_problem(token, "invitation")
    if problem:
        return problem
    form = NewPasswordForm()

    def accept():
        user = services.redeem_token(token, "invitation", form.password.data)
        services.open_session(user, client_address(), request.headers.get("User-Agent"))
        return user

    ok, user = attempt(form, accept)
    if ok:
        _start_session(user)
        flash("Welcome to Cohort. Your password is set.", "success")
        return redirect(url_for("home.home"))
    return render_template("accounts/accept_invitation.html", form=form, user=row.user)


@bp.route("/account")
@guard()
def account():
    return render_template("accounts/account.html")


@bp.route("/account/preferences")
@guard()
def preferences():
    """The old time-zone page: its links (in mail, in bookmarks) land on the settings page."""
    return redirect(url_for("accounts.settings", _anchor="time-zone"))


@bp.route("/settings", methods=["GET", "POST"])
@guard()
def settings():
    """The person's settings on one page: their time zone, then each cohort's mail. Each
    section is its own form; a POST saves the one its `section` field names."""
    sections = modules.settings_sections(current_user)
    posted = None
    if request.method == "POST":
        posted = next((s for s in sections if s.key == request.form.get("section")), None)
        if posted is None:
            abort(404)  # a section the person does not have (a cohort they have left)
    forms = {s.key: s.form(**({} if s is posted else {"formdata": None})) for s in sections}
    if posted is not None:
        ok, _ = attempt(forms[posted.key], lambda: posted.save(forms[posted.key]))
        if ok:
            flash(posted.saved(forms[posted.key]), "success")
            return redirect(url_for("accounts.settings", _anchor=posted.key))
    return render_template("accounts/settings.html", groups=grouped(sections), forms=forms,
                           posted=posted)


# RFC 8058: a mail program's one-click unsubscribe posts with no session and no form, so this
# one route takes no CSRF token: the signed token is the credential, and it only turns mail off.
@csrf.exempt
@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@public("a mail's one-click unsubscribe link; the signed token is the credential, and it "
        "only turns one kind of mail off")
def unsubscribe(token: str):
    """GET asks to confirm (a link checker opening it changes nothing); POST, from the page's
    button or from a mail program, stops the kind of mail the link names in its cohort (or
    the person's own, the weekly summary)."""
    done, found = False, None
    if request.method == "POST":
        done, found = attempt(None, lambda: services.unsubscribe(token))
    if not done:
        found = services.read_unsubscribe(token)
    if found is None:
        return render_template("accounts/unsubscribe.html", found=None), 404
    mail, membership = found
    return render_template("accounts/unsubscribe.html", found=found, mail=mail,
                           cohort=membership.cohort if mail.per_cohort else None, done=done)


@bp.route("/account/password", methods=["GET", "POST"])
@guard()
def change_password():
    form = ChangePasswordForm()
    ok, _ = attempt(form, lambda: services.change_password(
        current_user, form.current_password.data, form.password.data, client_address(),
        request.headers.get("User-Agent")))
    if ok:
        _start_session(current_user._get_current_object())
        flash("Your password has been changed. You have been signed out everywhere else.",
              "success")
        return redirect(url_for("accounts.account"))
    return render_template("accounts/change_password.html", form=form)
