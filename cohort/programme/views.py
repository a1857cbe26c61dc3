"""The programme: timeline, sessions, materials, attendance, ratings and calendar feeds."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cohort.accounts.services import reset_calendar_token, user_by_calendar_token
from cohort.cohorts.permissions import (
    can_facilitate,
    can_view_cohort,
    membership_in,
    role_in,
    takes_part,
)
from cohort.cohorts.services import memberships_for
from cohort.core.downloads import send_download
from cohort.core.forms import ConfirmForm, attempt, grid_answers, radio_grid, seen_version
from cohort.core.guard import guard, public
from cohort.core.pagecache import cached
from cohort.core.timeutil import format_clock, to_local, utcnow
from cohort.programme import calendar, services
from cohort.programme.forms import MaterialForm, ObjectivesForm, SessionForm, zone_choices
from cohort.programme.models import ATTENDANCE
from cohort.programme.permissions import can_see_join_link
from cohort.programme.services import SessionData

bp = Blueprint("programme", __name__)
RATINGS = {str(n): str(n) for n in range(1, 6)}


@bp.route("/cohorts/<int:cohort_id>/programme")
@cached
@guard(can_view_cohort)
def programme(cohort):
    now = utcnow()
    return render_template(
        "programme/programme.html", cohort=cohort, now=now,
        timeline=services.timeline(cohort, role_in(current_user, cohort), now),
        objectives=services.programme_objectives(cohort),
    )


@bp.route("/cohorts/<int:cohort_id>/sessions/<int:session_id>")
@guard(can_view_cohort)
def session(cohort, session):
    membership = membership_in(current_user, cohort)
    manage = can_facilitate(current_user, cohort)
    return render_template(
        "programme/session.html", cohort=cohort, session=session, now=utcnow(),
        join_shown=can_see_join_link(current_user, session),
        spread=services.rating_spread(session) if manage else None,
        my_ratings=services.ratings_of(session, membership)
        if takes_part(current_user, cohort) else None,
        can_rate=services.can_rate(session), material_form=MaterialForm() if manage else None,
        confirm=ConfirmForm(),
    )


def _session_data(form) -> SessionData:
    day = form.day.data
    clock = services.parse_clock(form.start_time.data)
    return SessionData(
        title=form.title.data, kind=form.kind.data,
        starts_at=services.local_to_utc(day, clock, form.timezone.data),
        duration_minutes=form.duration_minutes.data, timezone=form.timezone.data,
        topics=form.topics.data, objectives=form.objectives.data, join_url=form.join_url.data,
        join_notes=form.join_notes.data or None, audience=form.audience.data,
        description=form.description.data or None,
        facilitator_notes=form.facilitator_notes.data or None,
    )


@bp.route("/cohorts/<int:cohort_id>/sessions/new", methods=["GET", "POST"])
@guard(can_facilitate)
def new_session(cohort):
    form = SessionForm()
    form.timezone.choices = zone_choices(cohort.timezone)
    if request.method == "GET":
        form.timezone.data = cohort.timezone
    ok, session = attempt(form, lambda: services.add_session(
        current_user, cohort, outside_dates_ok=form.confirm_dates.data,
        **vars(_session_data(form))))
    if ok:
        flash(f"{session.title} has been scheduled.", "success")
        return redirect(url_for("programme.session", cohort_id=cohort.id, session_id=session.id))
    return render_template("programme/session_form.html", cohort=cohort, form=form, session=None)


@bp.route("/cohorts/<int:cohort_id>/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@guard(can_facilitate)
def edit_session(cohort, session):
    if session.is_cancelled:
        flash("This session has been cancelled: it cannot be edited.", "error")
        return redirect(url_for("programme.session", cohort_id=cohort.id, session_id=session.id))
    # A POST counts only what it sends: from `obj`, a field left out would keep the row's value,
    # and for `objectives` that is the list of LearningObjective rows, not their text.
    form = SessionForm(obj=session if request.method == "GET" else None)
    form.timezone.choices = zone_choices(session.timezone)
    if request.method == "GET":
        local = to_local(session.starts_at, session.timezone)
        form.day.process(None, local.date())
        form.start_time.data = format_clock(session.starts_at, session.timezone)
        form.topics.data = "\n".join(session.topic_list)
        form.objectives.data = "\n".join(o.text for o in session.objectives)
    ok, _ = attempt(form, lambda: services.update_session(
        current_user, session, _session_data(form),
        expected_version=seen_version(form),
        outside_dates_ok=form.confirm_dates.data), versioned=session)
    if ok:
        flash("The session has been updated. Calendars that subscribe will update too.", "success")
        return redirect(url_for("programme.session", cohort_id=cohort.id, session_id=session.id))
    return render_template("programme/session_form.html", cohort=cohort, form=form, session=session)


@bp.route("/cohorts/<int:cohort_id>/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
@guard(can_facilitate)
def cancel_session(cohort, session):
    if session.is_cancelled:
        flash("This session has already been cancelled.", "info")
        return redirect(url_for("programme.session", cohort_id=cohort.id, session_id=session.id))
    form = ConfirmForm()
    ok, _ = attempt(form, lambda: services.cancel_session(current_user, session), flash_errors=True)
    if ok:
        flash(f"{session.title} has been cancelled.", "success")
    if form.is_submitted():
        return redirect(url_for("programme.programme", cohort_id=cohort.id))
    return render_template("programme/cancel.html", cohort=cohort, session=session, form=form)


@bp.route("/cohorts/<int:cohort_id>/objectives", methods=["GET", "POST"])
@guard(can_facilitate)
def objectives(cohort):
    form = ObjectivesForm()
    if request.method == "GET":
        form.objectives.data = "\n".join(o.text for o in services.programme_objectives(cohort))
    ok, _ = attempt(form, lambda: services.set_programme_objectives(
        current_user, cohort, form.objectives.data, remove_all=form.remove_all.data))
    if ok:
        flash("The programme's objectives have been saved.", "success")
        return redirect(url_for("programme.programme", cohort_id=cohort.id))
    return render_template("programme/objectives.html", cohort=cohort, form=form)


@bp.post("/cohorts/<int:cohort_id>/sessions/<int:session_id>/materials")
@guard(can_facilitate)
def add_material(cohort, session):
    form = MaterialForm()
    upload = form.file.data
    ok, _ = attempt(form, lambda: services.add_material(
        current_user, session, form.title.data, url=form.url.data or None,
        filename=upload.filename if upload else None,
        data=upload.read() if upload and upload.filename else None), flash_errors=True)
    if ok:
        flash("The material has been added.", "success")
    return redirect(url_for("programme.session", cohort_id=cohort.id, session_id=session.id))


@bp.route("/cohorts/<int:cohort_id>/sessions/<int:session_id>/materials/<int:material_id>")
@guard(can_view_cohort)
def material(cohort, session, material):
    if material.url:
        return redirect(material.url)
    return send_download(material.data, material.filename, material.content_type)


@bp.post("/cohorts/<int:cohort_id>/sessions/<int:session_id>/materials/<int:material_id>/delete")
@guard(can_facilitate)
def remove_material(cohort, session, material):
    ok, _ = attempt(ConfirmForm(), lambda: services.remove_material(current_user, material),
                    flash_errors=True)
    if ok:
        flash("The material has been removed.", "success")
    return redirect(url_for("programme.session", cohort_id=cohort.id, session_id=session.id))


@bp.route("/cohorts/<int:cohort_id>/sessions/<int:session_id>/attendance", methods=["GET", "POST"])
@guard(can_facilitate)
def attendance(cohort, session):
    people = services.attendees(session)
    form = radio_grid([(m.id, m.user.name) for m in people], ATTENDANCE,
                      invalid="Choose present, apologies or absent for each member",
                      unexpected="Attendance can only be recorded for members of this cohort")
    if request.method == "GET":
        for membership_id, mark in services.attendance_of(session).items():
            if f"row-{membership_id}" in form:
                form[f"row-{membership_id}"].data = mark
    ok, count = attempt(form, lambda: services.record_attendance(
        current_user, session, {int(key): mark for key, mark in grid_answers(form).items()}))
    if ok:
        flash(f"Attendance saved for {count} {'person' if count == 1 else 'people'}.", "success")
        return redirect(url_for("programme.attendance", cohort_id=cohort.id, session_id=session.id))
    return render_template("programme/attendance.html", cohort=cohort, session=session,
                           people=people, form=form, choices=ATTENDANCE,
                           started=session.starts_at <= utcnow())


@bp.route("/cohorts/<int:cohort_id>/sessions/<int:session_id>/confidence", methods=["GET", "POST"])
@guard(takes_part)
def confidence(cohort, session):
    membership = membership_in(current_user, cohort)
    form = radio_grid([(o.id, o.text) for o in session.objectives], RATINGS,
                      required="Rate your confidence on every objective",
                      invalid="Choose a rating from 1 to 5 for every objective")
    if request.method == "GET":
        for objective_id, rating in services.ratings_of(session, membership).items():
            form[f"row-{objective_id}"].data = str(rating)
    ok, _ = attempt(form, lambda: services.rate_objectives(membership, session, {
        int(key): int(value) for key, value in grid_answers(form).items()}))
    if ok:
        flash("Thank you: your ratings are saved.", "success")
        return redirect(url_for("programme.session", cohort_id=cohort.id, session_id=session.id))
    return render_template("programme/confidence.html", cohort=cohort, session=session,
                           form=form, can_rate=services.can_rate(session))


def _ics_response(body: bytes, filename: str):
    """A calendar file; a calendar app polling the feed may keep it for five minutes."""
    return send_download(body, filename, "text/calendar", max_age=300)


@bp.route("/cohorts/<int:cohort_id>/sessions/<int:session_id>.ics")
@guard(can_view_cohort)
def session_ics(cohort, session):
    body = calendar.ics([session], cohort.title, _session_link)
    return _ics_response(body, f"session-{session.id}.ics")


def _session_link(session) -> str:
    return url_for("programme.session", cohort_id=session.cohort_id, session_id=session.id,
                   _external=True)


@bp.route("/calendar/<token>.ics")
@public("a calendar app's subscription; the secret token in the URL is the credential")
def feed(token: str):
    """A personal feed for calendar apps: its secret URL is the credential."""
    user = user_by_calendar_token(token)
    if user is None:
        abort(404)
    sessions = []
    for membership in memberships_for(user):
        sessions += services.sessions_for(membership.cohort, membership.role)
    return _ics_response(calendar.ics(sessions, "Cohort sessions", _session_link), "cohort.ics")


@bp.route("/account/calendar")
@guard()
def calendar_page():
    token = current_user.calendar_token
    return render_template("programme/calendar.html", form=ConfirmForm(), feed_url=url_for(
        "programme.feed", token=token, _external=True) if token else None)


@bp.post("/account/calendar/reset")
@guard()
def reset_calendar():
    ok, _ = attempt(ConfirmForm(), lambda: reset_calendar_token(current_user), flash_errors=True)
    if ok:
        flash("Your calendar link has changed. Subscribe again with the new link; the old one no "
              "longer works.", "success")
    return redirect(url_for("programme.calendar_page"))
