"""The signals of core that accounts acts on: the outbox asks which recipients' accounts are
deactivated, and sends them nothing."""

from cohort.accounts.services.admin import withheld_addresses
from cohort.core.signals import mail_recipients_withheld

RECEIVERS = [
    (mail_recipients_withheld, withheld_addresses),
]
