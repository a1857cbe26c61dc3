"""Self-assessment: each person on a place rates every hallmark alone; once they have
submitted, they see the others' ratings and the place agrees a level per hallmark."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cohort.cohorts.permissions import is_member
from cohort.core.forms import attempt, seen_version
from cohort.core.guard import guard
from cohort.plans import services
from cohort.plans.forms import NOT_AGREED, hallmark_form
from cohort.plans.permissions import can_edit_plan, can_view_maturity, can_view_plan
from cohort.plans.services import NOT_YET, place_label
from cohort.plans.views import bp
from cohort.plans.views.common import own_membership, who


def _level_key(level_id, framework) -> str:
    return next((level.key for level in framework.levels if level.id == level_id), NOT_YET)


@bp.route("/cohorts/<int:cohort_id>/assessment", methods=["GET", "POST"])
@guard(is_member)
def my_assessment(cohort):
    membership = own_membership(cohort)
    if membership is None:
        if can_view_maturity(current_user, cohort):
            return redirect(url_for("plans.rounds", cohort_id=cohort.id))
        abort(404)
    current = services.current_round(cohort)
    if current is None:
        return render_template("plans/no_round.html", cohort=cohort,
                               rounds=services.rounds_of(cohort),
                               place_id=membership.place_id)
    own = services.assessment_of(current, membership)
    if own is not None and own.submitted_at is not None:
        return redirect(url_for("plans.team", cohort_id=cohort.id, round_id=current.id,
                                place_id=membership.place_id))
    framework = services.with_descriptors(current.framework)
    submit = request.form.get("action") == "submit"
    form = hallmark_form(framework, required=None)
    if request.method == "GET" and own is not None:
        for rating in own.ratings:
            key = next(h.key for h in framework.hallmarks if h.id == rating.hallmark_id)
            if rating.answered:
                form[f"level-{key}"].data = _level_key(rating.level_id, framework)
            form[f"notes-{key}"].data = rating.evidence
        form.version.data = str(own.version)
    ok, _ = attempt(form, lambda: services.save_assessment(
        current_user, current, membership, form.answers(framework), submit,
        seen_version(form)), versioned=own)
    if ok and submit:
        flash("Your ratings are submitted. You can now see the others' and agree a level "
              "for each hallmark together.", "success")
        return redirect(url_for("plans.team", cohort_id=cohort.id, round_id=current.id,
                                place_id=membership.place_id))
    if ok:
        flash("Your draft is saved. Only you can see it until you submit.", "success")
        return redirect(url_for("plans.my_assessment", cohort_id=cohort.id))
    return render_template("plans/assessment.html", cohort=cohort, round=current,
                           framework=framework, form=form)


@bp.route("/cohorts/<int:cohort_id>/rounds/<int:round_id>/places/<int:place_id>",
          methods=["GET", "POST"])
@guard(can_view_plan)
def team(cohort, assessment_round, place):
    """The place's ratings in a round, and the levels it agrees."""
    framework = assessment_round.framework
    membership = own_membership(cohort)
    staff = can_view_maturity(current_user, cohort)
    rows, people, submitted = services.team_view(assessment_round, place, membership, staff)
    may_agree = (assessment_round.is_open and can_edit_plan(current_user, cohort, place)
                 and membership is not None and membership.id in submitted)
    form = hallmark_form(framework, notes_label="Notes", blank="Not agreed")
    if request.method == "POST" and not may_agree:
        abort(403)
    if request.method == "GET":
        for row in rows:
            key = row.hallmark.key
            form[f"level-{key}"].data = NOT_AGREED if row.agreed is None else _level_key(
                row.agreed.level_id, framework)
            if row.agreed is not None:
                form[f"notes-{key}"].data = row.agreed.notes
    # Every hallmark is sent: "Not agreed" (or none chosen) clears a level agreed before.
    ok, cleared = attempt(form, lambda: services.agree(
        current_user, assessment_round, place, membership, form.answers(framework),
        seen=form.version.data or None))
    if ok:
        flash("The agreed levels are saved." + (
            f" No level is agreed now for {services.hallmark_words(cleared)}." if cleared else ""),
            "success")
        return redirect(url_for("plans.team", cohort_id=cohort.id,
                                round_id=assessment_round.id, place_id=place.id))
    # The agreed levels as this page shows them: a save by someone else since is refused.
    form.version.data = services.agreed_stamp(row.agreed for row in rows if row.agreed)
    level_names = {level.position: level.name for level in framework.levels} | {0: "Not yet"}
    return render_template("plans/team.html", cohort=cohort, place=place, round=assessment_round,
                           framework=framework, rows=rows, people=people, submitted=submitted,
                           may_agree=may_agree, form=form, label=place_label(place),
                           level_names=level_names, staff=staff,
                           levels={level.id: level for level in framework.levels},
                           who=who(cohort, [place.id]),
                           viewer_submitted=membership is not None and membership.id in submitted)
