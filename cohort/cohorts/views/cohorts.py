"""The cohort itself: opening one, its settings, its staff, and the site admin's invitation
page. The member list and the members' profiles are the home module's (they read every
module)."""

from datetime import datetime, time, timedelta

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from cohort.accounts.permissions import is_admin
from cohort.cohorts import services
from cohort.cohorts.forms import CohortForm, InviteForm, NewCohortForm, StaffForm
from cohort.cohorts.permissions import can_create_cohort, can_facilitate
from cohort.cohorts.services.admin import open_cohort
from cohort.cohorts.views import bp
from cohort.core.forms import attempt, seen_version
from cohort.core.guard import guard
from cohort.core.timeutil import to_local, zone


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
        "focus_hint": form.focus_hint.data or None,
        "strategy_hint": form.strategy_hint.data or None,
        "erasure_deletes_answers": form.erasure_deletes_answers.data == "delete",
        **_window_to_utc(form, cohort_tz),
    }


@bp.route("/cohorts/new", methods=["GET", "POST"])
@guard(can_create_cohort)
def new_cohort():
    """A new cohort: a site admin chooses its facilitators; anyone else who may open one (a
    facilitator of another) facilitates it."""
    form = NewCohortForm()
    tz = current_app.config["TIMEZONE"]  # the cohort is planned in the site's zone
    choosing = is_admin(current_user)

    def create():
        if choosing:
            return open_cohort(current_user, facilitators=form.facilitators.data,
                               facilitate_myself=form.facilitate_myself.data, timezone=tz,
                               **_cohort_fields(form, tz))
        return services.create_cohort(current_user, timezone=tz, **_cohort_fields(form, tz))

    ok, cohort = attempt(form, create)
    if ok:
        flash(f"{cohort.title} has been created.", "success")
        return redirect(url_for("home.cohort", cohort_id=cohort.id))
    return render_template("cohorts/cohort_form.html", form=form, cohort=None,
                           choosing=choosing)


@bp.route("/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
@guard(can_facilitate)
def edit_cohort(cohort):
    form = CohortForm(obj=cohort)
    if request.method == "GET":
        if cohort.applications_open_at:
            form.applications_open_on.process(
                None, to_local(cohort.applications_open_at, cohort.timezone).date())
        if cohort.applications_close_at:
            last_day = to_local(cohort.applications_close_at, cohort.timezone) - timedelta(seconds=1)
            form.applications_close_on.process(None, last_day.date())
    ok, _ = attempt(form, lambda: services.update_cohort(
        current_user, cohort, seen_version=seen_version(form),
        **_cohort_fields(form, cohort.timezone)), versioned=cohort)
    if ok:
        flash("The cohort's settings have been saved.", "success")
        return redirect(url_for("home.cohort", cohort_id=cohort.id))
    return render_template("cohorts/cohort_form.html", form=form, cohort=cohort)


@bp.route("/cohorts/<int:cohort_id>/staff", methods=["GET", "POST"])
@guard(can_facilitate)
def staff(cohort):
    form = StaffForm()
    ok, user = attempt(form, lambda: services.add_staff(
        current_user, cohort, form.email.data, form.name.data, form.role.data))
    if ok:
        flash(f"{user.name} has been added and told by email.", "success")
        return redirect(url_for("enrolment.roster", cohort_id=cohort.id))
    return render_template("cohorts/staff.html", cohort=cohort, form=form)


@bp.route("/admin/invite", methods=["GET", "POST"])
@guard(is_admin)
def invite():
    form = InviteForm()
    form.cohort.choices = [SelectChoice("", "No cohort")] + [
        SelectChoice(str(cohort_id), title)
        for cohort_id, title in services.cohort_titles(archived=False)]

    def send():
        cohort = services.get_cohort(int(form.cohort.data)) if form.cohort.data else None
        return services.invite_into(
            current_user, form.email.data, form.name.data, cohort,
            form.role.data if cohort else None, organisation=form.organisation.data or None,
            job_title=form.job_title.data or None, make_admin=form.is_admin.data)

    ok, result = attempt(form, send)
    if ok:
        user, created = result
        flash(f"Invitation sent to {user.email}." if created else
              f"{user.name} had not accepted their invitation yet: a new one has been sent to "
              f"{user.email}." if not user.has_password else
              f"{user.name} already had an account and has been told by email.", "success")
        return redirect(url_for("cohorts.invite"))
    return render_template("cohorts/invite.html", form=form)
