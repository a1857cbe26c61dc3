"""Cohorts and memberships: opening and editing a cohort, who is in it, places and their teams.

Services take the acting user, never touch the request, and only flush.
"""

from cohort.cohorts.services.cohorts import (
    EDITABLE_FIELDS,
    cohort_by_slug,
    cohort_titles,
    cohort_with_membership,
    create_cohort,
    get_cohort,
    open_calls,
    slugify,
    told_apart,
    update_cohort,
    validate_cohort_fields,
)
from cohort.cohorts.services.errors import CohortError
from cohort.cohorts.services.members import (
    add_member,
    add_staff,
    cohort_members,
    directory,
    facilitators_of,
    invite,
    membership_of,
    memberships_for,
    organisation_named,
    people_in,
    places_and_members,
    set_suggest_me,
    staff_of,
    update_working_on,
)
from cohort.cohorts.services.places import (
    Roster,
    current_holding,
    free_places,
    hand_over,
    holder_of,
    invite_into,
    leave_place,
    places_taken,
    roster,
    start_holding,
    successor_membership,
    take_place,
    team_of,
)
from cohort.cohorts.services.retention import Expiry, due_for_expiry, expire_cohort, retention
from cohort.cohorts.services.rules import ensure_changeable

__all__ = [
    "Expiry", "due_for_expiry", "expire_cohort", "retention",
    "add_member", "add_staff", "cohort_by_slug", "cohort_titles", "cohort_members", "told_apart",
    "cohort_with_membership", "CohortError", "create_cohort", "current_holding", "directory",
    "EDITABLE_FIELDS", "ensure_changeable", "facilitators_of", "free_places", "get_cohort",
    "hand_over", "holder_of", "invite", "invite_into", "leave_place", "membership_of", "memberships_for",
    "open_calls", "organisation_named", "people_in", "places_and_members", "places_taken", "Roster", "roster",
    "set_suggest_me", "slugify", "staff_of", "start_holding", "successor_membership", "take_place", "team_of",
    "update_cohort", "update_working_on", "validate_cohort_fields",
]
