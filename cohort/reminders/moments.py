"""The words modules above this one offer moments in: an action item's due date, a survey's
closing date. A module declares its kinds of moment in its moments.py (`MOMENTS = [MomentKind,
...]`, read by cohort/modules.py; this file declares none); a facilitator can then schedule a
reminder relative to every moment of that kind (before or after it), and it goes to the people
the moment names (the item's owner, or the people on its place when the owner has left it; the
survey's non-responders)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from cohort import modules


@dataclass(frozen=True)
class Moment:
    ref: int  # which one, e.g. the action item's id: one delivery per recipient per moment
    at: datetime  # when it happens (UTC)
    recipients: list = field(default_factory=list)  # the Memberships that should hear of it
    title: str = ""  # what happens, for ((moment)) in the text
    link: str | None = None  # where to see it, for ((link))
    # True: once anyone has had the reminder of this moment, it goes to nobody else (an item
    # whose owner leaves after being reminded is not reminded of again, to the place's people).
    once: bool = False
    # A mail template (emails/<module>/...) said under the facilitator's text, for what this
    # moment needs said that the text cannot know; it reads `details` as moment.details.
    notice: str | None = None
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class MomentKind:
    key: str
    label: str  # "an action item's due date"
    # moments(cohort, since, until): the cohort's moments that happen in that window
    moments: Callable


def kinds() -> dict[str, MomentKind]:
    """Every kind of moment the modules declare, by key."""
    return modules.moments()
