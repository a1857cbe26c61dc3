"""Reminders' part of a person's data: the reminders delivered to them (or skipped, and why),
the reminders chosen for them by name, the cohorts whose optional reminders they turned off,
and the reminders they wrote as a facilitator (see core/personal.py)."""

from sqlalchemy import delete, select

from cohort.cohorts.models import Cohort, Membership
from cohort.core.models import MailMessage
from cohort.core.personal import purged, when
from cohort.extensions import db
from cohort.reminders.models import Delivery, Reminder, ReminderOptOut, ReminderRecipient

COVERS = (Reminder, ReminderRecipient, Delivery, ReminderOptOut)


def _memberships(user):
    return select(Membership.id).where(Membership.user_id == user.id)


def export(user) -> dict:
    deliveries = db.session.execute(
        select(Delivery, Reminder.subject, Cohort.title, MailMessage.status, MailMessage.sent_at)
        .join(Reminder, Reminder.id == Delivery.reminder_id)
        .join(Cohort, Cohort.id == Reminder.cohort_id)
        .outerjoin(MailMessage, MailMessage.id == Delivery.message_id)
        .where(Delivery.membership_id.in_(_memberships(user)))
        .order_by(Delivery.created_at, Delivery.id)).all()
    chosen = db.session.execute(
        select(Reminder.subject, Cohort.title).join(
            ReminderRecipient, ReminderRecipient.reminder_id == Reminder.id)
        .join(Cohort, Cohort.id == Reminder.cohort_id)
        .where(ReminderRecipient.membership_id.in_(_memberships(user)))
        .order_by(Reminder.id)).all()
    opted_out = db.session.execute(
        select(Cohort.title, ReminderOptOut.created_at)
        .join(Membership, Membership.id == ReminderOptOut.membership_id)
        .join(Cohort, Cohort.id == Membership.cohort_id)
        .where(Membership.user_id == user.id)).all()
    written = db.session.execute(
        select(Reminder, Cohort.title).join(Cohort, Cohort.id == Reminder.cohort_id)
        .where(Reminder.created_by_id == user.id).order_by(Reminder.created_at)).all()
    return {
        "reminders_for_you": [{
            "cohort": title, "reminder": subject, "made": when(delivery.created_at),
            "outcome": "skipped" if delivery.status == "skipped" else (mail or "pending"),
            "why_skipped": delivery.reason, "sent": when(sent_at)}
            for delivery, subject, title, mail, sent_at in deliveries],
        "reminders_that_chose_you": [{"cohort": title, "reminder": subject}
                                     for subject, title in chosen],
        "optional_reminders_turned_off": [{"cohort": title, "since": when(since)}
                                          for title, since in opted_out],
        "reminders_you_wrote": [{"cohort": title, "subject": r.subject, "text": r.body,
                                 "status": r.status, "due": when(r.due_at)}
                                for r, title in written],
    }


def erase(user) -> None:
    """Their choices to turn optional reminders off go. The deliveries stay as the reminders'
    record (of a membership whose person is erased; core erases the messages' address and
    text), and so do the reminders they wrote, the cohort's."""
    db.session.execute(delete(ReminderOptOut).where(
        ReminderOptOut.membership_id.in_(_memberships(user))))
    db.session.flush()


def expire(cohort, dry_run: bool) -> dict[str, int]:
    """Who each reminder went to goes, with the copies of the messages sent (the mail log's)
    and members' choices to turn reminders off; the reminders and their tallies stay."""
    reminders = select(Reminder.id).where(Reminder.cohort_id == cohort.id)
    members = select(Membership.id).where(Membership.cohort_id == cohort.id)
    messages = select(Delivery.message_id).where(Delivery.reminder_id.in_(reminders),
                                                 Delivery.message_id.is_not(None))
    return purged({
        "reminder messages in the mail log": (MailMessage, MailMessage.id.in_(messages)),
        "reminder deliveries": (Delivery, Delivery.reminder_id.in_(reminders)),
        "people chosen for a reminder": (ReminderRecipient,
                                         ReminderRecipient.reminder_id.in_(reminders)),
        "choices to turn reminders off": (ReminderOptOut,
                                          ReminderOptOut.membership_id.in_(members))}, dry_run)
