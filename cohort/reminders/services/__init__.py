"""Reminder services: the facilitator's reminders and the defaults each session receives,
sending what is due through the outbox, and the notices of a session added, moved or
cancelled."""

from cohort.reminders.services.errors import ReminderError  # noqa: F401
from cohort.reminders.services.notices import *  # noqa: F403
from cohort.reminders.services.rules import *  # noqa: F403
from cohort.reminders.services.sending import *  # noqa: F403
from cohort.reminders.services.tallies import *  # noqa: F403
