"""The call for applications: applying, reviewing, the waitlist."""

import secrets

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from cohort.accounts.models import User
from cohort.accounts.services import AccountError, create_user, normalise_email, send_welcome
from cohort.cohorts.models import Cohort, Membership
from cohort.cohorts.services import (
    add_member,
    ensure_changeable,
    free_places,
    start_holding,
    take_place,
)
from cohort.core.audit import record
from cohort.core.database import prepared
from cohort.core.mail import send_mail
from cohort.core.notices import tell
from cohort.core.pages import Page, paginate
from cohort.core.security import token_hash
from cohort.core.timeutil import format_deadline, utcnow
from cohort.enrolment.models import APPLICATION_STATUSES, Application
from cohort.enrolment.services.errors import EnrolmentError
from cohort.extensions import db

__all__ = [
    "APPLICATION_FIELDS", "check_call_open", "submit_application", "application_by_token", "applications_page",
    "application_counts", "accept_application", "waitlist_application", "decline_application",
    "next_on_waitlist", "waitlist_offer", "leave_waitlist",
]

APPLICATION_FIELDS = (
    "name", "organisation_name", "job_title", "professional_background", "area_of_focus",
    "strategy", "motivation",
)


def _next_waitlist_position(cohort_id: int) -> int:
    last = db.session.execute(
        select(func.max(Application.waitlist_position)).where(Application.cohort_id == cohort_id)
    ).scalar_one()
    return (last or 0) + 1


def leave_waitlist(application: Application) -> None:
    """Take the application off the waitlist and close the queue up behind it, so each number
    on the waitlist says where its applicant stands (second, not third once the first has
    gone). The positions are moved through negatives: the unique index on (cohort, position)
    is checked row by row."""
    left, application.waitlist_position = application.waitlist_position, None
    if left is None:
        return
    db.session.flush()
    cohort = Application.cohort_id == application.cohort_id
    for where, value in ((Application.waitlist_position > left,
                          1 - Application.waitlist_position),
                         (Application.waitlist_position < 0, -Application.waitlist_position)):
        db.session.execute(update(Application).where(cohort, where).values(
            waitlist_position=value).execution_options(synchronize_session="fetch"))


def _join_waitlist(application: Application) -> None:
    """Give the application the next waitlist position. The partial unique index on (cohort,
    position) refuses a position another request took a moment ago; the next one is tried."""
    for _attempt in range(20):
        try:
            with db.session.begin_nested():
                application.status = "waitlisted"
                application.waitlist_position = _next_waitlist_position(application.cohort_id)
                db.session.flush()
            return
        except IntegrityError:
            continue
    raise EnrolmentError("Many people are joining the waitlist at once: try again in a moment")


def check_call_open(cohort: Cohort) -> None:
    """Raise EnrolmentError unless the cohort's call is taking applications now."""
    now = utcnow()
    if cohort.call_is_open(now):
        return
    if cohort.call_has_closed(now):
        closed = format_deadline(cohort.applications_close_at, cohort.timezone)
        raise EnrolmentError(f"Applications to {cohort.title} closed at {closed}")
    raise EnrolmentError(f"{cohort.title} is not taking applications now")


def submit_application(cohort: Cohort, email: str, **answers) -> tuple[Application, str, bool]:
    """Apply to a cohort's call, or update the same email's open application.

    Returns (application, status-page token, created). When every place is taken, a new
    application goes straight on the waitlist and the applicant is told so.
    """
    check_call_open(cohort)
    now = utcnow()
    try:
        email = normalise_email(email)
    except AccountError as error:
        raise EnrolmentError(str(error), "email") from error
    missing = [name for name in APPLICATION_FIELDS if not (answers.get(name) or "").strip()]
    if missing:
        raise EnrolmentError("Answer every question", missing[0])
    answers = {name: answers[name].strip() for name in APPLICATION_FIELDS}
    token = secrets.token_urlsafe(24)
    existing = db.session.execute(
        select(Application).where(Application.cohort_id == cohort.id, Application.email == email)
    ).scalar_one_or_none()
    created = existing is None
    if existing is None:
        application = Application(cohort_id=cohort.id, email=email,
                                  status_token_hash=token_hash(token), **answers)
        try:
            with db.session.begin_nested():
                db.session.add(application)
                db.session.flush()
        except IntegrityError:
            # The same form posted twice at once: the first one made the application.
            created = False
            application = db.session.execute(
                select(Application).where(Application.cohort_id == cohort.id,
                                          Application.email == email)
            ).scalar_one()
        else:
            if free_places(cohort) == 0:
                _join_waitlist(application)
    else:
        application = existing
        if not application.is_open:
            raise EnrolmentError(
                f"An application from {email} has already been {application.status_label.lower()}. "
                "Contact the facilitator if something has changed"
            )
        for name, value in answers.items():
            setattr(application, name, value)
        application.updated_at = now
        application.status_token_hash = token_hash(token)
        db.session.flush()
    send_mail(email, "emails/enrolment/application_received.txt", application=application,
              cohort=cohort, token=token, created=created)
    return application, token, created


def application_by_token(token: str) -> Application | None:
    return db.session.execute(
        select(Application).where(Application.status_token_hash == token_hash(token))
    ).scalar_one_or_none()


