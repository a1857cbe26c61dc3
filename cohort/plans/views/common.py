"""What the plans pages share: the cohort's framework, the current user's place, and how the
pages name people."""

from flask import abort
from flask_login import current_user

from cohort.cohorts.permissions import membership_in
from cohort.plans.permissions import can_see_names
from cohort.plans.services import Naming, cohort_framework, naming


def framework_of(cohort):
    """The cohort's framework; a plan has nothing to show before the cohort has one (404)."""
    framework = cohort_framework(cohort)
    if framework is None:
        abort(404)
    return framework


def own_membership(cohort):
    """The current user's membership when they are on a place (its holder or team)."""
    membership = membership_in(current_user, cohort)
    if membership is None or membership.place_id is None or not membership.is_current or \
            membership.role not in ("participant", "colleague"):
        return None
    return membership


def who(cohort, place_ids: list[int]) -> Naming:
    """How the pages name the people on these places for the current user: by name, or by
    their role on the place for the evaluator."""
    return naming(cohort, can_see_names(current_user, cohort), place_ids)
