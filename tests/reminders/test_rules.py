"""What a facilitator schedules: defaults every session receives, reminders that follow their
session when it moves and go when it is cancelled, and settings refused with a reason."""

from dataclasses import replace
from datetime import UTC, time, timedelta

import pytest
from sqlalchemy import select

from cohort.core.database import commit
from cohort.core.timeutil import to_local, utcnow
from cohort.extensions import db
from cohort.programme import services as programme
from cohort.programme.services import SessionData
from cohort.reminders import services
from cohort.reminders.models import Reminder
from cohort.reminders.services import ReminderData, ReminderError

from .conftest import after_next_clock_change, days_from, fresh, remind


def _session_reminders(session) -> list[Reminder]:
    db.session.rollback()
    return list(db.session.execute(select(Reminder).where(
        Reminder.session_id == session.id).order_by(Reminder.offset_minutes)).scalars())


def _data_of(session, **changes) -> SessionData:
    return replace(SessionData(title=session.title, kind=session.kind,
                               starts_at=session.starts_at,
                               duration_minutes=session.duration_minutes), **changes)


def test_a_default_reaches_sessions_to_come_and_sessions_scheduled_later(group, make_session):
    past = make_session(group.cohort, "Intro", starts_in=timedelta(days=-3))
    coming = make_session(group.cohort, "Workshop 1", starts_in=timedelta(days=10))
    remind(group, offset_minutes=-7 * 24 * 60)
    remind(group, offset_minutes=-24 * 60, essential=True)
    later = make_session(group.cohort, "Workshop 2", starts_in=timedelta(days=40))

    assert _session_reminders(past) == []  # a session already held needs no reminder
    for session in (coming, later):
        copies = _session_reminders(session)
        assert [c.offset_minutes for c in copies] == [-7 * 24 * 60, -24 * 60]
        assert [c.due_at for c in copies] == [days_from(session.starts_at, -7),
                                              days_from(session.starts_at, -1)]
        assert [c.essential for c in copies] == [False, True]
        assert all(c.default_id is not None and not c.is_default for c in copies)


def test_a_cancelled_default_is_not_given_to_new_sessions(group, make_session):
    default = remind(group)
    services.cancel_reminder(group.facilitator.user, fresh(default))
    commit()
    session = make_session(group.cohort, "Workshop 3")
    assert _session_reminders(session) == []


def test_a_moved_session_takes_its_waiting_reminders_with_it(group, make_session):
    session = make_session(group.cohort, "Workshop 1", starts_in=timedelta(days=10))
    before = remind(group, session_id=session.id, offset_minutes=-24 * 60)
    after = remind(group, session_id=session.id, anchor="session_end", offset_minutes=60,
                   body="Hello ((name)).")
    new_start = session.starts_at + timedelta(days=3, hours=2)
    session = programme.get_session(group.cohort, session.id)
    programme.update_session(None, session, _data_of(session, starts_at=new_start,
                                                     duration_minutes=180))
    commit()
    assert fresh(before).due_at == days_from(new_start, -1)
    assert fresh(after).due_at == new_start + timedelta(minutes=180 + 60)


def test_a_cancelled_session_cancels_its_waiting_reminders(group, make_session):
    session = make_session(group.cohort, "Workshop 1")
    reminder = remind(group, session_id=session.id)
    programme.cancel_session(None, session)
    commit()
    assert fresh(reminder).status == "cancelled"


def test_a_reminder_cannot_be_added_to_a_cancelled_session(group, make_session):
    session = make_session(group.cohort, "Workshop 1")
    programme.cancel_session(None, session)
    commit()
    with pytest.raises(ReminderError, match="That session is cancelled"):
        remind(group, session_id=session.id)


@pytest.mark.parametrize(("anchor", "offset", "starts_in"), [
    ("session_start", -24 * 60, timedelta(days=-56)),  # the day before a session of October
    ("session_end", 0, timedelta(days=-56)),  # when it ended
    ("session_start", -24 * 60, timedelta(minutes=-5)),  # a session that has just started
    ("session_end", 60, timedelta(days=-3)),  # an hour after one three days ago: past grace
])
def test_a_reminder_that_would_not_be_sent_is_refused(group, make_session, anchor, offset,
                                                      starts_in):
    """Saved, it would be marked missed by the next sweep and reach nobody: the form says so
    instead of "The reminder is scheduled"."""
    session = make_session(group.cohort, "Workshop 1", starts_in=starts_in)
    with pytest.raises(ReminderError, match="too long ago to be sent") as refused:
        remind(group, session_id=session.id, anchor=anchor, offset_minutes=offset)
    assert refused.value.field == "session"
    db.session.rollback()
    assert _session_reminders(session) == []


