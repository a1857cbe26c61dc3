"""The cohort's people: the member list with the people the reader might talk to, and each
member's profile (their context, and what each module may show the reader of them)."""

from flask import render_template
from flask_login import current_user

from cohort import modules
from cohort.cohorts.permissions import can_see_profiles, membership_in
from cohort.cohorts.services import directory
from cohort.core.guard import guard
from cohort.core.pagecache import cached
from cohort.home.people import reasons_for, suggestions
from cohort.home.views import bp


@bp.route("/cohorts/<int:cohort_id>/members")
@cached
@guard(can_see_profiles)
def members(cohort):
    """Who is in the cohort and what each is working on, each name a link to their profile;
    for a participant or team member, people to talk to first. To the people learning
    together only: the evaluator reads places and figures, not names (DESIGN.md §6)."""
    people = directory(cohort)
    return render_template(
        "home/members.html", cohort=cohort, members=people,
        suggestions=suggestions(current_user, [membership_in(current_user, cohort)],
                                people).get(cohort.id, []))


@bp.route("/cohorts/<int:cohort_id>/members/<int:member_id>")
@cached
@guard(can_see_profiles)
def profile(cohort, member):
    """A member's context: organisation, area of focus, what they are working on; why the
    reader might talk to them; then each module's part (their place's plan in outline, their
    threads and feedback given), only what the reader may see."""
    return render_template(
        "home/profile.html", cohort=cohort, member=member,
        is_self=member.user_id == current_user.id,
        reasons=reasons_for(current_user, membership_in(current_user, cohort), member),
        parts=modules.profile_parts(current_user, cohort, member))
