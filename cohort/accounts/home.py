"""The accounts module's cards on the home page: a site administrator sees each person who
asked for their data to be erased, with the link to carry it out."""

from flask import url_for

from cohort.accounts.permissions import is_admin
from cohort.accounts.services import waiting_erasures
from cohort.core.cards import Card


def cards(user) -> list[Card]:
    if not is_admin(user):
        return []
    return [Card(title="Erasure request",
                 text=f"{person.name} ({person.email}) asked for their data to be erased.",
                 link_text=f"Erase {person.name}'s data",
                 href=url_for("accounts.erase_person", user_id=person.id))
            for person, _asked in waiting_erasures()]
