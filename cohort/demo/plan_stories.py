"""What each place rated and planned, for cohort/demo/plans.py: read from
cohort/demo/story/plans.yaml.

The 2021 cohort's items follow the report's account of each council's work ("Action: policy
making taking place" and "Interest - learning and actively exploring opportunities"); the
levels the councils agreed and the dates are invented, in keeping with that account. The
running cohort's are invented.

Levels are given per hallmark in the framework's order (1, 2, 3a, 3b, 4, 5, 6) as digits:
0 for not yet at assuring, 1 assuring, 2 optimising, 3 maximising.
"""

from dataclasses import dataclass
from datetime import date

from cohort.demo.steps import story


@dataclass(frozen=True)
class Item:
    """An action: `hallmarks` are keys separated by spaces; `owner` indexes the people on the
    place (0 is its holder). `update` is the progress note that moved it to `status`, written on
    `update_on` (days after `added` in the running cohort)."""

    title: str
    hallmarks: str
    added: date | int
    due: date | int
    status: str = "not_started"
    update: str | None = None
    update_on: date | int | None = None
    evidence: str | None = None
    owner: int = 0


@dataclass(frozen=True)
class Story:
    holder: str  # the email of the place's holder
    start: str
    end: str | None
    items: tuple[Item, ...]
    shared: bool = True  # the plan in outline shown to the cohort's other members


def _stories(rows: list[dict]) -> tuple[Story, ...]:
    return tuple(Story(**{**row, "items": tuple(Item(**item) for item in row.get("items", ()))})
                 for row in rows)


_STORY = story("plans")
REFERENCE_STORIES = _stories(_STORY["reference"])
# The running cohort: added and due in days from today. participant01 has only a draft; one
# item is overdue (due five days ago) and one blocked.
RUNNING_STORIES = _stories(_STORY["running"])