def applications_page(cohort: Cohort, status: str | None, query: str | None,
                      raw_page: str | None) -> Page:
    """Applications filtered by status and by a search on name or organisation."""
    statement = select(Application).where(Application.cohort_id == cohort.id)
    if status in APPLICATION_STATUSES:
        statement = statement.where(Application.status == status)
    query = (query or "").strip()
    if query:
        # autoescape: a % or _ typed into the search is looked for, not used as a wildcard
        needle = query.lower()
        statement = statement.where(or_(
            func.lower(Application.name).contains(needle, autoescape=True),
            func.lower(Application.organisation_name).contains(needle, autoescape=True)))
    statement = statement.order_by(
        Application.status != "submitted",
        Application.waitlist_position.nulls_last(),
        Application.created_at,
        Application.id,
    )
    return paginate(statement, raw_page)


def application_counts(cohort: Cohort) -> dict[str, int]:
    rows = db.session.execute(
        select(Application.status, func.count(Application.id))
        .where(Application.cohort_id == cohort.id).group_by(Application.status)
    ).all()
    return dict.fromkeys(APPLICATION_STATUSES, 0) | dict(rows)


def _decide(acting, application: Application, status: str, message: str | None) -> None:
    if not application.is_open:
        raise EnrolmentError(f"This application has already been {application.status_label.lower()}")
    application.status = status
    application.decision_message = (message or "").strip() or None
    application.decided_at = utcnow()
    application.decided_by_id = acting.id


def accept_application(acting, application: Application, message: str | None = None) -> Membership:
    """Give the applicant a place and invite them; raise EnrolmentError when the cohort is full.

    A person new to Cohort gets an invitation to set a password; one with an account simply
    gains the membership and is told by email.
    """
    cohort = application.cohort
    if cohort.status == "finished":
        raise EnrolmentError(f"{cohort.title} has finished: it takes no new participants")
    _decide(acting, application, "accepted", message)
    user = db.session.execute(select(User).where(User.email == application.email)).scalar_one_or_none()
    if user is not None:
        existing = db.session.execute(
            select(Membership).where(Membership.cohort_id == cohort.id,
                                     Membership.user_id == user.id,
                                     Membership.status == "active")
        ).scalar_one_or_none()
        if existing is not None:
            raise EnrolmentError(f"{user.name} is already in this cohort as "
                                 f"{existing.role_label.lower()}")
    place = take_place(cohort, application.organisation_name, application.area_of_focus,
                       application.strategy)
    if user is None:
        user = create_user(application.email, application.name,
                           organisation=application.organisation_name,
                           job_title=application.job_title)
    membership = add_member(acting, cohort, user, "participant", place=place,
                            organisation=application.organisation_name,
                            area_of_focus=application.area_of_focus,
                            professional_background=application.professional_background)
    start_holding(place, user, "accepted")
    application.place_id = place.id
    leave_waitlist(application)
    db.session.flush()
    send_welcome(user, "emails/enrolment/accepted.txt", cohort=cohort,
                 note=application.decision_message)
    tell(user.id, "application", f"Your application to {cohort.title} is accepted: you have a "
         "place", cohort_id=cohort.id, subject="cohort", subject_id=cohort.id)
    record(acting, "application_accepted", subject=user.email, detail=cohort.slug,
           cohort=cohort, about=user)
    return membership


def _tell_applicant(application: Application, text: str) -> None:
    """A notice for an applicant who already has an account (it belongs to no cohort they are
    in, so it links nowhere: the emailed status page holds the details)."""
    user_id = db.session.execute(select(User.id).where(
        User.email == application.email)).scalar_one_or_none()
    if user_id is not None:
        tell(user_id, "application", text)


def waitlist_application(acting, application: Application, message: str | None = None) -> None:
    ensure_changeable(application.cohort)
    if application.status == "waitlisted":
        raise EnrolmentError("This application is already on the waitlist")
    _decide(acting, application, "waitlisted", message)
    application.decided_at = None  # still open: the waitlist is not a final decision
    _join_waitlist(application)
    send_mail(application.email, "emails/enrolment/waitlisted.txt", application=application,
              note=application.decision_message)
    _tell_applicant(application, f"Your application to {application.cohort.title} is on the "
                    f"waitlist, at number {application.waitlist_position}")


def decline_application(acting, application: Application, message: str | None = None) -> None:
    ensure_changeable(application.cohort)
    _decide(acting, application, "declined", message)
    leave_waitlist(application)
    send_mail(application.email, "emails/enrolment/declined.txt", application=application,
              note=application.decision_message)
    _tell_applicant(application, f"Your application to {application.cohort.title} was not "
                    "accepted; the email sent to you says more")
    db.session.flush()
    record(acting, "application_declined", subject=application.email,
           detail=application.cohort.slug, cohort=application.cohort_id)


def next_on_waitlist(cohort: Cohort) -> Application | None:
    return db.session.execute(_next_waiting(), {"cohort": cohort.id}).scalar_one_or_none()


@prepared
def _next_waiting():
    return (select(Application)
            .where(Application.cohort_id == bindparam("cohort"),
                   Application.status == "waitlisted")
            .order_by(Application.waitlist_position, Application.id).limit(1))


def waitlist_offer(cohort: Cohort, free: int | None = None) -> Application | None:
    """The waitlisted application to offer a free place to; none when no place is free (`free`
    when the caller has counted them) or the cohort has finished."""
    if cohort.status == "finished" or (free_places(cohort) if free is None else free) == 0:
        return None
    return next_on_waitlist(cohort)
