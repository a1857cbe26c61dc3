"""A session moved later after its reminders went: each one whose time for the new date is
still ahead is scheduled again for it, once, with the same settings; the one already sent
stays in the log."""

from datetime import timedelta

from sqlalchemy import select

from cohort.core.database import commit
from cohort.core.timeutil import format_local, utcnow
from cohort.extensions import db
from cohort.reminders import services
from cohort.reminders.models import Reminder
from cohort.reminders.services.sending import _send_reminder as send_listed_reminder
from tests.helpers import post_form

from .conftest import by_recipient, days_from, deliveries, fresh, remind, reschedule

DAY = 24 * 60


def _reminders(session) -> list[Reminder]:
    db.session.rollback()
    return list(db.session.execute(select(Reminder).where(
        Reminder.session_id == session.id).order_by(Reminder.id)).scalars())


def test_the_day_before_reminder_goes_again_for_the_new_date(group, make_session, outbox):
    session = make_session(group.cohort, "Workshop 1", starts_in=timedelta(hours=12))
    tomorrow = remind(group, session_id=session.id, offset_minutes=-DAY, essential=True,
                      audience="chosen", chosen=[group.pat.id, group.ny.id],
                      subject="Tomorrow: ((session))", body="Hello ((name)), ((time)).")
    services.send_due_reminders()
    commit()
    new_start = session.starts_at + timedelta(days=7)
    reschedule(session, new_start)

    sent, again = _reminders(session)
    assert (sent.id, sent.status) == (tomorrow.id, "sent")  # still in the log
    assert again.status == "active" and again.due_at == days_from(new_start, -1)
    assert (again.subject, again.body, again.audience, again.essential) == (
        sent.subject, sent.body, sent.audience, sent.essential)
    assert sorted(c.membership_id for c in again.chosen) == sorted([group.pat.id, group.ny.id])

    outbox.clear()
    assert services.send_due_reminders(now=again.due_at + timedelta(minutes=1)) == 2
    commit()
    message = by_recipient(outbox)["pat@example.org"]
    assert message["Subject"] == "Tomorrow: Workshop 1"
    assert format_local(new_start, "Europe/London") in message.get_body(("plain",)).get_content()
    assert len([d for d in deliveries() if d.reminder_id == sent.id]) == 2


def test_moving_the_session_again_adds_no_second_copy(group, make_session):
    session = make_session(group.cohort, "Workshop 1", starts_in=timedelta(hours=12))
    remind(group, session_id=session.id, offset_minutes=-DAY)
    services.send_due_reminders()
    commit()
    first = session.starts_at
    reschedule(session, first + timedelta(days=7))
    reschedule(session, first + timedelta(days=9))
    sent, again = _reminders(session)  # and no third
    assert again.status == "active" and again.due_at == days_from(first + timedelta(days=9), -1)


def test_a_reminder_whose_time_for_the_new_date_has_passed_is_not_scheduled_again(
        group, make_session):
    session = make_session(group.cohort, "Workshop 1", starts_in=timedelta(hours=12))
    remind(group, session_id=session.id, offset_minutes=-DAY)
    services.send_due_reminders()
    commit()
    reschedule(session, session.starts_at + timedelta(hours=2))  # the day before is still past
    assert [r.status for r in _reminders(session)] == ["sent"]


def test_sending_the_old_one_again_points_to_the_one_for_the_new_time(
        client, login, group, make_session, outbox, refusing):
    session = make_session(group.cohort, "Workshop 1", starts_in=timedelta(hours=12))
    reminder = remind(group, session_id=session.id, offset_minutes=-DAY)
    refusing.add("nia@example.org")
    services.send_due_reminders()
    commit()
    refusing.clear()
    reschedule(session, session.starts_at + timedelta(days=7))
    login(group.facilitator.user)
    log = f"/cohorts/{group.cohort.id}/reminders/{reminder.id}"
    nia = next(d for d in deliveries() if d.membership_id == group.ny.id)
    page = post_form(client, f"{log}/resend", {"delivery": str(nia.id)}, page=log,
                     follow_redirects=True).get_data(as_text=True)
    assert "The session has moved since this reminder was written: it is scheduled again " \
        "for the new time" in page
    assert fresh(reminder).status == "sent"


def test_a_reminder_moved_later_after_a_sweep_listed_it_is_not_sent_early(
        group, make_session, outbox):
    """A sweep lists the reminders due, then claims each: a session moved later in between
    leaves its reminder waiting for its new time, not sent at once."""
    session = make_session(group.cohort, "Workshop 1", starts_in=timedelta(days=3))
    reminder = remind(group, session_id=session.id)  # a day before: two days ahead
    outbox.clear()
    assert send_listed_reminder(reminder.id, utcnow()) == 0
    commit()
    assert fresh(reminder).status == "active" and outbox == []
