"""Who sees and changes maturity assessments and action plans. A place's plan and ratings
belong to the people on it (its holder and approved team members), who change them; the
cohort's facilitators and evaluators read them; other participants do not see them."""

from cohort.cohorts.models import Cohort, Place
from cohort.cohorts.permissions import membership_in, role_in

__all__ = ["can_view_maturity", "can_view_plan", "can_edit_plan", "on_place", "can_see_names"]

STAFF = ("facilitator", "evaluator")


def can_view_maturity(user, cohort: Cohort) -> bool:
    """The cohort's heatmap, every place's plan, the exports: its facilitators and evaluators."""
    return role_in(user, cohort) in STAFF


def on_place(user, cohort: Cohort, place: Place) -> bool:
    membership = membership_in(user, cohort)
    return (membership is not None and place.cohort_id == cohort.id
            and membership.place_id == place.id and membership.is_current
            and membership.role in ("participant", "colleague"))


def can_view_plan(user, cohort: Cohort, place: Place) -> bool:
    return on_place(user, cohort, place) or can_view_maturity(user, cohort)


def can_edit_plan(user, cohort: Cohort, place: Place) -> bool:
    """Add and change items, record progress, rate and agree: the people on the place, while
    the cohort is not finished."""
    return on_place(user, cohort, place) and not cohort.is_finished


def can_see_names(user, cohort: Cohort) -> bool:
    """Who is who on a place's plan and ratings: the people on the place and the cohort's
    facilitators, who follow each plan with its owners. The evaluator sees roles instead."""
    return role_in(user, cohort) in ("facilitator", "participant", "colleague")
