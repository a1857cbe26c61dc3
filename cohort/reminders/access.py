"""Who may reach the reminders module's routes (see cohort/core/access.py)."""

from cohort.cohorts.access import FACILITATORS, FACILITATORS_POST, MEMBERS_ONLY, in_cohort_a
from cohort.core.access import Row


def in_reminder(world) -> dict:
    return in_cohort_a(world, reminder_id=world.reminder.id)


MATRIX = {
    "reminders.index": Row(in_cohort_a, FACILITATORS),
    "reminders.new": Row(in_cohort_a, FACILITATORS),
    "reminders.edit": Row(in_reminder, FACILITATORS),
    "reminders.deliveries": Row(in_reminder, FACILITATORS),
    "reminders.cancel": Row(in_reminder, FACILITATORS_POST),
    "reminders.test": Row(in_reminder, FACILITATORS_POST),
    "reminders.resend": Row(in_reminder, FACILITATORS_POST),
    # The old settings page: members are sent on to their settings page.
    "reminders.settings": Row(in_cohort_a, {**MEMBERS_ONLY, "participant": 302,
                                            "facilitator": 302, "evaluator": 302}),
}
