"""Surveys' closing times, offered to reminders as moments, so a facilitator can remind
people to answer before a survey closes. A named survey's moment goes to those who have not
submitted; an anonymous survey's goes to everyone who may answer, since naming the people who
have not answered would tell who has."""

import zlib
from datetime import datetime

from sqlalchemy import select

from cohort.cohorts.models import Cohort
from cohort.core.mail import external_url
from cohort.evaluation.models import Survey
from cohort.evaluation.services.surveys import eligible, tracking
from cohort.extensions import db
from cohort.reminders.moments import Moment

__all__ = ["SURVEY_CLOSES", "closing_ref", "closing_surveys"]

SURVEY_CLOSES = "survey_closes"


def closing_ref(survey: Survey) -> int:
    """The moment's reference: the survey and its closing time, so that a survey extended to
    close later is reminded of again before its new close, and a survey given after another
    was removed (SQLite can reuse the id) is not taken for it. 31 bits, as deliveries keep it."""
    stamp = f"{survey.id}:{survey.created_at.isoformat()}:{survey.closes_at.isoformat()}"
    return zlib.crc32(stamp.encode()) & 0x7FFFFFFF


def closing_surveys(cohort: Cohort, since: datetime, until: datetime) -> list[Moment]:
    surveys = db.session.execute(select(Survey).where(
        Survey.cohort_id == cohort.id, Survey.closes_at >= since, Survey.closes_at <= until)
        .order_by(Survey.closes_at)).scalars().all()
    moments = []
    for survey in surveys:
        recipients = eligible(cohort) if survey.anonymous else tracking(survey)[2]
        if recipients:
            moments.append(Moment(
                ref=closing_ref(survey), at=survey.closes_at, recipients=recipients, title=survey.title,
                link=external_url("evaluation.answer", cohort_id=cohort.id,
                                  survey_id=survey.id)))
    return moments

