"""Scheduled work of the enrolment module: keep applicants' answers no longer than promised."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from cohort.cohorts.models import Cohort
from cohort.core.database import commit
from cohort.core.timeutil import utcnow
from cohort.enrolment.models import Application, ApplicationSubmission, TeamInvitation
from cohort.extensions import db


def purge_applications_job() -> int:
    """Delete applications that led to no place once their cohort ended more than
    APPLICATION_RETENTION_DAYS ago, and answers or team invitations never confirmed once their
    link has expired; returns rows removed."""
    now = utcnow()
    ended_before = now.date() - timedelta(days=current_app.config["APPLICATION_RETENTION_DAYS"])
    removed = db.session.execute(
        delete(Application).where(
            Application.status != "accepted",
            Application.cohort_id.in_(select(Cohort.id).where(Cohort.ends_on < ended_before)))
        .execution_options(synchronize_session=False)
    ).rowcount
    removed += db.session.execute(
        delete(ApplicationSubmission).where(ApplicationSubmission.expires_at < now)
        .execution_options(synchronize_session=False)
    ).rowcount
    removed += db.session.execute(
        delete(TeamInvitation).where(TeamInvitation.expires_at < now)
        .execution_options(synchronize_session=False)
    ).rowcount
    commit()
    return removed


JOBS = (purge_applications_job,)
