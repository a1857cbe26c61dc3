"""Reminders' part of a person's data (reminders/personal_data.py): what was delivered to them
or skipped, their choice to turn reminders off, the reminders they wrote; an erasure takes the
choice and stops what still waits for them (the tally follows); a finished cohort's deliveries
go when its retention period has passed."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cohort.core import personal_data as core_part
from cohort.core.database import commit
from cohort.core.mail import queue_mail
from cohort.core.models import MailMessage
from cohort.extensions import db
from cohort.reminders import personal_data as part
from cohort.reminders import services
from cohort.reminders.models import Delivery, Reminder, ReminderOptOut

from .conftest import remind

DAY = 24 * 60


@pytest.fixture
def reminded(group, make_session, mail_server):
    """A workshop in 3 hours and two reminders a day before it (one essential); Pat turned
    optional reminders off, and the mail server defers Nia's message, which waits."""
    session = make_session(group.cohort, "Workshop 1", starts_in=timedelta(hours=3))
    optional = remind(group, session_id=session.id, offset_minutes=-DAY)
    essential = remind(group, session_id=session.id, offset_minutes=-DAY, essential=True,
                       subject="Essential: ((session))")
    services.set_reminders_off(group.pat, True)
    commit()
    mail_server.deferred.add("nia@example.org")
    services.send_due_reminders()
    commit()
    return optional, essential


def test_her_download_holds_what_was_sent_or_skipped_and_her_choice(group, reminded):
    mine = part.export(group.pat.user)
    assert sorted((r["reminder"], r["outcome"]) for r in mine["reminders_for_you"]) == [
        ("Essential: ((session))", "sent"), ("Reminder: ((session)) on ((time))", "skipped")]
    assert [o["cohort"] for o in mine["optional_reminders_turned_off"]] == ["Data maturity 2026"]
    assert len(part.export(group.facilitator.user)["reminders_you_wrote"]) == 2


def test_her_erasure_takes_her_choice_and_her_waiting_reminders_stop(group, reminded):
    optional, _essential = reminded
    part.erase(group.pat.user)
    commit()
    assert db.session.scalar(select(func.count()).select_from(ReminderOptOut)) == 0
    assert db.session.scalar(select(func.count()).select_from(Delivery).where(
        Delivery.membership_id == group.pat.id)) == 2  # the reminders' record stays

    nia = group.ny.user
    assert db.session.get(Reminder, optional.id).tally["pending"] == 1
    core_part.erase(nia)  # core stops what still waits for her
    commit()
    db.session.expire_all()
    assert db.session.get(Reminder, optional.id).tally == {
        "pending": 0, "sent": 1, "failed": 1, "skipped": 1}
    assert db.session.scalar(select(func.count()).select_from(MailMessage).where(
        MailMessage.status == "pending")) == 0


def test_a_finished_cohorts_deliveries_go_and_its_reminders_stay(group, reminded):
    optional, _essential = reminded
    queue_mail("someone@example.org", "Not a reminder", "Hello")
    commit()
    tally = db.session.get(Reminder, optional.id).tally
    # Fay, Pat and Nia each: Pat's optional one skipped, so five messages
    expected = {"reminder messages in the mail log": 5, "reminder deliveries": 6,
                "people chosen for a reminder": 0, "choices to turn reminders off": 1}
    assert part.expire(group.cohort, dry_run=True) == expected
    assert part.expire(group.cohort, dry_run=False) == expected
    commit()
    assert db.session.scalar(select(func.count()).select_from(Delivery)) == 0
    subjects = db.session.execute(select(MailMessage.subject)).scalars().all()
    assert "Not a reminder" in subjects  # other mail is the mail log's to keep
    assert not [s for s in subjects if s.startswith(("Essential", "Reminder"))]
    assert db.session.get(Reminder, optional.id).tally == tally  # its figures stand
