"""Telling participants a survey has opened: a notice each, linked to where they answer it,
once per survey however many schedulers run, one survey at a time (core/turns.py)."""

from collections.abc import Callable
from datetime import datetime
from functools import partial

from sqlalchemy import select, update

from cohort.cohorts.models import Cohort, Membership
from cohort.core.database import get
from cohort.core.notices import tell
from cohort.core.timeutil import format_local, utcnow
from cohort.evaluation.models import Survey
from cohort.evaluation.services.surveys import asked_where
from cohort.extensions import db

__all__ = ["announce_open_surveys", "announcements_due"]


def _due(now: datetime) -> tuple:
    return Survey.announced_at.is_(None), Survey.opens_at <= now, Survey.closes_at > now


def announcements_due(now: datetime | None = None) -> list[Callable[[], int]]:
    """Each survey open by `now` and not yet announced, as a piece of work: called, it claims
    the survey with a conditional update (one that another scheduler claimed first, or whose
    dates moved meanwhile, is left) and tells each participant it asks; 1 when it did, else 0.
    A thousand cohorts' surveys opening on the same day are a thousand short transactions, so
    SQLite's write lock is held for one survey's notices at a time."""
    now = now or utcnow()
    return [partial(_announce, survey_id, now) for survey_id in db.session.execute(
        select(Survey.id).where(*_due(now)).order_by(Survey.id)).scalars()]


def _announce(survey_id: int, now: datetime) -> int:
    claimed = db.session.execute(update(Survey).where(Survey.id == survey_id, *_due(now))
                                 .values(announced_at=now)).rowcount
    if claimed != 1:
        return 0
    survey = get(Survey, survey_id)
    closes = format_local(survey.closes_at, get(Cohort, survey.cohort_id).timezone)
    for user_id in db.session.execute(select(Membership.user_id).where(
            *asked_where(survey), Membership.status == "active")).scalars():
        tell(user_id, "survey", f"“{survey.title}” is open: answer it by {closes}",
             cohort_id=survey.cohort_id, subject="survey", subject_id=survey.id)
    db.session.flush()
    return 1


def announce_open_surveys(now: datetime | None = None) -> int:
    """Announce every survey due (announcements_due) in the caller's transaction; returns how
    many were announced. The scheduler's job takes them a survey at a time instead."""
    return sum(piece() for piece in announcements_due(now))
