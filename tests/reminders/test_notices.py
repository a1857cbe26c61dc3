"""A session added, moved or cancelled: each member who may see it gets one message with the
calendar update (the same UID, a higher SEQUENCE), and whoever made the change gets none."""

from dataclasses import replace
from datetime import timedelta

from cohort.core.database import commit
from cohort.core.timeutil import utcnow
from cohort.programme import services as programme
from cohort.programme.services import SessionData

from .conftest import by_recipient, calendar_of, text_of


def _schedule(group, **fields):
    session = programme.add_session(group.facilitator.user, group.cohort, "Workshop 2",
                                    kind="workshop", starts_at=utcnow() + timedelta(days=20),
                                    duration_minutes=150, **fields)
    commit()
    return session


def test_members_hear_of_a_new_session_with_its_calendar_entry(group, outbox):
    session = _schedule(group)
    mail = by_recipient(outbox)
    assert sorted(mail) == ["nia@example.org", "pat@example.org"]  # not the facilitator
    message = mail["pat@example.org"]
    assert message["Subject"] == "New session: Workshop 2 (Data maturity 2026)"
    assert "Workshop 2 (workshop, 2 hours 30 minutes) is scheduled for" in text_of(message)
    assert f"/settings#cohort-{group.cohort.id}-reminders" in text_of(message)
    assert "open it to add the session to your calendar" in text_of(message)
    entry = calendar_of(message)
    assert f"UID:{session.uid}" in entry


def test_a_new_sessions_calendar_entry_asks_for_no_reply(group, outbox):
    """Published, with no organiser or attendee: a calendar program offers no accept or
    decline, which would go to the no-reply address."""
    _schedule(group)
    message = by_recipient(outbox)["pat@example.org"]
    entry = calendar_of(message)
    assert "METHOD:PUBLISH" in entry
    assert "ORGANIZER" not in entry and "ATTENDEE" not in entry and "RSVP" not in entry
    (part,) = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "PUBLISH"


def test_a_session_open_to_colleagues_is_announced_to_them(group, outbox):
    _schedule(group, audience="members_and_colleagues")
    assert "cal@example.org" in by_recipient(outbox)


def test_a_moved_session_updates_the_same_calendar_event(group, outbox):
    session = _schedule(group)
    outbox.clear()
    session = programme.get_session(group.cohort, session.id)
    data = SessionData(title=session.title, kind=session.kind, starts_at=session.starts_at,
                       duration_minutes=session.duration_minutes)
    programme.update_session(group.facilitator.user, session,
                             replace(data, starts_at=session.starts_at + timedelta(days=1)))
    commit()
    message = by_recipient(outbox)["nia@example.org"]
    assert message["Subject"] == "Workshop 2 has moved (Data maturity 2026)"
    assert "open it to move the session in your calendar" in text_of(message)
    entry = calendar_of(message)
    assert f"UID:{session.uid}" in entry and "SEQUENCE:1" in entry
    assert "METHOD:PUBLISH" in entry and "ORGANIZER" not in entry


def test_a_retitled_session_that_keeps_its_time_sends_nothing(group, outbox):
    session = _schedule(group)
    outbox.clear()
    session = programme.get_session(group.cohort, session.id)
    programme.update_session(group.facilitator.user, session, SessionData(
        title="Workshop 2: data quality", kind=session.kind, starts_at=session.starts_at,
        duration_minutes=session.duration_minutes))
    commit()
    assert outbox == []


def test_a_cancelled_session_is_removed_from_calendars(group, outbox):
    session = _schedule(group)
    outbox.clear()
    programme.cancel_session(group.facilitator.user, session)
    commit()
    message = by_recipient(outbox)["pat@example.org"]
    assert message["Subject"] == "Workshop 2 is cancelled (Data maturity 2026)"
    entry = calendar_of(message)
    assert "METHOD:CANCEL" in entry and "STATUS:CANCELLED" in entry
    assert f"UID:{session.uid}" in entry and "SEQUENCE:1" in entry
    # RFC 5546: a CANCEL names its organiser and the attendee removed; no reply is asked.
    assert "ORGANIZER" in entry and "ATTENDEE:mailto:pat@example.org" in entry
    assert "RSVP" not in entry
    assert "open it to remove the session from your calendar" in text_of(message)
