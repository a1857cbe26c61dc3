"""Cohort pages: overview, the call for applications, review, roster, directory, your place."""

from datetime import datetime, time, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from cohort.accounts import permissions
from cohort.core.forms import attempt, show_error
from cohort.core.mail import commit
from cohort.core.timeutil import to_local, zone
from cohort.enrolment import permissions as rules
from cohort.enrolment import services
from cohort.enrolment.forms import (
    ApplicationForm,
    CohortForm,
    ConfirmForm,
    DecisionForm,
    HandoverForm,
    PersonForm,
    StaffForm,
    WorkingOnForm,
)
from cohort.enrolment.models import APPLICATION_STATUSES, HandoverRequest, Membership, Place
from cohort.enrolment.services import EnrolmentError
from cohort.extensions import db
from cohort.programme.services import next_sessions, session_count

bp = Blueprint("enrolment", __name__)
CHANGED_MEANWHILE = "Someone else changed this a moment ago. Check the page and try again."


def load_cohort_for(user, cohort_id: int):
    """The cohort if the user may see it; 404 otherwise, so its existence is not revealed."""
    cohort = services.get_cohort(cohort_id)
    if cohort is None or not permissions.can_view_cohort(user, cohort):
        abort(404)
    return cohort


def load_managed_cohort(cohort_id: int):
    cohort = load_cohort_for(current_user, cohort_id)
    if not rules.can_manage_enrolment(current_user, cohort):
        abort(403)
    return cohort


# Service field names that the cohort form asks for under another name.
FORM_FIELDS = {"applications_open_at": "applications_open_on",
               "applications_close_at": "applications_close_on"}


def _show_error(form, error) -> None:
    show_error(form, error, FORM_FIELDS)


def _window_to_utc(form, cohort_tz: str) -> dict:
    """Opening day's start and closing day's end, in the cohort's zone, as UTC."""
    tz = zone(cohort_tz)
    opens = form.applications_open_on.data
    closes = form.applications_close_on.data
    return {
        "applications_open_at": datetime.combine(opens, time(0), tz) if opens else None,
        "applications_close_at": (
            datetime.combine(closes + timedelta(days=1), time(0), tz) if closes else None
        ),
    }


def _cohort_fields(form, cohort_tz: str) -> dict:
    return {
        "title": form.title.data, "focus": form.focus.data or None,
        "description": form.description.data or None, "status": form.status.data,
        "starts_on": form.starts_on.data, "ends_on": form.ends_on.data,
        "capacity": form.capacity.data, "ground_rules": form.ground_rules.data or None,
        **_window_to_utc(form, cohort_tz),
    }


@bp.route("/cohorts/<int:cohort_id>")
@login_required
def cohort(cohort_id: int):
    cohort = load_cohort_for(current_user, cohort_id)
    return render_template(
        "enrolment/cohort.html",
        cohort=cohort,
        membership=services.membership_of(current_user, cohort),
        members=services.cohort_members(cohort),
        next_session=next_sessions([cohort.id]).get(cohort.id),
        session_count=session_count(cohort),
    )


@bp.route("/cohorts/new", methods=["GET", "POST"])
@login_required
def new_cohort():
    if not rules.can_create_cohort(current_user):
        abort(403)
    form = CohortForm()
    if form.validate_on_submit():
        try:
            cohort = services.create_cohort(current_user, **_cohort_fields(form, "Europe/London"))
            if services.membership_of(current_user, cohort) is None:
                services.add_member(current_user, cohort, current_user, "facilitator")
        except EnrolmentError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            commit()
            flash(f"{cohort.title} has been created.", "success")
            return redirect(url_for("enrolment.cohort", cohort_id=cohort.id))
    return render_template("enrolment/cohort_form.html", form=form, cohort=None)


