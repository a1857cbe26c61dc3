"""Cohort pages."""

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from cohort.accounts import permissions
from cohort.enrolment.services import cohort_members, get_cohort, membership_of
from cohort.programme.services import sessions_for

bp = Blueprint("enrolment", __name__)


def load_cohort_for(user, cohort_id: int):
    """The cohort if the user may see it; 404 otherwise, so its existence is not revealed."""
    cohort = get_cohort(cohort_id)
    if cohort is None or not permissions.can_view_cohort(user, cohort):
        abort(404)
    return cohort


@bp.route("/cohorts/<int:cohort_id>")
@login_required
def cohort(cohort_id: int):
    cohort = load_cohort_for(current_user, cohort_id)
    return render_template(
        "enrolment/cohort.html",
        cohort=cohort,
        membership=membership_of(current_user, cohort),
        members=cohort_members(cohort),
        sessions=sessions_for(cohort),
    )
