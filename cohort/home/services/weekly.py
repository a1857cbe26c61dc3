"""The weekly summary's schedule: a person's choice (off unless they turn it on; a weekday and
an hour in their own time zone) and when each week's summary falls due.

A week is the ISO week (Monday to Sunday) in the person's time zone, named "2026-W07". Its
summary is due at the chosen weekday and hour of that week and is considered once (see
summary.py): sent if there is anything to say, else not, and either way not again that week.
A summary due while no scheduler ran goes out when one next sweeps, if that is still the same
week; a week gone by is not sent late. A choice saved after this week's time has passed (a
time moved earlier mid-week, or the summary turned on after it) starts next week; a time
moved later, in a week not yet sent, is kept this week.
"""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from cohort.accounts.models import User
from cohort.core.timeutil import to_local, utcnow, zone, zone_for
from cohort.extensions import db
from cohort.home.models import MONDAY, SUNDAY, WeeklyChoice, WeeklySummary
from cohort.home.services.errors import HomeError

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DEFAULT_WEEKDAY, DEFAULT_HOUR = MONDAY, 8


def weekly_choice(user) -> WeeklyChoice | None:
    """The person's choice of the weekly summary; None when they never made one (off)."""
    return db.session.get(WeeklyChoice, user.id)


def set_weekly(user, enabled: bool, weekday: int, hour: int,
               now: datetime | None = None) -> WeeklyChoice:
    """Save the person's choice; flushes. HomeError for a weekday (0 is Monday) or an hour out
    of range. Saving what is already chosen changes nothing, not even when it was chosen."""
    if not (isinstance(weekday, int) and MONDAY <= weekday <= SUNDAY):
        raise HomeError("Choose the day of the week to get the summary on", "weekday")
    if not (isinstance(hour, int) and 0 <= hour <= 23):
        raise HomeError("Choose the time of day to get the summary at", "hour")
    now = now or utcnow()
    choice = weekly_choice(user)
    if choice is None:
        choice = WeeklyChoice(user_id=user.id, enabled=False, weekday=DEFAULT_WEEKDAY,
                              hour=DEFAULT_HOUR, changed_at=now)
        db.session.add(choice)
    if (choice.enabled, choice.weekday, choice.hour) != (bool(enabled), weekday, hour):
        choice.enabled, choice.weekday, choice.hour = bool(enabled), weekday, hour
        choice.changed_at = now
    db.session.flush()
    return choice


def stop_weekly(choice: WeeklyChoice) -> None:
    """Turn the summary off (a one-click unsubscribe); flushes."""
    if choice.enabled:
        choice.enabled = False
        choice.changed_at = utcnow()
    db.session.flush()


def hour_label(hour: int) -> str:
    """'8am', '12 noon', '12 midnight', '5pm', as GOV.UK writes times."""
    if hour == 0:
        return "12 midnight"
    if hour == 12:
        return "12 noon"
    return f"{hour % 12}{'am' if hour < 12 else 'pm'}"


def _due_in(monday: date, choice: WeeklyChoice, tz: str) -> datetime:
    """The instant of the chosen weekday and hour in the week starting `monday`, in the zone.
    As for any time worked out rather than typed (core.timeutil.shift_days), an hour the
    clocks skip lands as much later as they jump, and one that happens twice is the earlier."""
    wall = datetime.combine(monday + timedelta(days=choice.weekday), time(choice.hour))
    return wall.replace(tzinfo=zone(tz)).astimezone(UTC)


def _week_of(now: datetime, tz: str) -> tuple[str, date]:
    """The ISO week the instant falls in, in the zone: its name and its Monday."""
    local = to_local(now, tz).date()
    year, week, weekday = local.isocalendar()
    return f"{year}-W{week:02d}", local - timedelta(days=weekday - 1)


def due_this_week(choice: WeeklyChoice, tz: str, now: datetime) -> tuple[str, datetime] | None:
    """(the week's name, when its summary fell due) when the person's summary of their current
    week is due by `now`; None when it is not (off, its time not come, or chosen after it)."""
    if not choice.enabled:
        return None
    week, monday = _week_of(now, tz)
    due = _due_in(monday, choice, tz)
    if now < due or choice.changed_at > due:
        return None
    return week, due


def due_summaries(now: datetime | None = None) -> list[tuple[int, str]]:
    """(person's id, week) of each summary due by `now` and not yet considered: two queries,
    whatever the number of people."""
    now = now or utcnow()
    due: dict[int, str] = {}
    for choice, user in db.session.execute(
            select(WeeklyChoice, User).join(User, User.id == WeeklyChoice.user_id)
            .where(WeeklyChoice.enabled.is_(True), User.is_active_account.is_(True))).all():
        found = due_this_week(choice, zone_for(user), now)
        if found is not None:
            due[user.id] = found[0]
    if not due:
        return []
    done = set(db.session.execute(
        select(WeeklySummary.user_id, WeeklySummary.week)
        .where(WeeklySummary.user_id.in_(list(due)),
               WeeklySummary.week.in_(set(due.values())))).all())
    return [(user_id, week) for user_id, week in due.items() if (user_id, week) not in done]


def next_summary_at(user, now: datetime | None = None) -> datetime | None:
    """When the person's next summary falls due (it goes if there is anything to say): this
    week's time unless this week's is done or was chosen after its time had passed, else next
    week's. None while it is off."""
    choice = weekly_choice(user)
    if choice is None or not choice.enabled:
        return None
    now, tz = now or utcnow(), zone_for(user)
    week, monday = _week_of(now, tz)
    due = _due_in(monday, choice, tz)
    if choice.changed_at <= due and not db.session.execute(select(WeeklySummary.id).where(
            WeeklySummary.user_id == user.id, WeeklySummary.week == week)).first():
        return due  # to come, or being sent at the scheduler's next sweep
    return _due_in(monday + timedelta(days=7), choice, tz)
