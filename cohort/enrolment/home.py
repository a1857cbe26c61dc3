"""What needs a facilitator in enrolment, for the home page and the cohort's overview (see
core/cards.py): applications waiting for review."""

from flask import url_for
from sqlalchemy import func, select

from cohort.core.cards import NOW, Todo
from cohort.enrolment.models import Application
from cohort.extensions import db


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def todos(user, memberships: list) -> list[Todo]:
    """Applications submitted and not yet decided, in each cohort the person facilitates: one
    query for all of them."""
    run = [m.cohort_id for m in memberships if m.role == "facilitator"]
    if not run:
        return []
    waiting = db.session.execute(
        select(Application.cohort_id, func.count())
        .where(Application.cohort_id.in_(run), Application.status == "submitted")
        .group_by(Application.cohort_id)).all()
    return [Todo(cohort_id, "applications_waiting",
                 _plural(count, "application waits", "applications wait") + " for review",
                 url_for("enrolment.applications", cohort_id=cohort_id, status="submitted"),
                 count, NOW)
            for cohort_id, count in waiting]
