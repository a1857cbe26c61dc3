"""The cohort module's part of the home page: a site administrator opens cohorts and invites
facilitators and participants from here; and, among the people to talk to, the members whose area of focus is
the same as the person's or close to it (the member list shows everyone's to every member)."""

import re

from flask import url_for

from cohort.accounts.permissions import is_admin
from cohort.core.cards import FAIR, WEAK, Card, Reason

# Words that say nothing of what a place works on (every area in a wellbeing cohort has
# "wellbeing"), and words that mean the same in the areas people write.
COMMON_WORDS = frozenset({
    "and", "the", "for", "with", "from", "into", "our", "their", "all", "its", "new", "local",
    "wellbeing", "well", "being", "strategy", "strategies", "policy", "policies", "programme",
    "programmes", "plan", "plans", "framework", "approach", "making", "council"})
SAME_WORDS = {"employee": "staff", "employees": "staff", "workforce": "staff",
              "workplace": "work", "working": "work"}


def cards(user) -> list[Card]:
    if not is_admin(user):
        return []
    return [Card(title="Cohorts",
                 text="Open a new cohort and choose its facilitators. Every cohort, with its "
                      "facilitators, members and places, is under Cohorts.",
                 link_text="Open a new cohort", href=url_for("cohorts.new_cohort")),
            Card(title="Invitations",
                 text="Bring a facilitator or a participant into Cohort with a sign-in link, "
                      "or many people into a cohort from a CSV file.",
                 link_text="Invite a facilitator or participant",
                 href=url_for("cohorts.invite"))]


def _words(area: str) -> set[str]:
    return {SAME_WORDS.get(word, word) for word in re.findall(r"[^\W\d_]+", area.casefold())
            if len(word) > 2 and word not in COMMON_WORDS}


def _plain(area: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", area.casefold()))


def reasons(_user, memberships: list, others: list) -> list[Reason]:
    """The others whose area of focus is the person's own in that cohort (FAIR), or shares a
    telling word with it (WEAK). No query."""
    mine = {m.cohort_id: m.area_of_focus for m in memberships if m.area_of_focus}
    found = []
    for other in others:
        area = mine.get(other.cohort_id)
        if area is None or not other.area_of_focus:
            continue
        if _plain(area) == _plain(other.area_of_focus):
            found.append(Reason(other.id, f"Shares your area of focus: {other.area_of_focus}",
                                FAIR))
        elif _words(area) & _words(other.area_of_focus):
            found.append(Reason(other.id, f"Their area of focus, {other.area_of_focus}, is close "
                                          "to yours", WEAK))
    return found