@pytest.mark.parametrize(("anchor", "offset", "starts_in"), [
    ("session_start", -24 * 60, timedelta(minutes=30)),  # a day before: late, but before it
    ("session_end", 60, timedelta(hours=-3, minutes=-30)),  # an hour after: within the grace
])
def test_a_reminder_late_but_still_useful_is_saved_and_sent(group, make_session, outbox,
                                                            anchor, offset, starts_in):
    session = make_session(group.cohort, "Workshop 1", starts_in=starts_in)
    remind(group, session_id=session.id, anchor=anchor, offset_minutes=offset,
           body="Hello ((name)).")
    assert services.send_due_reminders() > 0
    commit()
    assert [r.status for r in _session_reminders(session)] == ["sent"]


@pytest.mark.parametrize(("changes", "message", "field"), [
    ({"subject": "  "}, "Enter the subject", "subject"),
    ({"body": "Hello ((nmae))"}, r"\(\(nmae\)\) is not a placeholder", "body"),
    ({"offset_minutes": -400 * 24 * 60}, "within a year", "days"),
    ({"audience": "chosen"}, "Choose at least one person", "chosen"),
    ({"audience": "chosen", "chosen": [10 ** 9]}, "people who are in this cohort", "chosen"),
    ({"anchor": "fixed"}, "Enter the date and time", "fixed_day"),
    ({"anchor": "fixed", "fixed_at": utcnow() - timedelta(hours=1)}, "in the future",
     "fixed_day"),
    ({"anchor": "moment", "moment_key": "nothing"}, "Choose the moment", "moment_key"),
])
def test_settings_that_cannot_stand_are_refused_and_nothing_is_saved(group, changes, message,
                                                                     field):
    with pytest.raises(ReminderError, match=message) as refused:
        remind(group, **changes)
    assert refused.value.field == field
    db.session.rollback()
    assert db.session.execute(select(Reminder)).first() is None


def test_a_reminder_sent_or_cancelled_cannot_change(group, make_session):
    session = make_session(group.cohort, "Workshop 1")
    reminder = remind(group, session_id=session.id)
    services.cancel_reminder(None, fresh(reminder))
    commit()
    with pytest.raises(ReminderError, match="cannot change"):
        services.update_reminder(None, fresh(reminder), ReminderData(
            anchor="session_start", session_id=session.id, subject="S", body="B"))


def test_a_default_stays_a_default(group, make_session):
    session = make_session(group.cohort, "Workshop 1")
    default = remind(group)
    with pytest.raises(ReminderError, match="stays one"):
        services.update_reminder(None, fresh(default), ReminderData(
            anchor="session_start", session_id=session.id, subject="S", body="B"))


def test_how_a_reminder_is_described(group):
    assert services.describe_when(remind(group, offset_minutes=-(7 * 24 + 2) * 60)) == \
        "7 days and 2 hours before the session starts"
    assert services.describe_when(remind(group, anchor="session_end", offset_minutes=60,
                                         body="Hello ((name)).")) == \
        "1 hour after the session ends"
    assert services.describe_when(remind(group, offset_minutes=0)) == "when the session starts"


def test_a_reminder_days_before_keeps_the_clock_time_when_the_clocks_change(group):
    """Issue 19 item 22: a reminder 7 days before a 10:00 session went at 11:00 (or 9:00)."""
    starts = after_next_clock_change("Europe/London", 3, time(10))
    session = programme.add_session(None, group.cohort, "Workshop 1", kind="workshop",
                                    starts_at=starts.astimezone(UTC), duration_minutes=120)
    commit()
    week = remind(group, session_id=session.id, offset_minutes=-7 * 24 * 60)
    hours = remind(group, session_id=session.id, offset_minutes=-(7 * 24 + 2) * 60)
    local = [to_local(fresh(r).due_at, "Europe/London") for r in (week, hours)]
    assert [(at.date(), f"{at:%H:%M}") for at in local] == [
        (starts.date() - timedelta(days=7), "10:00"), (starts.date() - timedelta(days=7), "08:00")]
