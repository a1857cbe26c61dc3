"""Who sees and acts on a cohort's board. The board is for the people learning together: its
participants, their team members and its facilitators. The evaluator and site admins do not
see it (unfinished work is shared there on trust); nobody sees another cohort's board."""

from cohort.cohorts.models import Cohort
from cohort.cohorts.permissions import role_in

__all__ = ["can_view_board", "can_post", "can_moderate", "can_manage_resources"]

BOARD_ROLES = ("participant", "colleague", "facilitator")


def can_view_board(user, cohort: Cohort) -> bool:
    return role_in(user, cohort) in BOARD_ROLES


def can_post(user, cohort: Cohort) -> bool:
    """Write on the board: its members, while the cohort runs (a finished one is read-only)."""
    return can_view_board(user, cohort) and not cohort.is_finished


def can_moderate(user, cohort: Cohort) -> bool:
    """Hide posts, lock, pin and move threads, approve resources: the facilitators."""
    return role_in(user, cohort) == "facilitator"


def can_manage_resources(user, cohort: Cohort) -> bool:
    return can_moderate(user, cohort) and not cohort.is_finished
