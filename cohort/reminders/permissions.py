"""How the reminders module's URL arguments load: a reminder of the URL's cohort (else 404).
Its pages are the facilitators' (cohort's `can_facilitate`); it declares no rule of its own."""

from cohort.core.guard import Loader, child
from cohort.reminders.models import Reminder

__all__: list[str] = []

LOADERS = (Loader("reminder_id", "reminder", child(Reminder, "cohort_id"), parent="cohort"),)
