"""The home page (your cohorts and what to do next) and a cohort's overview."""

from flask import render_template
from flask_login import current_user

from cohort import modules
from cohort.cohorts.permissions import can_see_profiles, can_view_cohort, membership_in
from cohort.cohorts.services import cohort_members, memberships_for, open_calls, people_in
from cohort.core.guard import guard, public
from cohort.core.pagecache import cached
from cohort.home import services
from cohort.home.people import HOME_LIMIT, asking, suggestions
from cohort.home.views import bp
from cohort.programme.services import next_sessions, session_count


@bp.route("/")
@cached
@public("the front page: the open calls for a visitor, your cohorts once signed in")
def home():
    """Your cohorts and the cards the modules offer you (cohort/modules.py, home.py), with what
    needs you in each and, where you are on a place, people to talk to (a finished cohort's are
    quiet); to a visitor who is not signed in, the calls open for applications."""
    if not current_user.is_authenticated:
        return render_template("home/welcome.html", calls=open_calls())
    # An archived cohort (a finished one a site admin put away) leaves the home page.
    memberships = [m for m in memberships_for(current_user) if m.cohort.archived_at is None]
    upcoming = next_sessions([m.cohort_id for m in memberships],
                             {m.cohort_id: m.role for m in memberships})
    steps = {m.id: services.next_step(m, upcoming.get(m.cohort_id)) for m in memberships}
    live = [m for m in asking(memberships) if m.cohort.status != "finished"]
    return render_template("home/home.html", memberships=memberships, steps=steps,
                           cards=modules.home_cards(current_user),
                           todos=services.live_todos(
                               memberships, modules.home_todos(current_user, memberships)),
                           people=suggestions(current_user, live, people_in(
                               [m.cohort_id for m in live])) if live else {},
                           people_shown=HOME_LIMIT)


@bp.route("/cohorts/<int:cohort_id>")
@cached
@guard(can_view_cohort)
def cohort(cohort):
    """The overview; its members' names, organisations and areas of focus to the people
    learning together only (the evaluator, and a site admin who is no member, see how many
    there are of each role, as the member list answers them 404)."""
    members = cohort_members(cohort)
    membership = membership_in(current_user, cohort)
    todos = services.live_todos([membership], modules.home_todos(current_user, [membership])) \
        if membership is not None else {}
    return render_template(
        "home/cohort.html",
        cohort=cohort,
        membership=membership,
        todos=todos.get(cohort.id),
        members=members if can_see_profiles(current_user, cohort) else None,
        member_counts=services.counts_by_role(members),
        next_session=next_sessions([cohort.id], {cohort.id: membership.role if membership
                                                 else None}).get(cohort.id),
        session_count=session_count(cohort),
    )
