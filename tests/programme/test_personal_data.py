"""The programme's part of a person's data (programme/personal_data.py): a finished cohort's
attendance and confidence ratings go when its retention period has passed; its sessions and
their objectives stay, and another cohort's records are not touched. (The download and the
erasure of a person's records: tests/test_modules.py.)"""

from datetime import timedelta

from sqlalchemy import func, select

from cohort.core.database import commit
from cohort.core.timeutil import utcnow
from cohort.extensions import db
from cohort.programme import personal_data as part
from cohort.programme.models import (
    Attendance,
    LearningObjective,
    ObjectiveRating,
    ProgrammeSession,
)


def _came_and_rated(session, memberships) -> None:
    objective = LearningObjective(session_id=session.id, position=1, text="Publish a dataset")
    db.session.add(objective)
    db.session.flush()
    for membership in memberships:
        db.session.add(Attendance(session_id=session.id, membership_id=membership.id,
                                  status="present", recorded_at=utcnow()))
        db.session.add(ObjectiveRating(objective_id=objective.id, membership_id=membership.id,
                                       rating=4, rated_at=utcnow()))
    commit()


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_finished_cohorts_attendance_and_ratings_go_and_its_sessions_stay(
        programme, make_session, make_holder, make_cohort):
    session = make_session(programme.cohort, "Open data", starts_in=-timedelta(days=2))
    _came_and_rated(session, [programme.participant_membership, programme.other_membership])
    elsewhere = make_holder(make_cohort("Elsewhere"))
    _came_and_rated(make_session(elsewhere.cohort, starts_in=-timedelta(days=2)), [elsewhere])
    expected = {"attendance records": 2, "confidence ratings": 2}
    assert part.expire(programme.cohort, dry_run=True) == expected
    assert _count(Attendance) == 3
    assert part.expire(programme.cohort, dry_run=False) == expected
    commit()
    assert _count(Attendance) == _count(ObjectiveRating) == 1
    assert db.session.get(ProgrammeSession, session.id) is not None
    assert _count(LearningObjective) == 2
    assert part.expire(programme.cohort, dry_run=True) == dict.fromkeys(expected, 0)
