"""Who sees and changes maturity assessments and action plans. A place's plan and ratings
belong to the people on it (its holder and approved team members), who change them; the
cohort's facilitators and evaluators read them; other participants do not see them (404: to
them, a place's plan does not exist). The place's people may share the plan's outline with the
cohort's other participants (can_view_outline): never the plan itself.

The module's URL arguments load here (LOADERS): an item of the place's plan, a self-assessment
round of the cohort. The place itself loads with the cohort (cohorts/permissions.py)."""

from cohort.cohorts.models import Cohort, Place
from cohort.cohorts.permissions import membership_in, role_in, takes_part
from cohort.core.guard import Loader, hides
from cohort.plans.services import get_item, get_round, is_shared

__all__ = ["can_view_maturity", "can_view_plan", "can_edit_plan", "on_place", "can_see_names",
           "can_view_outline"]

STAFF = ("facilitator", "evaluator")


def can_view_maturity(user, cohort: Cohort) -> bool:
    """The cohort's heatmap, every place's plan, the exports: its facilitators and evaluators."""
    return role_in(user, cohort) in STAFF


def on_place(user, cohort: Cohort, place: Place) -> bool:
    membership = membership_in(user, cohort)
    return (membership is not None and place.cohort_id == cohort.id
            and membership.place_id == place.id and membership.is_current
            and membership.role in ("participant", "colleague"))


@hides
def can_view_plan(user, cohort: Cohort, place: Place) -> bool:
    return on_place(user, cohort, place) or can_view_maturity(user, cohort)


def can_view_outline(user, cohort: Cohort, place: Place) -> bool:
    """The plan in outline (the hallmarks it works on, the place's levels, a member's latest
    action or note) on a member's profile and in the people to talk to: whoever sees the plan,
    and the cohort's other participants and team members once the place's people share it."""
    return can_view_plan(user, cohort, place) or (takes_part(user, cohort) and is_shared(place))


def can_edit_plan(user, cohort: Cohort, place: Place) -> bool:
    """Add and change items, record progress, rate and agree: the people on the place, while
    the cohort is not finished."""
    return on_place(user, cohort, place) and not cohort.is_finished


def can_see_names(user, cohort: Cohort) -> bool:
    """Who is who on a place's plan and ratings: the people on the place and the cohort's
    facilitators, who follow each plan with its owners. The evaluator sees roles instead."""
    return role_in(user, cohort) in ("facilitator", "participant", "colleague")


def find_item(_user, item_id: int, place: Place):
    return get_item(place, item_id)


def find_round(_user, round_id: int, cohort: Cohort):
    return get_round(cohort, round_id)


LOADERS = (
    Loader("item_id", "item", find_item, parent="place"),
    Loader("round_id", "assessment_round", find_round, parent="cohort"),
)
