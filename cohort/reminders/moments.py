"""The hook other modules offer moments through: an action item's due date, a survey's closing
date. A module above this one registers a kind of moment once, at import; a facilitator can then
schedule a reminder relative to every moment of that kind (before or after it), and it goes to
the people the moment names (the item's owner, the survey's non-responders)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Moment:
    ref: int  # which one, e.g. the action item's id: one delivery per recipient per moment
    at: datetime  # when it happens (UTC)
    recipients: list = field(default_factory=list)  # the Memberships that should hear of it
    title: str = ""  # what happens, for ((moment)) in the text
    link: str | None = None  # where to see it, for ((link))


@dataclass(frozen=True)
class MomentKind:
    key: str
    label: str  # "an action item's due date"
    # moments(cohort, since, until): the cohort's moments that happen in that window
    moments: Callable


_KINDS: dict[str, MomentKind] = {}


def register(key: str, label: str, moments: Callable) -> None:
    """Offer a kind of moment to reminders; a key registered twice is an error."""
    if key in _KINDS and _KINDS[key].moments is not moments:
        raise RuntimeError(f"the moment {key} is registered twice")
    _KINDS[key] = MomentKind(key, label, moments)


def unregister(key: str) -> None:
    _KINDS.pop(key, None)


def kinds() -> dict[str, MomentKind]:
    return dict(_KINDS)
