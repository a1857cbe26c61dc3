"""The running cohort's reminders: the defaults each session receives (a week and a day
before it, and a follow-up the day after asking for actions and slides). Those whose time has
passed were sent then, each with its delivery log; the mail server refused one delivery."""

from datetime import timedelta

from sqlalchemy import select

from cohort.cohorts.models import Membership
from cohort.core.models import MailMessage
from cohort.core.timeutil import utcnow
from cohort.extensions import db
from cohort.reminders.models import Delivery, Reminder
from cohort.reminders.services import ReminderData, add_reminder, recount, send_due_reminders

DAY = 24 * 60
DEFAULTS = (
    ReminderData(
        anchor="session_start", offset_minutes=-7 * DAY,
        subject="In a week: ((session))",
        body="Hello ((name)),\n\n((session)) is a week away, on ((time)).\n\n"
             "If you have a draft you would like feedback on, share it on the board "
             "beforehand so others can read it.\n\nDetails and materials: ((session link))"),
    ReminderData(
        anchor="session_start", offset_minutes=-DAY, essential=True,
        subject="Tomorrow: ((session))",
        body="Hello ((name)),\n\n((session)) is tomorrow, ((time)).\n\n"
             "Join: ((join link))\nDetails and materials: ((session link))"),
    ReminderData(
        anchor="session_end", offset_minutes=DAY, audience="participants",
        subject="After ((session)): your actions and the slides",
        body="Hello ((name)),\n\nThank you for taking part in ((session)).\n\n"
             "The slides are on the session page: ((session link))\n\n"
             "Please add the actions you agreed to your action plan this week."),
)
REFUSED = ("550 5.1.1 <{email}>: Recipient address rejected: User unknown in virtual "
           "mailbox table")


def add_defaults(facilitator, cohort) -> None:
    """Before the programme is scheduled, so every session receives them."""
    for data in DEFAULTS:
        add_reminder(facilitator, cohort, data).created_at = cohort.created_at


def send_past(cohort) -> None:
    """Send each reminder whose time has passed, as the scheduler did then. The people are
    invented, so no message leaves: each counts as delivered a minute later, except the last
    reminder's to one participant, which the server refused. The story's programme was
    scheduled before any of its reminders fell due, so those that scheduling it today marks
    missed at once (their time had passed) were waiting then."""
    now = utcnow()
    due = db.session.execute(select(Reminder).where(
        Reminder.cohort_id == cohort.id, Reminder.is_default.is_(False),
        (Reminder.status == "active")
        | ((Reminder.status == "missed") & Reminder.sent_at.is_(None)),
        Reminder.due_at <= now).order_by(Reminder.due_at)).scalars().all()
    for reminder in due:
        reminder.status = "active"
    db.session.flush()
    for reminder in due:
        send_due_reminders(now=reminder.due_at + timedelta(minutes=1))
    rows = db.session.execute(
        select(Delivery, MailMessage, Reminder.sent_at)
        .join(Reminder, Reminder.id == Delivery.reminder_id)
        .outerjoin(MailMessage, MailMessage.id == Delivery.message_id)
        .where(Reminder.cohort_id == cohort.id).order_by(Reminder.sent_at, Delivery.id)).all()
    for delivery, message, sent_at in rows:
        delivery.created_at = sent_at
        if message is not None:
            message.created_at, message.attempts = sent_at, 1
            message.status, message.sent_at = "sent", sent_at + timedelta(minutes=1)
    refused = _last_to_an_invented_participant(rows)
    if refused is not None:
        refused.status, refused.sent_at = "failed", None
        refused.error = REFUSED.format(email=refused.recipient)
    db.session.flush()
    recount(cohort)  # the outcomes above were written straight onto the messages


def _last_to_an_invented_participant(rows) -> MailMessage | None:
    for delivery, message, _sent_at in reversed(rows):
        member = db.session.get(Membership, delivery.membership_id)
        if message is not None and member.role == "participant" and \
                not message.recipient.startswith("participant"):
            return message
    return None
