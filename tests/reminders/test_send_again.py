"""Send again: a failed delivery goes again as it was written, so only while what it says is
still true: not once its session is cancelled, has moved, has started (for a reminder before
it) or is over; the delivery log says why instead of offering the button."""

from dataclasses import replace
from datetime import timedelta

import pytest

from cohort.core.database import commit
from cohort.extensions import db
from cohort.programme import services as programme
from cohort.programme.services import SessionData
from cohort.reminders import services
from cohort.reminders.services import sending
from tests.helpers import post_form

from .conftest import deliveries, fresh, remind

DAY = 24 * 60


@pytest.fixture
def as_facilitator(client, login, group):
    login(group.facilitator.user)
    return client


@pytest.fixture
def failed(group, make_session, outbox, refusing):
    """A reminder the day before a session three hours away, refused by Nia's mail server,
    which is back now; the announcements read."""
    session = make_session(group.cohort, "Workshop 1", starts_in=timedelta(hours=3),
                           join_url="https://meet.example.org/w1")
    reminder = remind(group, session_id=session.id, offset_minutes=-DAY)
    refusing.add("nia@example.org")
    services.send_due_reminders()
    commit()
    refusing.clear()
    outbox.clear()
    return session, reminder


def _move(session, by: timedelta) -> None:
    session = programme.get_session(session.cohort, session.id)
    programme.update_session(None, session, replace(SessionData(
        title=session.title, kind=session.kind, starts_at=session.starts_at + by,
        duration_minutes=session.duration_minutes, join_url=session.join_url)))
    commit()


def _send_again(client, group, reminder) -> str:
    nia = next(d for d in deliveries() if d.membership_id == group.ny.id)
    log = f"/cohorts/{group.cohort.id}/reminders/{reminder.id}"
    return post_form(client, f"{log}/resend", {"delivery": str(nia.id)}, page=log,
                     follow_redirects=True).get_data(as_text=True)


def _cancel(session):
    programme.cancel_session(None, session)
    commit()


@pytest.mark.parametrize(("change", "said"), [
    (_cancel, "The session was cancelled: this reminder is not sent again"),
    (lambda session: _move(session, timedelta(days=2)),
     "The session has moved since this reminder was written"),
    (lambda session: _move(session, timedelta(hours=-1)),
     "The session has moved since this reminder was written"),
], ids=["cancelled", "moved later", "moved earlier"])
def test_a_reminder_no_longer_true_is_not_sent_again(as_facilitator, group, failed, outbox,
                                                     change, said):
    session, reminder = failed
    change(session)
    outbox.clear()  # the members' notices of the change
    log = as_facilitator.get(f"/cohorts/{group.cohort.id}/reminders/{reminder.id}")
    assert said in log.get_data(as_text=True)
    assert "Send again" not in log.get_data(as_text=True)
    page = _send_again(as_facilitator, group, reminder)  # from a page opened before the change
    assert said in page and "is being sent again" not in page
    assert outbox == []


def test_a_reminder_before_a_session_that_has_started_is_not_sent_again(
        as_facilitator, group, failed, outbox, monkeypatch):
    session, reminder = failed
    later = session.starts_at + timedelta(minutes=10)
    monkeypatch.setattr(sending, "utcnow", lambda: later)
    page = _send_again(as_facilitator, group, reminder)
    assert "The session has started: this reminder, written for before it, is not sent " \
        "again" in page
    assert outbox == []


def test_a_follow_up_written_before_the_session_ended_is_not_sent_after_it(
        app, group, make_session, outbox, refusing, monkeypatch):
    """A reminder an hour into a three-hour session offers the joining link and the calendar
    entry: sent again after the session, both would be wrong."""
    session = make_session(group.cohort, "Workshop 1", starts_in=timedelta(days=2))
    reminder = remind(group, session_id=session.id, offset_minutes=60,
                      subject="Under way: ((session))", body="Hello ((name)), join now.")
    refusing.add("nia@example.org")
    services.send_due_reminders(now=session.starts_at + timedelta(minutes=61))
    commit()
    refusing.clear()
    outbox.clear()
    nia = next(d for d in deliveries() if d.membership_id == group.ny.id)
    monkeypatch.setattr(sending, "utcnow", lambda: session.ends_at + timedelta(minutes=5))
    with pytest.raises(services.ReminderError, match="The session is over"):
        services.resend_delivery(group.facilitator.user, fresh(reminder), nia.id)
    db.session.rollback()
    assert outbox == []


def test_a_reminder_still_true_is_sent_again(as_facilitator, group, failed, outbox):
    session, reminder = failed
    page = _send_again(as_facilitator, group, reminder)
    assert "The reminder to Nia York is being sent again." in page
    assert [m["To"] for m in outbox] == ["nia@example.org"]
