"""What needs a facilitator in reminders, for the home page and the cohort's overview (see
core/cards.py): deliveries the mail server refused, and the reminders about to go out."""

from datetime import timedelta

from flask import url_for
from sqlalchemy import and_, bindparam, case, func, select

from cohort.core.cards import LATER, NOW, Todo
from cohort.core.database import prepared
from cohort.core.timeutil import utcnow
from cohort.extensions import db
from cohort.reminders.models import Reminder

SOON_DAYS = 7  # reminders going out within this many days are listed


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


@prepared
def _failed_and_soon():
    going_out = and_(Reminder.status == "active", Reminder.is_default.is_(False),
                     Reminder.due_at >= bindparam("now"), Reminder.due_at < bindparam("until"))
    return (select(Reminder.cohort_id, func.sum(Reminder.failed_count),
                   func.sum(case((going_out, 1), else_=0)))
            .where(Reminder.cohort_id.in_(bindparam("cohorts", expanding=True)))
            .group_by(Reminder.cohort_id))


def todos(user, memberships: list) -> list[Todo]:
    """In each cohort the person facilitates, the deliveries that failed (from each reminder's
    tally, reminders/services/tallies.py) and the reminders due in the next days: one query
    for all of them."""
    run = [m.cohort_id for m in memberships if m.role == "facilitator"]
    if not run:
        return []
    now = utcnow()
    rows = db.session.execute(_failed_and_soon(), {
        "cohorts": run, "now": now, "until": now + timedelta(days=SOON_DAYS)}).all()
    found = []
    for cohort_id, failed, soon in rows:
        page = url_for("reminders.index", cohort_id=cohort_id)
        if failed:
            found.append(Todo(
                cohort_id, "reminder_deliveries_failed",
                _plural(failed, "reminder could not be delivered",
                        "reminders could not be delivered"), page, failed, NOW))
        if soon:
            found.append(Todo(
                cohort_id, "reminders_going_out",
                _plural(soon, "reminder goes out", "reminders go out")
                + f" in the next {SOON_DAYS} days", page, soon, LATER))
    return found
