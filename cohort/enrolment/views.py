"""Enrolment pages: the public call, review and the waitlist, the roster, handovers, your place."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cohort.cohorts import services as cohort_services
from cohort.cohorts.forms import PersonForm, WorkingOnForm
from cohort.cohorts.permissions import can_facilitate, is_member, membership_in, takes_part
from cohort.cohorts.services import (
    cohort_by_slug,
    free_places,
    holder_of,
    team_of,
    update_working_on,
)
from cohort.core.forms import ConfirmForm, attempt
from cohort.core.guard import guard, public
from cohort.core.pagecache import cached
from cohort.core.timeutil import utcnow
from cohort.enrolment import services
from cohort.enrolment.forms import ApplicationForm, ChoiceForm, DecisionForm, HandoverForm
from cohort.enrolment.models import APPLICATION_STATUSES
from cohort.enrolment.permissions import holds_place

bp = Blueprint("enrolment", __name__)


# The public call for applications ------------------------------------------------------------


@bp.route("/apply/<slug>", methods=["GET", "POST"])
@public("the public call for applications (a draft cohort's answers 404)")
def apply(slug: str):
    cohort = cohort_by_slug(slug)
    if cohort is None or cohort.status == "draft":
        abort(404)
    form = ApplicationForm()
    ok, _ = attempt(form, lambda: services.request_application(
        cohort, form.email.data, **{name: form[name].data for name in services.APPLICATION_FIELDS}))
    if ok:  # the same answer whatever the address has done before
        return render_template("enrolment/check_email.html", cohort=cohort,
                               email=form.email.data.strip())
    now = utcnow()
    return render_template("enrolment/apply.html", cohort=cohort, form=form, now=now,
                           is_open=cohort.call_is_open(now))


@bp.route("/applications/confirm/<token>", methods=["GET", "POST"])
@public("the emailed link that confirms an application; the token is the credential")
def confirm_application(token: str):
    """The link mailed to the address: its owner confirms the answers sent with it."""
    submission = services.submission_by_token(token)
    if submission is None:
        return render_template("enrolment/confirm_application.html", submission=None,
                               form=None), 404
    form = ConfirmForm()
    ok, result = attempt(form, lambda: services.confirm_submission(submission))
    if ok:
        _application, status_token, created = result
        return redirect(url_for("enrolment.application_status", token=status_token,
                                sent="new" if created else "updated"))
    return render_template("enrolment/confirm_application.html", submission=submission,
                           form=form)


@bp.route("/applications/<token>", methods=["GET", "POST"])
@public("an applicant's status page; the emailed token is the credential")
def application_status(token: str):
    """The applicant's own page (its secret link is the credential): the answers as sent, the
    decision, and a way to withdraw."""
    application = services.application_by_token(token) or abort(404)
    form = ConfirmForm()
    ok, _ = attempt(form, lambda: services.withdraw_application(application))
    if ok:
        flash("Your application has been withdrawn.", "success")
        return redirect(url_for("enrolment.application_status", token=token))
    free = free_places(application.cohort) if application.status == "waitlisted" else 0
    return render_template("enrolment/application_status.html", application=application,
                           sent=request.args.get("sent"), form=form, free_places=free,
                           fields=services.APPLICATION_FIELDS, labels=ApplicationForm())


# Review ---------------------------------------------------------------------------------------


@bp.route("/cohorts/<int:cohort_id>/applications")
@cached
@guard(can_facilitate)
def applications(cohort):
    status = request.args.get("status") or None
    query = request.args.get("q", "")[:200]
    page = services.applications_page(cohort, status, query, request.args.get("page"))
    free = free_places(cohort)
    return render_template(
        "enrolment/applications.html", cohort=cohort, page=page, status=status, query=query,
        counts=services.application_counts(cohort), statuses=APPLICATION_STATUSES,
        free=free, next_waiting=services.waitlist_offer(cohort, free), confirm=ConfirmForm(),
    )


DECISIONS = {
    "accept": (services.accept_application,
               "{name} has a place and has been sent an invitation."),
    "waitlist": (services.waitlist_application,
                 "{name} is on the waitlist (number {position})."),
    "decline": (services.decline_application, "{name}'s application has been declined."),
}


@bp.route("/cohorts/<int:cohort_id>/applications/<int:application_id>", methods=["GET", "POST"])
@guard(can_facilitate)
def application(cohort, application):
    form = DecisionForm()
    decide, done = DECISIONS.get(form.decision.data, DECISIONS["decline"])
    ok, _ = attempt(form, lambda: decide(current_user, application, form.message.data))
    if ok:
        flash(done.format(name=application.name, position=application.waitlist_position),
              "success")
        return redirect(url_for("enrolment.applications", cohort_id=cohort.id))
    return render_template("enrolment/application.html", cohort=cohort, application=application,
                           form=form, free=free_places(cohort))


@bp.post("/cohorts/<int:cohort_id>/waitlist/offer-next")
@guard(can_facilitate)
def offer_next(cohort):
    waiting = services.next_on_waitlist(cohort)
    if waiting is None:
        flash("Nobody is on the waitlist.", "info")
        return redirect(url_for("enrolment.applications", cohort_id=cohort.id))
    ok, _ = attempt(ConfirmForm(), lambda: services.accept_application(current_user, waiting),
                    flash_errors=True)
    if ok:
        flash(f"{waiting.name}, next on the waitlist, has been offered the place.", "success")
    return redirect(url_for("enrolment.applications", cohort_id=cohort.id))


# Roster, team and handover ----------------------------------------------------------------------


@bp.route("/cohorts/<int:cohort_id>/roster")
@cached
@guard(can_facilitate)
def roster(cohort):
    roster = cohort_services.roster(cohort)
    free = roster.free(cohort)
    return render_template(
        "enrolment/roster.html", cohort=cohort, rows=roster.rows,
        handovers=services.pending_handovers(cohort), colleagues=roster.pending_colleagues,
        staff=roster.staff, free=free, next_waiting=services.waitlist_offer(cohort, free),
        confirm=ConfirmForm(),
    )


@bp.route("/cohorts/<int:cohort_id>/places/<int:place_id>/handover", methods=["GET", "POST"])
@guard(can_facilitate)
def handover(cohort, place):
    form = PersonForm()
    ok, successor = attempt(form, lambda: cohort_services.hand_over(
        current_user, place, form.email.data, form.name.data))
    if ok:
        flash(f"The place now belongs to {successor.user.name}.", "success")
        return redirect(url_for("enrolment.roster", cohort_id=cohort.id))
    return render_template("enrolment/handover.html", cohort=cohort, place=place, form=form,
                           holder=holder_of(place), team=team_of(place))


@bp.post("/cohorts/<int:cohort_id>/handovers/<int:request_id>")
@guard(can_facilitate)
def decide_handover(cohort, proposal):
    form = ChoiceForm()
    approve = form.decision.data == "approve"
    ok, _ = attempt(form, lambda: services.decide_handover(current_user, proposal, approve),
                    flash_errors=True)
    if ok:
        flash("Handover approved." if approve else "Handover declined.", "success")
    return redirect(url_for("enrolment.roster", cohort_id=cohort.id))


@bp.post("/cohorts/<int:cohort_id>/team/<int:membership_id>")
@guard(can_facilitate)
def decide_colleague(cohort, membership):
    form = ChoiceForm()
    approve = form.decision.data == "approve"
    ok, _ = attempt(form, lambda: services.decide_colleague(current_user, membership, approve),
                    flash_errors=True)
    if ok:
        flash(f"{membership.user.name} {'has joined the team' if approve else 'was not added'}.",
              "success")
    return redirect(url_for("enrolment.roster", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/members/<int:membership_id>/remove", methods=["GET", "POST"])
@guard(can_facilitate)
def remove_member(cohort, membership):
    form = ConfirmForm()
    ok, place = attempt(form, lambda: services.leave(current_user, membership, how="removed"),
                        flash_errors=True)
    if ok:
        flash(f"{membership.user.name} has left the cohort."
              + (" Their place is free: offer it to the next person on the waitlist." if place else ""),
              "success")
    if form.is_submitted():
        return redirect(url_for("enrolment.roster", cohort_id=cohort.id))
    return render_template("enrolment/confirm_leave.html", cohort=cohort, membership=membership,
                           form=form, yourself=False)


# Your place -------------------------------------------------------------------------------------


@bp.route("/cohorts/<int:cohort_id>/me", methods=["GET", "POST"])
@guard(is_member)
def my_place(cohort):
    membership = membership_in(current_user, cohort)
    if request.method == "POST" and not takes_part(current_user, cohort):
        abort(403)  # staff have no line in the directory
    form = WorkingOnForm(obj=membership)
    ok, _ = attempt(form, lambda: update_working_on(current_user, membership, form.working_on.data))
    if ok:
        flash("Saved: your peers now see what you are working on.", "success")
        return redirect(url_for("enrolment.my_place", cohort_id=cohort.id))
    place = membership.place if holds_place(current_user, cohort) else None
    return render_template(
        "enrolment/my_place.html", cohort=cohort, membership=membership, form=form, place=place,
        team=team_of(place, include_pending=True) if place else [],
        invited=services.waiting_invitations(place) if place else [],
        team_form=PersonForm(prefix="team"), handover_form=HandoverForm(prefix="handover"),
    )


@bp.post("/cohorts/<int:cohort_id>/me/team")
@guard(is_member, holds_place)  # a non-member (a site admin) gets 404, as on /me
def invite_colleague(cohort):
    membership = membership_in(current_user, cohort)
    form = PersonForm(prefix="team")
    ok, _ = attempt(form, lambda: services.invite_colleague(
        current_user, membership.place, form.email.data, form.name.data), flash_errors=True)
    if ok:
        flash(f"We have emailed {form.name.data.strip()} a link to join your team. Once they "
              "confirm and the facilitator approves, they are in.", "success")
    return redirect(url_for("enrolment.my_place", cohort_id=cohort.id))


@bp.route("/team/<token>", methods=["GET", "POST"])
@public("the emailed link a colleague confirms a team invitation with; the token is the "
        "credential")
def join_team(token: str):
    """The link mailed to a colleague: they confirm they will join the team."""
    invitation = services.team_invitation_by_token(token)
    if invitation is None:
        return render_template("enrolment/join_team.html", invitation=None, form=None), 404
    form = ConfirmForm()
    ok, _ = attempt(form, lambda: services.join_team(invitation))
    return render_template("enrolment/join_team.html", invitation=invitation, form=form,
                           joined=ok)


@bp.post("/cohorts/<int:cohort_id>/me/handover")
@guard(is_member, holds_place)
def propose_handover(cohort):
    membership = membership_in(current_user, cohort)
    form = HandoverForm(prefix="handover")
    ok, _ = attempt(form, lambda: services.request_handover(
        current_user, membership.place, form.email.data, form.name.data, form.note.data),
        flash_errors=True)
    if ok:
        flash("Your proposal has been sent to the facilitator.", "success")
    return redirect(url_for("enrolment.my_place", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/me/leave", methods=["GET", "POST"])
@guard(is_member)
def leave(cohort):
    membership = membership_in(current_user, cohort)
    form = ConfirmForm()
    ok, _ = attempt(form, lambda: services.leave(current_user, membership, how="withdrew"))
    if ok:
        flash(f"You have left {cohort.title}.", "success")
        return redirect(url_for("home.home"))
    return render_template("enrolment/confirm_leave.html", cohort=cohort, membership=membership,
                           form=form, yourself=True)