@bp.route("/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
@login_required
def edit_cohort(cohort_id: int):
    cohort = load_managed_cohort(cohort_id)
    form = CohortForm(obj=cohort)
    if request.method == "GET":
        if cohort.applications_open_at:
            form.applications_open_on.process(None, to_local(cohort.applications_open_at, cohort.timezone).date())
        if cohort.applications_close_at:
            last_day = to_local(cohort.applications_close_at, cohort.timezone) - timedelta(seconds=1)
            form.applications_close_on.process(None, last_day.date())
    if form.validate_on_submit():
        seen = str(form.version.data or "")
        seen_version = int(seen) if seen.isdigit() else None
        try:
            services.update_cohort(current_user, cohort, seen_version=seen_version,
                                   **_cohort_fields(form, cohort.timezone))
            commit()
        except EnrolmentError as error:
            db.session.rollback()
            _show_error(form, error)
        except StaleDataError:
            db.session.rollback()
            form.form_errors.append(CHANGED_MEANWHILE)
            form.version.data = str(cohort.version)  # saving again, knowingly, is allowed
        else:
            flash("The cohort's settings have been saved.", "success")
            return redirect(url_for("enrolment.cohort", cohort_id=cohort.id))
    return render_template("enrolment/cohort_form.html", form=form, cohort=cohort)


# The public call for applications ------------------------------------------------------------


@bp.route("/apply/<slug>", methods=["GET", "POST"])
def apply(slug: str):
    cohort = services.cohort_by_slug(slug) or abort(404)
    if cohort.status == "draft":
        abort(404)
    form = ApplicationForm()
    if form.validate_on_submit():
        try:
            application, token, created = services.submit_application(
                cohort, form.email.data,
                **{name: form[name].data for name in services.APPLICATION_FIELDS},
            )
        except EnrolmentError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            commit()
            return redirect(url_for("enrolment.application_status", token=token, sent="new" if created else "updated"))
    now = services.now()
    return render_template("enrolment/apply.html", cohort=cohort, form=form, now=now,
                           is_open=cohort.call_is_open(now))


@bp.route("/applications/<token>")
def application_status(token: str):
    application = services.application_by_token(token) or abort(404)
    return render_template("enrolment/application_status.html", application=application,
                           sent=request.args.get("sent"))


# Review ---------------------------------------------------------------------------------------


@bp.route("/cohorts/<int:cohort_id>/applications")
@login_required
def applications(cohort_id: int):
    cohort = load_managed_cohort(cohort_id)
    status = request.args.get("status") or None
    query = request.args.get("q", "")[:200]
    page = services.applications_page(cohort, status, query, request.args.get("page"))
    return render_template(
        "enrolment/applications.html", cohort=cohort, page=page, status=status, query=query,
        counts=services.application_counts(cohort), statuses=APPLICATION_STATUSES,
        free=services.free_places(cohort), next_waiting=services.waitlist_offer(cohort),
        confirm=ConfirmForm(),
    )


def _decide(cohort, application, decision: str, message: str | None) -> str:
    if decision == "accept":
        services.accept_application(current_user, application, message)
        return f"{application.name} has a place and has been sent an invitation."
    if decision == "waitlist":
        services.waitlist_application(current_user, application, message)
        return f"{application.name} is on the waitlist (number {application.waitlist_position})."
    services.decline_application(current_user, application, message)
    return f"{application.name}'s application has been declined."


@bp.route("/cohorts/<int:cohort_id>/applications/<int:application_id>", methods=["GET", "POST"])
@login_required
def application(cohort_id: int, application_id: int):
    cohort = load_managed_cohort(cohort_id)
    application = services.get_application(cohort, application_id) or abort(404)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            done = _decide(cohort, application, form.decision.data, form.message.data)
            commit()
        except EnrolmentError as error:
            db.session.rollback()
            _show_error(form, error)
        except StaleDataError:
            db.session.rollback()
            form.form_errors.append(CHANGED_MEANWHILE)
        else:
            flash(done, "success")
            return redirect(url_for("enrolment.applications", cohort_id=cohort.id))
        db.session.refresh(application)
    return render_template("enrolment/application.html", cohort=cohort, application=application,
                           form=form, free=services.free_places(cohort))


@bp.post("/cohorts/<int:cohort_id>/waitlist/offer-next")
@login_required
def offer_next(cohort_id: int):
    cohort = load_managed_cohort(cohort_id)
    ConfirmForm().validate_on_submit()
    waiting = services.next_on_waitlist(cohort)
    if waiting is None:
        flash("Nobody is on the waitlist.", "info")
        return redirect(url_for("enrolment.applications", cohort_id=cohort.id))
    try:
        services.accept_application(current_user, waiting)
        commit()
    except (EnrolmentError, StaleDataError) as error:
        db.session.rollback()
        flash(str(error) if isinstance(error, EnrolmentError) else CHANGED_MEANWHILE, "error")
    else:
        flash(f"{waiting.name}, next on the waitlist, has been offered the place.", "success")
    return redirect(url_for("enrolment.applications", cohort_id=cohort.id))


# Roster, team and handover ----------------------------------------------------------------------


@bp.route("/cohorts/<int:cohort_id>/roster")
@login_required
def roster(cohort_id: int):
    cohort = load_managed_cohort(cohort_id)
    return render_template(
        "enrolment/roster.html", cohort=cohort, rows=services.roster(cohort),
        handovers=services.pending_handovers(cohort), colleagues=services.pending_colleagues(cohort),
        staff=[m for m in services.cohort_members(cohort) if m.role in ("facilitator", "evaluator")],
        free=services.free_places(cohort), next_waiting=services.waitlist_offer(cohort),
        confirm=ConfirmForm(),
    )


def _place_in(cohort, place_id: int) -> Place:
    place = db.session.get(Place, place_id)
    if place is None or place.cohort_id != cohort.id:
        abort(404)
    return place


@bp.route("/cohorts/<int:cohort_id>/places/<int:place_id>/handover", methods=["GET", "POST"])
@login_required
def handover(cohort_id: int, place_id: int):
    cohort = load_managed_cohort(cohort_id)
    place = _place_in(cohort, place_id)
    form = PersonForm()
    if form.validate_on_submit():
        ok, successor = attempt(form, lambda: services.hand_over(
            current_user, place, form.email.data, form.name.data))
        if ok:
            flash(f"The place now belongs to {successor.user.name}.", "success")
            return redirect(url_for("enrolment.roster", cohort_id=cohort.id))
    return render_template("enrolment/handover.html", cohort=cohort, place=place, form=form,
                           holder=services.holder_of(place), team=services.team_of(place))


@bp.post("/cohorts/<int:cohort_id>/handovers/<int:request_id>")
@login_required
def decide_handover(cohort_id: int, request_id: int):
    cohort = load_managed_cohort(cohort_id)
    proposal = db.session.get(HandoverRequest, request_id)
    if proposal is None or proposal.place.cohort_id != cohort.id:
        abort(404)
    approve = request.form.get("decision") == "approve"
    try:
        services.decide_handover(current_user, proposal, approve)
        commit()
    except EnrolmentError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        flash("Handover approved." if approve else "Handover declined.", "success")
    return redirect(url_for("enrolment.roster", cohort_id=cohort.id))


def _member_in(cohort, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.cohort_id != cohort.id:
        abort(404)
    return membership


@bp.post("/cohorts/<int:cohort_id>/team/<int:membership_id>")
@login_required
def decide_colleague(cohort_id: int, membership_id: int):
    cohort = load_managed_cohort(cohort_id)
    membership = _member_in(cohort, membership_id)
    approve = request.form.get("decision") == "approve"
    try:
        services.decide_colleague(current_user, membership, approve)
        commit()
    except EnrolmentError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        flash(f"{membership.user.name} {'has joined the team' if approve else 'was not added'}.",
              "success")
    return redirect(url_for("enrolment.roster", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/members/<int:membership_id>/remove", methods=["GET", "POST"])
@login_required
def remove_member(cohort_id: int, membership_id: int):
    cohort = load_managed_cohort(cohort_id)
    membership = _member_in(cohort, membership_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            place = services.leave_place(current_user, membership, how="removed")
            commit()
        except EnrolmentError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            flash(f"{membership.user.name} has left the cohort."
                  + (" Their place is free: offer it to the next person on the waitlist." if place else ""),
                  "success")
        return redirect(url_for("enrolment.roster", cohort_id=cohort.id))
    return render_template("enrolment/confirm_leave.html", cohort=cohort, membership=membership,
                           form=form, yourself=False)


@bp.route("/cohorts/<int:cohort_id>/staff", methods=["GET", "POST"])
@login_required
def staff(cohort_id: int):
    cohort = load_managed_cohort(cohort_id)
    form = StaffForm()
    if form.validate_on_submit():
        ok, user = attempt(form, lambda: services.add_staff(
            current_user, cohort, form.email.data, form.name.data, form.role.data))
        if ok:
            flash(f"{user.name} has been added and told by email.", "success")
            return redirect(url_for("enrolment.roster", cohort_id=cohort.id))
    return render_template("enrolment/staff.html", cohort=cohort, form=form)


# Members ----------------------------------------------------------------------------------------


@bp.route("/cohorts/<int:cohort_id>/members")
@login_required
def members(cohort_id: int):
    cohort = load_cohort_for(current_user, cohort_id)
    if not rules.can_view_directory(current_user, cohort):
        abort(404)
    return render_template("enrolment/directory.html", cohort=cohort,
                           members=services.directory(cohort))


@bp.route("/cohorts/<int:cohort_id>/me", methods=["GET", "POST"])
@login_required
def my_place(cohort_id: int):
    cohort = load_cohort_for(current_user, cohort_id)
    membership = services.membership_of(current_user, cohort) or abort(404)
    form = WorkingOnForm(obj=membership)
    if form.validate_on_submit():
        ok, _ = attempt(form, lambda: services.update_working_on(
            current_user, membership, form.working_on.data))
        if ok:
            flash("Saved: your peers now see what you are working on.", "success")
            return redirect(url_for("enrolment.my_place", cohort_id=cohort.id))
    place = membership.place if rules.holds_place(membership) else None
    return render_template(
        "enrolment/my_place.html", cohort=cohort, membership=membership, form=form, place=place,
        team=services.team_of(place, include_pending=True) if place else [],
        team_form=PersonForm(prefix="team"), handover_form=HandoverForm(prefix="handover"),
    )


def _own_place(cohort_id: int):
    """The cohort and the current user's membership, which must hold a place.

    A non-member (a site admin) gets 404, as on /me; a member without a place, 403.
    """
    cohort = load_cohort_for(current_user, cohort_id)
    membership = services.membership_of(current_user, cohort) or abort(404)
    if not rules.holds_place(membership):
        abort(403)
    return cohort, membership


def _from_own_place(cohort, form, action, done):
    """Run `action` when the form is valid, say how it went, and go back to the place page."""
    if form.validate_on_submit():
        try:
            result = action()
            commit()
        except EnrolmentError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            flash(done(result), "success")
    else:
        flash(next(iter(form.errors.values()))[0], "error")
    return redirect(url_for("enrolment.my_place", cohort_id=cohort.id))


@bp.post("/cohorts/<int:cohort_id>/me/team")
@login_required
def invite_colleague(cohort_id: int):
    cohort, membership = _own_place(cohort_id)
    form = PersonForm(prefix="team")
    return _from_own_place(
        cohort, form,
        lambda: services.invite_colleague(current_user, membership.place, form.email.data,
                                          form.name.data),
        lambda colleague: f"{colleague.user.name} will join your team once the facilitator approves.",
    )


@bp.post("/cohorts/<int:cohort_id>/me/handover")
@login_required
def propose_handover(cohort_id: int):
    cohort, membership = _own_place(cohort_id)
    form = HandoverForm(prefix="handover")
    return _from_own_place(
        cohort, form,
        lambda: services.request_handover(current_user, membership.place, form.email.data,
                                          form.name.data, form.note.data),
        lambda _request: "Your proposal has been sent to the facilitator.",
    )


@bp.route("/cohorts/<int:cohort_id>/me/leave", methods=["GET", "POST"])
@login_required
def leave(cohort_id: int):
    cohort = load_cohort_for(current_user, cohort_id)
    membership = services.membership_of(current_user, cohort) or abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.leave_place(current_user, membership, how="withdrew")
        commit()
        flash(f"You have left {cohort.title}.", "success")
        return redirect(url_for("core.home"))
    return render_template("enrolment/confirm_leave.html", cohort=cohort, membership=membership,
                           form=form, yourself=True)
