"""Enrolment's part of a person's data: their applications (and answers not yet confirmed),
the decisions they took on others' as a facilitator, handovers of a place they proposed or were
proposed for, and invitations to a place's team (see core/personal.py)."""

from sqlalchemy import delete, or_, select

from cohort.cohorts.models import Cohort, Place
from cohort.core.personal import ERASED, purged, when
from cohort.enrolment.models import (
    APPLICATION_STATUSES,
    Application,
    ApplicationSubmission,
    HandoverRequest,
    TeamInvitation,
)
from cohort.extensions import db

COVERS = (Application, ApplicationSubmission, TeamInvitation, HandoverRequest)
ANSWERS = ("name", "organisation_name", "job_title", "professional_background",
           "area_of_focus", "strategy", "motivation")


def _answers(row) -> dict:
    return {field: getattr(row, field) for field in ANSWERS}


def export(user) -> dict:
    email = user.email
    applications = db.session.execute(
        select(Application, Cohort.title).join(Cohort, Cohort.id == Application.cohort_id)
        .where(Application.email == email).order_by(Application.created_at)).all()
    unconfirmed = db.session.execute(
        select(ApplicationSubmission, Cohort.title)
        .join(Cohort, Cohort.id == ApplicationSubmission.cohort_id)
        .where(ApplicationSubmission.email == email)
        .order_by(ApplicationSubmission.created_at)).all()
    decided = db.session.execute(
        select(Application.status, Application.decided_at, Cohort.title)
        .join(Cohort, Cohort.id == Application.cohort_id)
        .where(Application.decided_by_id == user.id).order_by(Application.decided_at)).all()
    handovers = db.session.execute(
        select(HandoverRequest, Cohort.title).join(Place, Place.id == HandoverRequest.place_id)
        .join(Cohort, Cohort.id == Place.cohort_id)
        .where(or_(HandoverRequest.requested_by_id == user.id,
                   HandoverRequest.successor_email == email))
        .order_by(HandoverRequest.created_at)).all()
    invitations = db.session.execute(
        select(TeamInvitation, Cohort.title).join(Place, Place.id == TeamInvitation.place_id)
        .join(Cohort, Cohort.id == Place.cohort_id)
        .where(or_(TeamInvitation.invited_by_id == user.id, TeamInvitation.email == email))
        .order_by(TeamInvitation.created_at)).all()
    return {
        "applications": [{
            "cohort": title, "sent": when(a.created_at), **_answers(a),
            "status": APPLICATION_STATUSES.get(a.status, a.status),
            "waitlist_position": a.waitlist_position, "decided": when(a.decided_at),
            "decision_message": a.decision_message} for a, title in applications],
        "answers_not_confirmed": [{
            "cohort": title, "sent": when(s.created_at), "link_expires": when(s.expires_at),
            **_answers(s)} for s, title in unconfirmed],
        "decisions_you_took_on_applications": [{
            "cohort": title, "decision": APPLICATION_STATUSES.get(status, status),
            "at": when(at)} for status, at, title in decided],
        "handovers_of_a_place": [{
            "cohort": title, "proposed_by_you": h.requested_by_id == user.id,
            "successor_name": h.successor_name, "successor_email": h.successor_email,
            "note": h.note if h.requested_by_id == user.id else None, "status": h.status,
            "proposed": when(h.created_at), "decided": when(h.decided_at)}
            for h, title in handovers],
        "team_invitations": [{
            "cohort": title, "sent_by_you": i.invited_by_id == user.id, "name": i.name,
            "email": i.email, "sent": when(i.created_at), "confirmed": when(i.confirmed_at)}
            for i, title in invitations],
    }


def erase(user) -> None:
    """Delete their applications and unconfirmed answers, invitations to them, and the
    handovers still waiting that they proposed or were proposed for; on decided handovers,
    their note and, where they were the successor, their address and name go."""
    email = user.email
    for table in (Application, ApplicationSubmission, TeamInvitation):
        db.session.execute(delete(table).where(table.email == email)
                           .execution_options(synchronize_session=False))
    involved = or_(HandoverRequest.requested_by_id == user.id,
                   HandoverRequest.successor_email == email)
    db.session.execute(delete(HandoverRequest).where(involved, HandoverRequest.status == "pending")
                       .execution_options(synchronize_session=False))
    for request in db.session.execute(select(HandoverRequest).where(involved)).scalars():
        if request.requested_by_id == user.id:
            request.note = None
        if request.successor_email == email:
            request.successor_email, request.successor_name = ERASED, None
    db.session.flush()


def expire(cohort, dry_run: bool) -> dict[str, int]:
    """Every application and unconfirmed answer to the cohort's call, its places' team
    invitations and handover proposals go: the decisions were made long ago, and the roster
    keeps the places."""
    places = select(Place.id).where(Place.cohort_id == cohort.id)
    found = {
        "applications": (Application, Application.cohort_id == cohort.id),
        "answers never confirmed": (ApplicationSubmission,
                                    ApplicationSubmission.cohort_id == cohort.id),
        "team invitations": (TeamInvitation, TeamInvitation.place_id.in_(places)),
        "handover proposals": (HandoverRequest, HandoverRequest.place_id.in_(places)),
    }
    return purged(found, dry_run)
