"""Sending what is due: once per person, in their own zone, with the calendar entry; never
twice, not after a crash, not with two schedulers; too late is missed, not sent."""

import logging
import threading
from datetime import UTC, datetime, time, timedelta

import pytest

from cohort.cohorts.models import Membership
from cohort.cohorts.services import hand_over, leave_place
from cohort.core.database import commit, write_intent
from cohort.core.timeutil import format_local, utcnow
from cohort.extensions import db
from cohort.reminders import moments, services
from cohort.reminders.jobs import send_reminders_job
from cohort.reminders.moments import Moment

from .conftest import (
    after_next_clock_change,
    by_recipient,
    calendar_of,
    deliveries,
    fresh,
    remind,
    text_of,
)

DAY = 24 * 60


@pytest.fixture
def soon(group, make_session, outbox):
    """A members' session starting in 12 hours, with its announcements already read."""
    session = make_session(group.cohort, "Workshop 1: data strategy",
                           starts_in=timedelta(hours=12),
                           join_url="https://meet.example.org/w1")
    outbox.clear()
    return session


def _run() -> int:
    queued = services.send_due_reminders()
    commit()
    return queued


def test_a_due_reminder_reaches_each_member_once_in_their_own_zone(group, soon, outbox):
    reminder = remind(group, session_id=soon.id, offset_minutes=-DAY)
    assert _run() == 3  # the facilitator and two participants; not the team member
    assert _run() == 0
    assert send_reminders_job() == 0
    mail = by_recipient(outbox)
    assert sorted(mail) == ["fay@example.org", "nia@example.org", "pat@example.org"]
    in_london = format_local(soon.starts_at, "Europe/London")
    in_new_york = format_local(soon.starts_at, "America/New_York")
    assert mail["pat@example.org"]["Subject"] == \
        f"Reminder: Workshop 1: data strategy on {in_london}"
    assert mail["nia@example.org"]["Subject"] == \
        f"Reminder: Workshop 1: data strategy on {in_new_york}"
    assert "Hello Nia York, join at https://meet.example.org/w1." in text_of(
        mail["nia@example.org"])
    assert fresh(reminder).status == "sent"
    assert len(deliveries()) == 3


def test_the_reminder_carries_the_sessions_calendar_entry(group, soon, outbox):
    remind(group, session_id=soon.id, offset_minutes=-DAY)
    _run()
    entry = calendar_of(by_recipient(outbox)["pat@example.org"])
    assert "METHOD:PUBLISH" in entry  # to add to a calendar; not an invitation to answer
    assert f"UID:{soon.uid}" in entry and "DTSTART:" in entry
    assert "ATTENDEE" not in entry


def test_a_session_open_to_colleagues_reminds_them_too(group, make_session, outbox):
    session = make_session(group.cohort, "Open session", starts_in=timedelta(hours=2),
                           audience="members_and_colleagues")
    outbox.clear()
    remind(group, session_id=session.id, offset_minutes=-DAY, audience="colleagues")
    _run()
    assert list(by_recipient(outbox)) == ["cal@example.org"]


def test_a_reminder_whose_session_has_started_is_missed_not_sent(group, make_session, outbox):
    session = make_session(group.cohort, "Workshop 1", starts_in=timedelta(days=2))
    reminder = remind(group, session_id=session.id, offset_minutes=-DAY)
    outbox.clear()
    # Nothing ran from a day before the session until an hour after it started.
    assert services.send_due_reminders(now=session.starts_at + timedelta(hours=1)) == 0
    commit()
    assert outbox == []
    assert fresh(reminder).status == "missed"
    assert deliveries() == []


@pytest.mark.parametrize(("late_by", "sent"), [(timedelta(minutes=-1), True),
                                             (timedelta(minutes=1), False)])
def test_a_follow_up_is_sent_late_within_the_grace_but_not_after(app, group, make_session,
                                                                 outbox, late_by, sent):
    session = make_session(group.cohort, "Workshop 1", starts_in=timedelta(days=2))
    follow_up = remind(group, session_id=session.id, anchor="session_end", offset_minutes=60,
                       subject="Slides for ((session))", body="Hello ((name)).")
    outbox.clear()
    now = session.ends_at + timedelta(minutes=60) + app.config["REMINDER_GRACE"] + late_by
    services.send_due_reminders(now=now)
    commit()
    assert fresh(follow_up).status == ("sent" if sent else "missed")
    assert len(outbox) == (3 if sent else 0)


