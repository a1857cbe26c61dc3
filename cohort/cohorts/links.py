"""The links the cohort module offers on other modules' pages: on the site admin's page about a
person (accounts), each cohort the person is or was in, with their role there."""

from flask import url_for

from cohort.accounts.permissions import is_admin
from cohort.cohorts.services.admin import cohort_memberships_of


def person_memberships(person, viewer) -> list[tuple[str, str]]:
    """[(“Cohort A: participant”, its overview)] for a site admin; nothing for anyone else."""
    if not is_admin(viewer):
        return []
    links = []
    for membership in cohort_memberships_of(person):
        state = {"left": ", left", "declined": ", declined"}.get(membership.status, "")
        if membership.status == "active" and not membership.approved:
            state = ", waiting for the facilitator's approval"
        archived = " (archived)" if membership.cohort.archived_at else ""
        links.append((f"{membership.cohort.title}{archived}: "
                      f"{membership.role_label.lower()}{state}",
                      url_for("home.cohort", cohort_id=membership.cohort_id)))
    return links


LINKS = [
    ("person", person_memberships),
]
