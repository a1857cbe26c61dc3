"""Who may do what with the programme."""

from cohort.accounts.permissions import role_in


def can_manage_programme(user, cohort) -> bool:
    return role_in(user, cohort) == "facilitator"


def can_rate_sessions(user, cohort) -> bool:
    return role_in(user, cohort) in ("participant", "colleague")


def can_see_facilitator_notes(user, cohort) -> bool:
    return role_in(user, cohort) == "facilitator"
