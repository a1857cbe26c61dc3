"""The public call's double opt-in: answers sent through the form are kept aside and a link is
mailed to the address; only its owner's confirmation applies (or updates) an application. The
page answers the same whatever the address's history, so it tells a stranger nothing."""

import secrets

from flask import current_app
from sqlalchemy import func, select

from cohort.accounts.services import AccountError, normalise_email
from cohort.cohorts.models import Cohort
from cohort.core.audit import record
from cohort.core.mail import send_mail
from cohort.core.security import token_hash
from cohort.core.timeutil import utcnow
from cohort.enrolment.models import Application, ApplicationSubmission
from cohort.enrolment.services.applications import (
    APPLICATION_FIELDS,
    check_call_open,
    leave_waitlist,
    submit_application,
)
from cohort.enrolment.services.errors import EnrolmentError
from cohort.extensions import db

__all__ = ["request_application", "submission_by_token", "confirm_submission",
           "withdraw_application"]


def request_application(cohort: Cohort, email: str, **answers) -> str | None:
    """Keep the answers aside and mail the address a link to confirm them; return the link's
    token (for the mail only: no page shows it). Raises EnrolmentError for a closed call, an
    invalid address or a missing answer. Beyond APPLY_LIMIT_PER_EMAIL requests for one address
    in APPLY_LIMIT_WINDOW, nothing more is mailed (and None is returned)."""
    check_call_open(cohort)
    try:
        email = normalise_email(email)
    except AccountError as error:
        raise EnrolmentError(str(error), "email") from error
    missing = [name for name in APPLICATION_FIELDS if not (answers.get(name) or "").strip()]
    if missing:
        raise EnrolmentError("Answer every question", missing[0])
    config = current_app.config
    recent = db.session.execute(select(func.count(ApplicationSubmission.id)).where(
        ApplicationSubmission.cohort_id == cohort.id, ApplicationSubmission.email == email,
        ApplicationSubmission.created_at >= utcnow() - config["APPLY_LIMIT_WINDOW"],
    )).scalar_one()
    if recent >= config["APPLY_LIMIT_PER_EMAIL"]:
        return None
    token = secrets.token_urlsafe(24)
    db.session.add(ApplicationSubmission(
        cohort_id=cohort.id, email=email, token_hash=token_hash(token),
        expires_at=utcnow() + config["APPLY_CONFIRM_LIFETIME"],
        **{name: answers[name].strip() for name in APPLICATION_FIELDS}))
    db.session.flush()
    send_mail(email, "emails/enrolment/confirm_application.txt", cohort=cohort,
              name=answers["name"].strip(), token=token,
              hours=int(config["APPLY_CONFIRM_LIFETIME"].total_seconds() // 3600))
    return token


def submission_by_token(token: str) -> ApplicationSubmission | None:
    """The unexpired submission the link names, or None."""
    found = db.session.execute(select(ApplicationSubmission).where(
        ApplicationSubmission.token_hash == token_hash(token))).scalar_one_or_none()
    if found is None or found.expires_at < utcnow():
        return None
    return found


def confirm_submission(submission: ApplicationSubmission) -> tuple[Application, str, bool]:
    """Apply the confirmed answers: a new application, or the address's open one updated.
    Returns (application, status-page token, created); raises EnrolmentError when the link was
    used already, the call has closed, or the application has been decided."""
    if submission.confirmed_at is not None:
        raise EnrolmentError("This link has already been used. Your application's own page "
                             "is linked from the email we sent when you confirmed")
    applied = submit_application(  # checks that the call is still open
        submission.cohort, submission.email,
        **{name: getattr(submission, name) for name in APPLICATION_FIELDS})
    submission.confirmed_at = utcnow()
    return applied


def withdraw_application(application: Application) -> None:
    """The applicant withdraws an application still waiting for a decision."""
    if not application.is_open:
        raise EnrolmentError(
            f"Your application has already been {application.status_label.lower()}")
    application.status = "withdrawn"
    leave_waitlist(application)
    application.decided_at = utcnow()
    db.session.flush()
    record(None, "application_withdrawn", subject=application.email,
           detail=application.cohort.slug, cohort=application.cohort_id)
