"""The words a module's home.py is written in (see cohort/modules.py).

The person's home page lists their cohorts, then the cards the modules offer them: each
module's `cards(user)` returns the cards for what that person may do there (a site
administrator's invitations, say), and the home module shows them without knowing the module.

Under each cohort, the home page and the cohort's overview list what needs the person there:
each module's `todos(user, memberships)` returns a `Todo` for each thing of its own that needs
acting on, for all the person's cohorts at once (a fixed number of queries however many
cohorts, members or items there are), and the home module sorts them by urgency.

People to talk to: each module's `reasons(user, memberships, others)` says why the person might
talk to some of `others` (members of the person's cohorts), each a `Reason` in words, drawn only
from what the person may see there; the home module ranks the people by them. A member's
profile: each module's `profile(user, cohort, member)` gives its parts of the page (`Part`),
only what the viewer may see of that member.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Card:
    """One card on the home page: a heading, a sentence, and the link to act on it."""

    title: str
    text: str
    link_text: str | None = None
    href: str | None = None


# How urgent a to-do is: the home module lists a cohort's to-dos in this order.
NOW, SOON, LATER = 10, 20, 30


@dataclass(frozen=True)
class Todo:
    """Something in one cohort that needs the person: a sentence saying how many and what
    ("3 applications wait for review"), and the link to where it is acted on."""

    cohort_id: int
    key: str  # a stable name of the kind of to-do, "applications_waiting"
    text: str
    href: str
    count: int | None = None
    urgency: int = SOON


# How strong a reason to talk is: the home module lists the strongest first.
STRONGEST, STRONG, FAIR, WEAK = 50, 40, 30, 20


@dataclass(frozen=True)
class Reason:
    """Why the person might talk to another member of one of their cohorts, in words ("Redcar
    and Cleveland Council also works on hallmark 3b"), and how strong a reason it is."""

    member_id: int  # the other member's membership
    text: str
    strength: int = FAIR


@dataclass(frozen=True)
class Part:
    """A module's part of a member's profile: a template of its own (under the module's
    folder) with what it shows."""

    template: str
    context: dict
