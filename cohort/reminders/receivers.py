"""The signals reminders act on: a session's reminders and its members' notices follow the
session (programme), and each reminder's tally follows its messages in the outbox (core)."""

from cohort.core.signals import mail_status_changed
from cohort.programme import signals
from cohort.reminders.services import notices, tallies

RECEIVERS = [
    (signals.session_scheduled, notices.on_session_scheduled),
    (signals.session_changed, notices.on_session_changed),
    (signals.session_cancelled, notices.on_session_cancelled),
    (mail_status_changed, tallies.follow_the_outbox),
]
