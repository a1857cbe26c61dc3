"""The words a module's home.py is written in (see cohort/modules.py).

The person's home page lists their cohorts, then the cards the modules offer them: each
module's `cards(user)` returns the cards for what that person may do there (a site
administrator's invitations, say), and the home module shows them without knowing the module.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Card:
    """One card on the home page: a heading, a sentence, and the link to act on it."""

    title: str
    text: str
    link_text: str | None = None
    href: str | None = None
