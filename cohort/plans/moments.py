"""The moments plans offers to reminders: an action item's due date, to its owner."""

from cohort.plans.services.moments import ITEM_DUE, due_items
from cohort.reminders.moments import MomentKind

MOMENTS = [MomentKind(ITEM_DUE, "an action item's due date (to its owner)", due_items)]
