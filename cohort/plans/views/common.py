"""What the plans pages share: loading a place of the cohort the user may see, and the
cohort's framework."""

from flask import abort
from flask_login import current_user

from cohort.cohorts.models import Place
from cohort.cohorts.permissions import load_cohort, load_in_cohort, membership_in
from cohort.plans.permissions import can_edit_plan, can_see_names, can_view_plan
from cohort.plans.services import Naming, cohort_framework, naming


def load_place(cohort_id: int, place_id: int, edit: bool = False):
    """(cohort, place, framework) when the user may see the place's plan (else 404), and change
    it when `edit` (else 403)."""
    cohort = load_cohort(cohort_id)
    place = load_in_cohort(cohort, Place, place_id)
    if not can_view_plan(current_user, cohort, place):
        abort(404)
    if edit and not can_edit_plan(current_user, cohort, place):
        abort(403)
    framework = cohort_framework(cohort)
    if framework is None:
        abort(404)
    return cohort, place, framework


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
