"""The links home offers on other modules' pages: a member's name leads to their profile (the
board's posts), for a reader who sees profiles."""

from flask import url_for

from cohort.cohorts.models import Membership
from cohort.cohorts.permissions import can_see_profiles, listed


def profile_links(membership: Membership, user) -> list[tuple[str, str]]:
    """[(their name, their profile)] for a member in the cohort's member list (a current
    participant or team member), when the reader sees profiles; nothing otherwise."""
    if not listed(user, membership) or not can_see_profiles(user, membership.cohort):
        return []
    return [(membership.user.name, url_for("home.profile", cohort_id=membership.cohort_id,
                                           member_id=membership.id))]


LINKS = [("member", profile_links)]
