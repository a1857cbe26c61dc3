"""The home's part of a person's data: their choice of the weekly summary and the weeks it was
considered for them (see core/personal.py)."""

from sqlalchemy import delete, select

from cohort.core.personal import when
from cohort.extensions import db
from cohort.home.models import WeeklyChoice, WeeklySummary
from cohort.home.services import WEEKDAYS, hour_label

COVERS = (WeeklyChoice, WeeklySummary)


def export(user) -> dict:
    choice = db.session.get(WeeklyChoice, user.id)
    weeks = db.session.execute(
        select(WeeklySummary).where(WeeklySummary.user_id == user.id)
        .order_by(WeeklySummary.week)).scalars().all()
    return {
        "weekly_summary": None if choice is None else {
            "on": choice.enabled, "day": WEEKDAYS[choice.weekday],
            "time": hour_label(choice.hour), "changed": when(choice.changed_at)},
        "weekly_summaries": [{"week": week.week, "considered": when(week.considered_at),
                              "mailed": week.mailed} for week in weeks],
    }


def erase(user) -> None:
    for table in (WeeklySummary, WeeklyChoice):
        db.session.execute(delete(table).where(table.user_id == user.id))
    db.session.flush()
