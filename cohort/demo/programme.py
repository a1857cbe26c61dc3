"""The programme side of the demo: overall objectives, joining links, attendance and ratings.

Attendance and ratings are given by whoever held each place when the session took place, so
a place that changed hands shows both people's records. Who came and how confident they felt
is invented (seeded, so every load gives the same figures); the report gives no such detail.
"""

import random

from sqlalchemy import select

from cohort.cohorts.models import Membership, Place, PlaceHolding
from cohort.core.timeutil import utcnow
from cohort.extensions import db
from cohort.programme.models import (
    Attendance,
    LearningObjective,
    ObjectiveRating,
    ProgrammeSession,
)
from cohort.programme.services import sessions_for, set_programme_objectives

# What the 2021 offer set out to build (the report's recruitment section), in Cohort's words.
REFERENCE_OBJECTIVES = (
    "Explain what is meant by wellbeing and how it can be defined",
    "Identify the key factors that influence wellbeing, across the life course and within groups",
    "Describe how wellbeing can be measured",
    "Place wellbeing evidence at the heart of a strategy or policy",
    "Find evidence of what works to improve wellbeing for individuals, communities and places",
)
RUNNING_OBJECTIVES = (
    "Explain the drivers of workplace wellbeing and job quality",
    "Set out a staff wellbeing strategy with clear priorities for action",
    "Choose measures that show whether the strategy improves staff wellbeing",
    "Use peers' feedback to strengthen a draft before it goes to senior leaders",
)


def build(facilitator, reference, running) -> None:
    set_programme_objectives(facilitator, reference, REFERENCE_OBJECTIVES)
    set_programme_objectives(facilitator, running, RUNNING_OBJECTIVES)
    rng = random.Random(2021)  # noqa: S311 (invented, repeatable figures)
    for session in sessions_for(running):
        session.join_url = f"https://meet.example.org/workplace-wellbeing/{session.id}"
        session.join_notes = "Join a few minutes early to check your camera and microphone."
    _records(reference, rng, rate=True)
    # In the running cohort, participant01 has not yet rated the latest workshop: the demo
    # leaves that for whoever tries it.
    _records(running, rng, rate=True, leave_unrated="participant01@example.org")
    db.session.flush()


def _holder_at(holdings: list[PlaceHolding], moment) -> int | None:
    for holding in holdings:
        if holding.started_at <= moment and (holding.ended_at is None or moment < holding.ended_at):
            return holding.user_id
    return None


def _records(cohort, rng: random.Random, rate: bool, leave_unrated: str | None = None) -> None:
    now = utcnow()
    places = db.session.execute(select(Place).where(Place.cohort_id == cohort.id)).scalars().all()
    holdings = {
        place.id: db.session.execute(
            select(PlaceHolding).where(PlaceHolding.place_id == place.id)
            .order_by(PlaceHolding.started_at)
        ).scalars().all()
        for place in places
    }
    memberships = {
        m.user_id: m for m in db.session.execute(
            select(Membership).where(Membership.cohort_id == cohort.id)
        ).scalars()
    }
    sessions = db.session.execute(
        select(ProgrammeSession).where(ProgrammeSession.cohort_id == cohort.id, ProgrammeSession.starts_at < now)
        .order_by(ProgrammeSession.starts_at)
    ).scalars().all()
    latest = sessions[-1].id if sessions else None
    for session in sessions:
        objectives = sessions_for_objectives(session)
        for place in places:
            user_id = _holder_at(holdings[place.id], session.starts_at)
            membership = memberships.get(user_id)
            if membership is None:
                continue
            status = rng.choices(("present", "apologies", "absent"), (8, 2, 1))[0]
            db.session.add(Attendance(session_id=session.id, membership_id=membership.id,
                                      status=status, recorded_at=session.ends_at))
            skip = leave_unrated and session.id == latest and membership.user.email == leave_unrated
            if rate and status == "present" and not skip:
                for objective in objectives:
                    db.session.add(ObjectiveRating(
                        objective_id=objective.id, membership_id=membership.id,
                        rating=rng.choices((2, 3, 4, 5), (1, 3, 5, 3))[0],
                        rated_at=session.ends_at))


def sessions_for_objectives(session: ProgrammeSession):
    return db.session.execute(
        select(LearningObjective).where(LearningObjective.session_id == session.id)
        .order_by(LearningObjective.position)
    ).scalars().all()
