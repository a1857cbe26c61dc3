"""The moments plans offers to reminders: an action item's due date, to its owner (or, when the
owner has left the place, to the people on it now)."""

from cohort.plans.services.moments import ITEM_DUE, due_items
from cohort.reminders.moments import MomentKind

MOMENTS = [MomentKind(
    ITEM_DUE,
    "an action item's due date (to its owner, or its place's people if the owner has left)",
    due_items)]
