"""Programme services: sessions of a cohort."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from cohort.core.timeutil import utcnow
from cohort.extensions import db
from cohort.programme.models import LearningObjective, Session


def add_session(acting, cohort, title: str, kind: str, starts_at, duration_minutes: int,
                timezone: str = "Europe/London", topics: list[str] | None = None,
                objectives: list[str] | None = None, **fields) -> Session:
    """Schedule a session with its topics and learning objectives in order."""
    session = Session(
        cohort_id=cohort.id, title=title, kind=kind, starts_at=starts_at,
        duration_minutes=duration_minutes, timezone=timezone,
        topics="\n".join(topics or []), **fields,
    )
    session.objectives = [
        LearningObjective(position=i, text=text) for i, text in enumerate(objectives or [], 1)
    ]
    db.session.add(session)
    db.session.flush()
    return session


def sessions_for(cohort) -> list[Session]:
    """Every session of the cohort in time order, objectives loaded in one more query."""
    return list(
        db.session.execute(
            select(Session)
            .where(Session.cohort_id == cohort.id)
            .order_by(Session.starts_at, Session.id)
            .options(selectinload(Session.objectives))
        ).scalars()
    )


def next_sessions(cohort_ids: list[int]) -> dict[int, Session]:
    """The next scheduled session of each cohort, in one query."""
    if not cohort_ids:
        return {}
    rows = db.session.execute(
        select(Session)
        .where(
            Session.cohort_id.in_(cohort_ids),
            Session.status == "scheduled",
            Session.starts_at >= utcnow(),
        )
        .order_by(Session.starts_at)
    ).scalars()
    upcoming: dict[int, Session] = {}
    for session in rows:
        upcoming.setdefault(session.cohort_id, session)
    return upcoming
