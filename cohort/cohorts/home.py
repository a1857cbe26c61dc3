"""The cohort module's cards on the home page: a site administrator invites facilitators and
participants from here."""

from flask import url_for

from cohort.accounts.permissions import is_admin
from cohort.core.cards import Card


def cards(user) -> list[Card]:
    if not is_admin(user):
        return []
    return [Card(title="Invitations",
                 text="Bring a facilitator or a participant into Cohort with a sign-in link.",
                 link_text="Invite a facilitator or participant",
                 href=url_for("cohorts.invite"))]
