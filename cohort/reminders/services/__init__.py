"""Reminder services: the facilitator's reminders and the defaults each session receives,
sending what is due through the outbox, a reminder's preview and test, and the notices of a
session added, moved or cancelled (received through reminders/receivers.py)."""

from cohort.reminders.services.errors import ReminderError
from cohort.reminders.services.previews import preview_of, send_test, title_of
from cohort.reminders.services.rules import (
    ReminderData,
    add_reminder,
    cancel_reminder,
    describe_when,
    preview_reminder,
    reminders_of,
    reminders_off,
    reminders_off_among,
    set_reminders_off,
    update_reminder,
)
from cohort.reminders.services.sending import (
    deliveries_of,
    reminders_due,
    resend_delivery,
    send_due_reminders,
    why_not_again,
)
from cohort.reminders.services.tallies import delivery_counts, recount

__all__ = [
    "ReminderData", "ReminderError", "add_reminder", "cancel_reminder", "deliveries_of",
    "delivery_counts", "describe_when", "preview_of", "preview_reminder",
    "recount", "reminders_due", "reminders_of", "reminders_off", "reminders_off_among",
    "resend_delivery",
    "send_due_reminders",
    "send_test", "set_reminders_off", "title_of", "update_reminder", "why_not_again",
]
