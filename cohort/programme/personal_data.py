"""The programme's part of a person's data: whether they came to each session, and the
confidence they gave on its learning objectives (see core/personal.py)."""

from sqlalchemy import delete, select

from cohort.cohorts.models import Cohort, Membership
from cohort.core.personal import purged, when
from cohort.extensions import db
from cohort.programme.models import (
    ATTENDANCE,
    Attendance,
    LearningObjective,
    ObjectiveRating,
    ProgrammeSession,
)

COVERS = (Attendance, ObjectiveRating)


def _memberships(user):
    return select(Membership.id).where(Membership.user_id == user.id)


def export(user) -> dict:
    attendance = db.session.execute(
        select(Cohort.title, ProgrammeSession.title, ProgrammeSession.starts_at, Attendance.status)
        .join(ProgrammeSession, Attendance.session_id == ProgrammeSession.id)
        .join(Cohort, ProgrammeSession.cohort_id == Cohort.id)
        .where(Attendance.membership_id.in_(_memberships(user)))
        .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)).all()
    ratings = db.session.execute(
        select(Cohort.title, ProgrammeSession.title, LearningObjective.text,
               ObjectiveRating.rating, ObjectiveRating.rated_at)
        .join(LearningObjective, ObjectiveRating.objective_id == LearningObjective.id)
        .join(ProgrammeSession, LearningObjective.session_id == ProgrammeSession.id)
        .join(Cohort, ProgrammeSession.cohort_id == Cohort.id)
        .where(ObjectiveRating.membership_id.in_(_memberships(user)))
        .order_by(ProgrammeSession.starts_at, LearningObjective.position)).all()
    return {
        "attendance": [{"cohort": cohort, "session": session, "starts_at": when(starts_at),
                        "status": ATTENDANCE[status]}
                       for cohort, session, starts_at, status in attendance],
        "confidence_ratings": [{"cohort": cohort, "session": session, "objective": objective,
                                "rating": rating, "rated_at": when(rated_at)}
                               for cohort, session, objective, rating, rated_at in ratings],
    }


def erase(user) -> None:
    """Delete their attendance records and confidence ratings: both are about them alone, and
    the cohort's figures are counted from what remains."""
    for table in (Attendance, ObjectiveRating):
        db.session.execute(delete(table).where(table.membership_id.in_(_memberships(user))))
    db.session.flush()


def expire(cohort, dry_run: bool) -> dict[str, int]:
    """Each member's attendance and confidence ratings go with their membership; the sessions,
    their objectives and materials stay."""
    sessions = select(ProgrammeSession.id).where(ProgrammeSession.cohort_id == cohort.id)
    objectives = select(LearningObjective.id).where(LearningObjective.session_id.in_(sessions))
    found = {"attendance records": (Attendance, Attendance.session_id.in_(sessions)),
             "confidence ratings": (ObjectiveRating, ObjectiveRating.objective_id.in_(objectives))}
    return purged(found, dry_run)
