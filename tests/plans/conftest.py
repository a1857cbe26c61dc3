"""A running cohort with the shipped framework, a facilitator, an evaluator, and two places:
Ada's (with Ben, an approved team member) and Cy's (Cy alone)."""

from dataclasses import dataclass
from typing import Any

import pytest

from cohort.core.database import commit
from cohort.plans import services
from cohort.plans.services import ItemData


@dataclass
class Cohort:
    cohort: Any
    framework: Any
    facilitator: Any  # Membership
    evaluator: Any
    ada: Any  # the holder of the first place
    ben: Any  # Ada's team member
    cy: Any  # the holder of the second place, alone on it

    @property
    def place(self):
        return self.ada.place

    @property
    def other_place(self):
        return self.cy.place


@pytest.fixture
def group(framework, make_cohort, make_member, make_holder, make_user) -> Cohort:
    cohort = make_cohort("Data maturity 2026")
    ada = make_holder(cohort, user=make_user("ada@example.org", "Ada Lovelace"),
                      organisation="Anytown Council")
    ben = make_member(cohort, "colleague", user=make_user("ben@example.org", "Ben Byron"),
                      place=ada.place)
    cy = make_holder(cohort, user=make_user("cy@example.org", "Cy Young"),
                     organisation="Othertown Council")
    return Cohort(cohort, framework,
                  make_member(cohort, "facilitator", user=make_user("fay@example.org", "Fay")),
                  make_member(cohort, "evaluator", user=make_user("eve@example.org", "Eve")),
                  ada, ben, cy)


def all_at(framework, level: str, evidence: str = "") -> dict:
    return {h.key: (level, evidence) for h in framework.hallmarks}


def item_data(group, **changes) -> ItemData:
    fields = {"title": "Draft the wellbeing strategy", "hallmarks": ["1", "2"],
              "current_level": "not_yet", "target_level": "assuring",
              "owner_id": group.ada.user_id}
    return ItemData(**{**fields, **changes})


def add_item(group, **changes):
    item = services.add_item(group.ada.user, group.place, group.framework,
                             item_data(group, **changes))
    commit()
    return item


def open_round(group, name: str = "Start of the programme"):
    opened = services.open_round(group.facilitator.user, group.cohort, name)
    commit()
    return opened
