"""A reminder for every session whose time has already passed when a session receives it ("in a
week" for a session tomorrow) would say something untrue: that session's copy is marked missed
at once, never sent; so is a waiting reminder whose session moves so near that its time has
passed. The reminders page says why it was missed."""

from datetime import timedelta

from sqlalchemy import select

from cohort.core.database import commit
from cohort.extensions import db
from cohort.reminders import services
from cohort.reminders.models import Reminder
from tests.helpers import post_form

from .conftest import fresh, remind, reschedule

DAY = 24 * 60
WEEK_AWAY = {"subject": "In a week: ((session))",
             "body": "Hello ((name)), ((session)) is a week away, on ((time))."}
MISSED_AT_ONCE = "its time had already passed when it was set for this session"


def _copies(session) -> dict[int, str]:
    db.session.rollback()
    return {r.offset_minutes: r.status for r in db.session.execute(select(Reminder).where(
        Reminder.session_id == session.id)).scalars()}


def test_a_session_scheduled_for_tomorrow_is_not_told_it_is_a_week_away(group, make_session,
                                                                         outbox):
    remind(group, offset_minutes=-7 * DAY, **WEEK_AWAY)
    remind(group, offset_minutes=-2 * 60, subject="Soon: ((session))", body="Hello ((name)).")
    tomorrow = make_session(group.cohort, "Workshop 1", starts_in=timedelta(days=1))
    assert _copies(tomorrow) == {-7 * DAY: "missed", -2 * 60: "active"}
    outbox.clear()
    services.send_due_reminders()
    commit()
    assert outbox == []


def test_a_default_added_too_late_for_a_session_is_missed_there_not_sent(group, make_session,
                                                                          outbox):
    tomorrow = make_session(group.cohort, "Workshop 1", starts_in=timedelta(days=1))
    later = make_session(group.cohort, "Workshop 2", starts_in=timedelta(days=20))
    remind(group, offset_minutes=-7 * DAY, **WEEK_AWAY)
    assert _copies(tomorrow) == {-7 * DAY: "missed"}
    assert _copies(later) == {-7 * DAY: "active"}
    outbox.clear()
    services.send_due_reminders()
    commit()
    assert outbox == []


def test_a_session_moved_so_near_that_a_reminders_time_has_passed_misses_it(
        group, make_session, outbox):
    session = make_session(group.cohort, "Workshop 1", starts_in=timedelta(days=20))
    week = remind(group, session_id=session.id, offset_minutes=-7 * DAY, **WEEK_AWAY)
    reschedule(session, session.starts_at - timedelta(days=17))  # now in three days
    assert fresh(week).status == "missed"
    outbox.clear()
    services.send_due_reminders()
    commit()
    assert outbox == []
    reschedule(session, session.starts_at + timedelta(days=14))  # back to seventeen days away
    assert fresh(week).status == "active"  # its time is ahead again: it waits for it


def test_the_reminders_page_says_why_a_reminder_was_missed(client, login, group, make_session):
    remind(group, offset_minutes=-7 * DAY, **WEEK_AWAY)
    make_session(group.cohort, "Workshop 1", starts_in=timedelta(days=1))
    login(group.facilitator.user)
    page = client.get(f"/cohorts/{group.cohort.id}/reminders").get_data(as_text=True)
    assert "Missed" in page and MISSED_AT_ONCE.capitalize() in page
    (copy,) = db.session.execute(select(Reminder).where(Reminder.session_id.is_not(None))
                                 ).scalars()
    log = client.get(f"/cohorts/{group.cohort.id}/reminders/{copy.id}").get_data(as_text=True)
    assert f"Missed: {MISSED_AT_ONCE}" in log


def test_the_preview_of_a_default_too_late_for_the_next_session_says_so(client, login, group,
                                                                         make_session):
    make_session(group.cohort, "Workshop 1", starts_in=timedelta(days=1))
    login(group.facilitator.user)
    page = post_form(client, f"/cohorts/{group.cohort.id}/reminders/new", {
        "when": "before", "session": "", "days": "7", "hours": "0", "audience": "everyone",
        "action": "preview", **WEEK_AWAY}).get_data(as_text=True)
    assert "It is too late for the next session, Workshop 1: its copy will be marked " \
        "missed, not sent" in page
    assert "as soon as it is saved" not in page


def test_a_reminder_due_but_not_yet_sent_still_goes_when_the_session_only_lengthens(
        group, make_session, outbox):
    session = make_session(group.cohort, "Workshop 1", starts_in=timedelta(minutes=30))
    hour = remind(group, session_id=session.id, offset_minutes=-60,
                  subject="Soon: ((session))", body="Hello ((name)).")
    assert fresh(hour).status == "active"  # due half an hour ago; the sweep has not run yet
    reschedule(session, duration_minutes=session.duration_minutes + 60)
    assert fresh(hour).status == "active"  # its time did not move: it is not missed
    outbox.clear()
    services.send_due_reminders()
    commit()
    assert {message["Subject"] for message in outbox} == {"Soon: Workshop 1"}


def test_a_reminder_before_the_end_goes_during_the_session(group, make_session, outbox):
    """Counted from the end, a reminder falls due while the session runs: it is useful until
    the session ends, not only until it starts."""
    session = make_session(group.cohort, "Workshop 1", starts_in=timedelta(minutes=-60),
                           duration_minutes=90)  # ends in half an hour
    before_end = remind(group, session_id=session.id, anchor="session_end",
                        offset_minutes=-45, subject="Nearly done: ((session))",
                        body="Hello ((name)), rate your confidence before you go.")
    assert fresh(before_end).status == "active"  # due a quarter of an hour ago
    outbox.clear()
    services.send_due_reminders()
    commit()
    assert {message["Subject"] for message in outbox} == {"Nearly done: Workshop 1"}
    assert fresh(before_end).status == "sent"
