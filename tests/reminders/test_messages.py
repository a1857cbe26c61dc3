"""What a reminder says and where: placeholders only where they can be filled in, a preview
that says when and to how many, the delivery log's title, sending a failed delivery again, a
mail that does not repeat the facilitator's text, and nothing to join once a session is over."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from cohort.core.database import commit
from cohort.core.models import AuditEvent, MailMessage
from cohort.core.timeutil import format_local, utcnow
from cohort.extensions import db
from cohort.reminders import services
from cohort.reminders.models import Reminder
from cohort.reminders.services import ReminderError
from tests.helpers import post_form

from .conftest import by_recipient, days_from, deliveries, remind, text_of

DAY = 24 * 60
JOIN = "https://meet.example.org/w1"


@pytest.fixture
def as_facilitator(client, login, group):
    login(group.facilitator.user)
    return client


@pytest.fixture
def workshop(group, make_session, outbox):
    session = make_session(group.cohort, "Workshop 1", starts_in=timedelta(days=10),
                           join_url=JOIN)
    outbox.clear()
    return session


@pytest.mark.parametrize(("changes", "named", "field"), [
    ({"anchor": "fixed", "subject": "About ((session))", "body": "Hello ((name))."},
     "((session))", "subject"),
    ({"anchor": "fixed", "subject": "Plans", "body": "At ((time)), join at ((join link))."},
     "((time))", "body"),
    ({"anchor": "session_end", "offset_minutes": 60, "body": "Join at ((join link))."},
     "((join link))", "body"),
    ({"anchor": "session_start", "body": "See ((link))."}, "((link))", "body"),
])
def test_a_placeholder_the_reminder_cannot_fill_in_is_refused_by_name(group, changes, named,
                                                                      field):
    """Issue 19 item 20: ((session)) and ((time)) went out as typed, ((join link)) empty."""
    if changes["anchor"] == "fixed":
        changes["fixed_at"] = utcnow() + timedelta(days=2)
    with pytest.raises(ReminderError, match=re.escape(f"{named} cannot be filled in")) as refused:
        remind(group, **changes)
    assert refused.value.field == field


def test_the_form_names_the_placeholder_it_refuses(as_facilitator, group):
    year = str(utcnow().year + 1)
    response = post_form(as_facilitator, f"/cohorts/{group.cohort.id}/reminders/new", {
        "when": "fixed", "fixed_day-day": "3", "fixed_day-month": "3", "fixed_day-year": year,
        "fixed_time": "09:00", "audience": "everyone", "subject": "Reminder: ((session))",
        "body": "Hello ((name)).", "action": "save"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "There is a problem" in text
    assert "((session)) cannot be filled in for a reminder at a date and time" in text


def test_the_preview_says_when_it_goes_out_and_to_how_many(as_facilitator, group, workshop):
    services.set_reminders_off(group.pat, True)
    commit()
    url = f"/cohorts/{group.cohort.id}/reminders/new"
    page = post_form(as_facilitator, url, {
        "when": "before", "session": str(workshop.id), "days": "7", "hours": "0",
        "audience": "everyone", "subject": "Soon: ((session))", "body": "Hello ((name)).",
        "action": "preview"}).get_data(as_text=True)
    when = format_local(days_from(workshop.starts_at, -7), "Europe/London")
    # The facilitator and the participant in New York; Pat turned optional reminders off and
    # the team member may not see a members' session.
    assert f"It will go out at {when} to 2 people (1 more is left out" in page
    assert "Soon: Workshop 1" in page


def test_the_delivery_log_is_titled_with_the_subject_filled_in(as_facilitator, group, workshop):
    reminder = remind(group, session_id=workshop.id)
    page = as_facilitator.get(f"/cohorts/{group.cohort.id}/reminders/{reminder.id}")
    when = format_local(workshop.starts_at, "Europe/London")
    assert f'<h1 class="govuk-heading-l">Reminder: Workshop 1 on {when}</h1>' in \
        page.get_data(as_text=True)


def test_a_failed_delivery_can_be_sent_again(as_facilitator, group, make_session, outbox,
                                             refusing):
    session = make_session(group.cohort, "Workshop 1", starts_in=timedelta(hours=3))
    reminder = remind(group, session_id=session.id, offset_minutes=-DAY)
    refusing.add("nia@example.org")
    services.send_due_reminders()
    commit()
    refusing.clear()  # the mailbox is back
    outbox.clear()
    log = f"/cohorts/{group.cohort.id}/reminders/{reminder.id}"
    assert "Send again<span class=\"govuk-visually-hidden\"> to Nia York" in \
        as_facilitator.get(log).get_data(as_text=True)
    nia = next(d for d in deliveries() if d.membership_id == group.ny.id)
    response = post_form(as_facilitator, f"{log}/resend", {"delivery": str(nia.id)}, page=log,
                         follow_redirects=True)
    assert "The reminder to Nia York is being sent again." in response.get_data(as_text=True)
    (again,) = outbox
    message = db.session.get(MailMessage, nia.message_id)
    assert again["Message-ID"] == message.message_id and again["To"] == "nia@example.org"
    assert (message.status, message.attempts) == ("sent", 2)
    assert db.session.execute(select(AuditEvent.action).where(
        AuditEvent.action == "reminder_resent")).scalar_one()
    # Only a failed delivery goes again, and only one of this reminder.
    for value, message_text in [(str(nia.id), "has not failed"), ("x", "Choose a delivery")]:
        response = post_form(as_facilitator, f"{log}/resend", {"delivery": value}, page=log,
                             follow_redirects=True)
        assert message_text in response.get_data(as_text=True)
    assert len(outbox) == 1


def test_the_mail_adds_only_what_the_text_leaves_out(group, make_session, outbox):
    soon = make_session(group.cohort, "Workshop 1", starts_in=timedelta(hours=12), join_url=JOIN)
    outbox.clear()
    remind(group, session_id=soon.id, offset_minutes=-DAY, subject="Soon: ((session))",
           body="Hello ((name)), ((session)) is on ((time)).\nJoin: ((join link))\n"
                "Details: ((session link))")
    remind(group, session_id=soon.id, offset_minutes=-DAY, subject="Short",
           body="Hello ((name)), see you there.")
    services.send_due_reminders()
    commit()
    mail = {m["Subject"]: text_of(m) for m in outbox if m["To"] == "pat@example.org"}
    full = mail["Soon: Workshop 1"]
    assert full.count(JOIN) == 1 and full.count(f"/sessions/{soon.id}") == 1
    assert "How to join" not in full and "When:" not in full
    short = mail["Short"]
    assert f"How to join: {JOIN}" in short and f"/sessions/{soon.id}" in short
    assert "When: " in short and "What: Workshop 1" in short


def test_a_reminder_after_the_session_offers_nothing_to_join(group, make_session, outbox):
    held = make_session(group.cohort, "Workshop 1", starts_in=timedelta(days=2), join_url=JOIN)
    remind(group, session_id=held.id, anchor="session_end", offset_minutes=60,
           subject="Slides for ((session))", body="Hello ((name)), see ((session link)).")
    outbox.clear()
    services.send_due_reminders(now=held.ends_at + timedelta(minutes=61))
    commit()
    message = by_recipient(outbox)["pat@example.org"]
    assert JOIN not in text_of(message) and "How to join" not in text_of(message)
    assert list(message.iter_attachments()) == []


def test_the_mail_and_the_session_page_agree_on_the_joining_link(client, login, group,
                                                                 workshop, outbox):
    """Issue 19 item 21: mail carried the link days ahead; the page hid it until an hour."""
    remind(group, session_id=workshop.id, offset_minutes=-7 * DAY)
    services.send_due_reminders(now=days_from(workshop.starts_at, -7) + timedelta(minutes=1))
    commit()
    assert JOIN in text_of(by_recipient(outbox)["pat@example.org"])
    login(group.pat.user)
    page = client.get(f"/cohorts/{group.cohort.id}/sessions/{workshop.id}")
    assert JOIN in page.get_data(as_text=True)


def test_the_preview_of_a_moment_reminder_puts_its_placeholders_in_words(as_facilitator,
                                                                         group, offer_moment):
    offer_moment("test_preview_due", "an action item's due date", lambda *_args: [])
    page = post_form(as_facilitator, f"/cohorts/{group.cohort.id}/reminders/new", {
        "when": "before_moment", "moment_key": "test_preview_due", "days": "1",
        "hours": "0", "audience": "everyone", "subject": "Due: ((moment))",
        "body": "Hello ((name)), see ((link)).", "action": "preview"}).get_data(as_text=True)
    assert "It will go out 1 day before an action item&#39;s due date, each time" in page
    assert "Due: each moment" in page and "Hello Fay Facilitator, see its page." in page


def test_a_time_the_clocks_skip_is_refused_on_its_field(as_facilitator, group):
    response = post_form(as_facilitator, f"/cohorts/{group.cohort.id}/reminders/new", {
        "when": "fixed", "fixed_day-day": "28", "fixed_day-month": "3", "fixed_day-year": "2100",
        "fixed_time": "01:30", "audience": "everyone", "subject": "Plans",
        "body": "Hello ((name)).", "action": "save"})
    text = response.get_data(as_text=True)
    assert "01:30 on 28 March 2100 does not exist in Europe/London" in text
    assert 'href="#fixed_time"' in text


@pytest.mark.parametrize("typed", ["٠٩:٣٠", "０９:３０"])
def test_a_time_in_other_digits_is_refused_on_its_field(as_facilitator, group, typed):
    """Issue: the date boxes refused Arabic-Indic and fullwidth digits; the time took them."""
    response = post_form(as_facilitator, f"/cohorts/{group.cohort.id}/reminders/new", {
        "when": "fixed", "fixed_day-day": "3", "fixed_day-month": "3",
        "fixed_day-year": str(utcnow().year + 1), "fixed_time": typed, "audience": "everyone",
        "subject": "Plans", "body": "Hello ((name)).", "action": "save"})
    text = response.get_data(as_text=True)
    assert "Enter the time with the digits 0 to 9, like 09:30" in text
    assert 'href="#fixed_time"' in text
    assert db.session.execute(select(Reminder)).first() is None
