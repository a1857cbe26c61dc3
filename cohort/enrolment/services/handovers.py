"""Handover proposals: a holder proposes a successor, a facilitator approves (the place is
handed over) or declines."""

from sqlalchemy import bindparam, delete, select
from sqlalchemy.exc import IntegrityError

from cohort.accounts.services import AccountError, normalise_email
from cohort.cohorts.models import Cohort, Membership, Place
from cohort.cohorts.services import (
    CohortError,
    ensure_changeable,
    facilitators_of,
    hand_over,
    holder_of,
    leave_place,
    successor_membership,
)
from cohort.core.database import prepared
from cohort.core.mail import send_mail
from cohort.core.timeutil import utcnow
from cohort.enrolment.models import HandoverRequest
from cohort.enrolment.services.errors import EnrolmentError
from cohort.extensions import db

__all__ = ["request_handover", "decide_handover", "pending_handovers", "leave"]


def _email(typed: str) -> str:
    try:
        return normalise_email(typed)
    except AccountError as error:
        raise EnrolmentError(str(error), "email") from error


def request_handover(acting, place: Place, email: str, name: str | None, note: str | None):
    """A holder proposes a successor; the facilitators are asked to approve. One pending
    proposal per place (the partial unique index holds it against a double submit). The
    successor's name is asked for always, so the facilitator can invite someone new."""
    ensure_changeable(place.cohort)
    email = _email(email)
    if not (name or "").strip():
        raise EnrolmentError("Enter the name of the person who will take your place", "name")
    pending = db.session.execute(
        select(HandoverRequest.id).where(HandoverRequest.place_id == place.id,
                                         HandoverRequest.status == "pending")
    ).first()
    already = EnrolmentError("You have already proposed a successor: wait for the facilitator")
    if pending is not None:
        raise already
    cohort = db.session.get(Cohort, place.cohort_id)
    # Refuse now a proposal the facilitator could never approve.
    try:
        successor_membership(cohort, place, holder_of(place), email)
    except CohortError as error:
        raise EnrolmentError(str(error), error.field) from error
    request = HandoverRequest(place_id=place.id, requested_by_id=acting.id, successor_email=email,
                              successor_name=(name or "").strip() or None, note=note)
    try:
        with db.session.begin_nested():
            db.session.add(request)
            db.session.flush()
    except IntegrityError as error:
        raise already from error
    for facilitator in facilitators_of(cohort):
        send_mail(facilitator.user.email, "emails/enrolment/handover_proposed.txt",
                  user=facilitator.user, cohort=cohort, holder=acting, successor=name or email)
    return request


def decide_handover(acting, request: HandoverRequest, approve: bool) -> Membership | None:
    """Approve (the place moves) or decline a proposal. Two facilitators deciding at once:
    the version column refuses the second (ChangedMeanwhile)."""
    ensure_changeable(request.place.cohort)
    if request.status != "pending":
        raise EnrolmentError("This handover has already been decided")
    request.status, request.decided_at = ("approved" if approve else "declined"), utcnow()
    db.session.flush()
    holder = holder_of(request.place)
    if not approve:
        # "Your place is still yours" only to one who still holds it.
        if holder is not None and holder.user_id == request.requested_by_id:
            cohort = db.session.get(Cohort, request.place.cohort_id)
            send_mail(request.requested_by.email, "emails/enrolment/handover_declined.txt",
                      user=request.requested_by, cohort=cohort)
        return None
    if holder is None or holder.user_id != request.requested_by_id:
        raise EnrolmentError(f"{request.requested_by.name} no longer holds this place: "
                             "decline this proposal")
    return hand_over(acting, request.place, request.successor_email, request.successor_name)


def pending_handovers(cohort: Cohort) -> list[HandoverRequest]:
    return list(db.session.execute(_pending(), {"cohort": cohort.id}).scalars())


@prepared
def _pending():
    return (select(HandoverRequest).join(HandoverRequest.place)
            .where(Place.cohort_id == bindparam("cohort"), HandoverRequest.status == "pending")
            .order_by(HandoverRequest.id))


def leave(acting, membership: Membership, how: str) -> Place | None:
    """The member leaves the cohort (cohorts' leave_place: withdrew, or removed by a
    facilitator). A successor they proposed for their place goes with them: the proposal
    could never be approved, and nobody is asked to decide it or told it was declined."""
    if membership.place_id is not None:
        db.session.execute(delete(HandoverRequest).where(
            HandoverRequest.place_id == membership.place_id,
            HandoverRequest.requested_by_id == membership.user_id,
            HandoverRequest.status == "pending"))
    return leave_place(acting, membership, how)
