"""The home page (your cohorts and what to do next) and a cohort's overview."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from cohort import modules
from cohort.cohorts.permissions import load_cohort, membership_in
from cohort.cohorts.services import cohort_members, memberships_for, open_calls
from cohort.home import services
from cohort.programme.services import next_sessions, session_count

bp = Blueprint("home", __name__)


@bp.route("/")
def home():
    """Your cohorts and the cards the modules offer you (cohort/modules.py, home.py); to a
    visitor who is not signed in, the calls open for applications."""
    if not current_user.is_authenticated:
        return render_template("home/welcome.html", calls=open_calls())
    memberships = memberships_for(current_user)
    upcoming = next_sessions([m.cohort_id for m in memberships])
    steps = {m.id: services.next_step(m, upcoming.get(m.cohort_id)) for m in memberships}
    return render_template("home/home.html", memberships=memberships, steps=steps,
                           cards=modules.home_cards(current_user))


@bp.route("/cohorts/<int:cohort_id>")
@login_required
def cohort(cohort_id: int):
    cohort = load_cohort(cohort_id)
    return render_template(
        "home/cohort.html",
        cohort=cohort,
        membership=membership_in(current_user, cohort),
        members=cohort_members(cohort),
        next_session=next_sessions([cohort.id]).get(cohort.id),
        session_count=session_count(cohort),
    )