def test_optional_reminders_can_be_turned_off_essential_ones_still_arrive(group, soon, outbox):
    services.set_reminders_off(group.pat, True)
    commit()
    optional = remind(group, session_id=soon.id, offset_minutes=-DAY, subject="Optional")
    essential = remind(group, session_id=soon.id, offset_minutes=-DAY, subject="Essential",
                       essential=True)
    _run()
    subjects = sorted((m["To"], m["Subject"]) for m in outbox)
    assert ("pat@example.org", "Optional") not in subjects
    assert ("pat@example.org", "Essential") in subjects
    skipped = [d for d in deliveries() if d.status == "skipped"]
    assert [(d.reminder_id, d.membership_id, d.reason) for d in skipped] == [
        (optional.id, group.pat.id, "turned optional reminders off")]
    nia = {m["Subject"]: m for m in outbox if m["To"] == "nia@example.org"}
    assert "/unsubscribe/" in nia["Optional"]["List-Unsubscribe"]
    assert nia["Optional"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert nia["Essential"]["List-Unsubscribe"] is None
    assert f"/settings#cohort-{group.cohort.id}-reminders" in text_of(nia["Essential"])
    assert essential.id in {d.reminder_id for d in deliveries()}


def test_someone_chosen_who_has_since_left_is_skipped_with_the_reason(group, soon, outbox):
    remind(group, session_id=soon.id, offset_minutes=-DAY, audience="chosen",
           chosen=[group.pat.id, group.ny.id])
    leave_place(group.facilitator.user, db.session.get(Membership, group.pat.id))
    commit()
    outbox.clear()
    _run()
    assert list(by_recipient(outbox)) == ["nia@example.org"]
    assert {d.membership_id: d.reason for d in deliveries()} == {
        group.pat.id: "has left the cohort", group.ny.id: None}


def test_a_fixed_time_reminder_goes_when_its_time_comes(group, outbox):
    at = utcnow() + timedelta(days=3)
    reminder = remind(group, anchor="fixed", fixed_at=at, offset_minutes=0,
                      subject="Your action plan", body="Hello ((name)), please update it.")
    assert services.send_due_reminders(now=at - timedelta(minutes=1)) == 0
    assert services.send_due_reminders(now=at + timedelta(minutes=5)) == 4
    commit()
    assert fresh(reminder).status == "sent"
    assert {m["Subject"] for m in outbox} == {"Your action plan"}
    assert all(not list(m.iter_attachments()) for m in outbox)


def test_a_crash_part_way_loses_nothing_and_sends_nothing_twice(group, soon, outbox,
                                                                monkeypatch, caplog):
    reminder = remind(group, session_id=soon.id, offset_minutes=-DAY)
    from cohort.reminders.services import sending

    real, calls = sending.send_mail, []

    def dies_on_the_second(*args, **kwargs):
        calls.append(args[0])
        if len(calls) == 2:
            raise RuntimeError("the worker was stopped")
        return real(*args, **kwargs)

    monkeypatch.setattr(sending, "send_mail", dies_on_the_second)
    with caplog.at_level(logging.ERROR, logger="cohort"):
        assert send_reminders_job() == 0  # the failure is logged, the reminder rolled back
    assert "Sending a reminder failed" in caplog.text
    assert fresh(reminder).status == "active" and deliveries() == [] and outbox == []
    monkeypatch.setattr(sending, "send_mail", real)
    assert send_reminders_job() == 3
    assert sorted(m["To"] for m in outbox) == [
        "fay@example.org", "nia@example.org", "pat@example.org"]


def test_two_schedulers_at_once_send_each_reminder_once(app, group, make_session, outbox):
    sessions = [make_session(group.cohort, f"Session {n}", starts_in=timedelta(hours=n + 1))
                for n in range(5)]
    for session in sessions:
        remind(group, session_id=session.id, offset_minutes=-DAY)
    outbox.clear()
    start, errors = threading.Barrier(2), []

    def scheduler():
        try:
            with app.app_context():
                start.wait()
                with write_intent():
                    send_reminders_job()
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(deliveries()) == 5 * 3
    pairs = [(d.reminder_id, d.membership_id) for d in deliveries()]
    assert len(set(pairs)) == len(pairs)


def test_a_module_can_offer_moments_to_remind_of(group, outbox, offer_moment):
    due = utcnow() + timedelta(hours=20)
    offered = [Moment(ref=41, at=due, recipients=[group.pat], title="Action: map your data",
                      link="https://cohort.example.org/plans/41")]

    def action_items(cohort, since, until):
        assert cohort.id == group.cohort.id
        return [m for m in offered if since <= m.at <= until]

    offer_moment("test_action_due", "an action item's due date", action_items)
    reminder = remind(group, anchor="moment", moment_key="test_action_due",
                      offset_minutes=-DAY, subject="Due soon: ((moment))",
                      body="Hello ((name)), see ((link)) by ((time)).")
    assert services.describe_when(reminder) == "1 day before an action item's due date"
    assert _run() == 1
    assert _run() == 0
    message = by_recipient(outbox)["pat@example.org"]
    assert message["Subject"] == "Due soon: Action: map your data"
    assert "see https://cohort.example.org/plans/41 by " + format_local(
        due, "Europe/London") in text_of(message)
    offered.append(Moment(ref=42, at=due, recipients=[group.pat, group.ny], title="Next"))
    assert _run() == 2
    assert fresh(reminder).status == "active"  # it keeps reminding of moments to come


def test_a_moment_kind_cannot_be_declared_twice(offer_moment):
    offer_moment("action_item_due", "another", lambda *_args: [])  # plans declares this key
    with pytest.raises(RuntimeError, match="action_item_due is declared twice"):
        moments.kinds()


def test_deliveries_are_tallied_by_state(group, soon, outbox):
    reminder = remind(group, session_id=soon.id, offset_minutes=-DAY)
    services.set_reminders_off(db.session.get(Membership, group.pat.id), True)
    commit()
    _run()
    counts = services.delivery_counts(group.cohort)[reminder.id]
    assert counts == {"pending": 0, "sent": 2, "failed": 0, "skipped": 1}


def test_someone_who_handed_their_place_over_is_skipped_with_the_reason(group, soon, outbox):
    remind(group, session_id=soon.id, offset_minutes=-DAY, audience="chosen",
           chosen=[group.pat.id])
    hand_over(group.facilitator.user, group.pat.place, "sam@example.org", "Sam Successor")
    commit()
    outbox.clear()
    _run()
    assert outbox == []
    assert [d.reason for d in deliveries()] == ["no longer holds the place: it was handed over"]


def test_the_scheduler_down_across_the_due_time_sends_once_when_started(app, group, soon,
                                                                        outbox):
    reminder = remind(group, session_id=soon.id, offset_minutes=-DAY)  # due 12 hours ago
    runner = app.test_cli_runner()
    first = runner.invoke(args=["cohort", "scheduler", "--once"])
    assert "send_reminders_job: 3" in first.output
    again = runner.invoke(args=["cohort", "scheduler", "--once"])
    assert "send_reminders_job: 0" in again.output
    assert sorted(m["To"] for m in outbox) == [
        "fay@example.org", "nia@example.org", "pat@example.org"]
    assert fresh(reminder).status == "sent"


def test_one_sweep_sends_the_reminders_it_finds_due(app, group, soon, outbox, monkeypatch):
    """issue 23 item 9: `scheduler --once` turns due reminders into mail and sends it in the
    same run, as it does where a commit does not send (every setting but the tests')."""
    monkeypatch.setitem(app.config, "MAIL_SEND_AFTER_COMMIT", False)
    remind(group, session_id=soon.id, offset_minutes=-DAY)
    result = app.test_cli_runner().invoke(args=["cohort", "scheduler", "--once"])
    assert "send_reminders_job: 3" in result.output
    assert result.output.strip().endswith("dispatch_mail_job: 3"), result.output
    assert sorted(m["To"] for m in outbox) == [
        "fay@example.org", "nia@example.org", "pat@example.org"]


def test_a_reminder_after_a_moment_goes_within_the_grace_and_not_after(app, group, outbox,
                                                                      offer_moment):
    now = utcnow()
    grace = app.config["REMINDER_GRACE"]
    offered = [Moment(ref=1, at=now - timedelta(hours=3), recipients=[group.pat], title="Fresh"),
               Moment(ref=2, at=now - grace - timedelta(hours=3), recipients=[group.pat],
                      title="Stale"),
               Moment(ref=3, at=now - timedelta(hours=1), recipients=[group.pat],
                      title="Not yet")]
    offer_moment("test_survey_closed", "a survey's closing date",
                 lambda cohort, since, until: [m for m in offered if since <= m.at <= until])
    remind(group, anchor="moment", moment_key="test_survey_closed", offset_minutes=120,
           subject="Closed: ((moment))", body="Hello ((name)).")
    assert _run() == 1
    assert [m["Subject"] for m in outbox] == ["Closed: Fresh"]


def test_a_reminder_days_before_a_moment_keeps_its_clock_time_across_a_clock_change(
        group, outbox, offer_moment):
    """Issue 19 item 22, for moments: 7 days before 10:00 is 10:00, not 9:00 or 11:00."""
    at = after_next_clock_change("Europe/London", 3, time(10))
    offered = [Moment(ref=1, at=at.astimezone(UTC), recipients=[group.pat], title="Due")]
    offer_moment("test_clock_change", "a due date",
                 lambda cohort, since, until: [m for m in offered if since <= m.at <= until])
    remind(group, anchor="moment", moment_key="test_clock_change", offset_minutes=-7 * DAY,
           subject="Due: ((moment))", body="Hello ((name)).")
    due = datetime.combine(at.date() - timedelta(days=7), time(10),
                           tzinfo=at.tzinfo).astimezone(UTC)
    assert services.send_due_reminders(now=due - timedelta(minutes=1)) == 0
    assert services.send_due_reminders(now=due + timedelta(minutes=1)) == 1
