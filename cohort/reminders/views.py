"""Reminders: the facilitator's list, form (with a preview), delivery log and test send; each
member's reminder settings."""


from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from cohort.cohorts.permissions import can_facilitate, is_member, membership_in
from cohort.cohorts.services import cohort_members
from cohort.core.errors import UserError
from cohort.core.forms import ConfirmForm, ascii_number, attempt, seen_version
from cohort.core.guard import guard
from cohort.core.pagecache import cached
from cohort.core.timeutil import format_clock, format_date, to_local, zone_for
from cohort.extensions import db
from cohort.programme.models import ProgrammeSession
from cohort.programme.services import local_to_utc, parse_clock
from cohort.reminders import services
from cohort.reminders.forms import ReminderForm, ResendForm
from cohort.reminders.moments import kinds
from cohort.reminders.services import ReminderData

bp = Blueprint("reminders", __name__)


@bp.route("/cohorts/<int:cohort_id>/reminders")
@cached
@guard(can_facilitate)
def index(cohort):
    return render_template("reminders/index.html", cohort=cohort,
                           reminders=services.reminders_of(cohort),
                           describe=services.describe_when)


def _choices(form: ReminderForm, cohort) -> None:
    sessions = db.session.execute(select(ProgrammeSession).where(
        ProgrammeSession.cohort_id == cohort.id, ProgrammeSession.status == "scheduled")
        .order_by(ProgrammeSession.starts_at)).scalars().all()
    form.session.choices = [SelectChoice("", "Every session, including those scheduled later")] + [
        SelectChoice(str(s.id), f"{s.title} ({format_date(s.starts_at, zone_for(current_user))})")
        for s in sessions]
    registered = kinds()
    form.moment_key.choices = [SelectChoice(k, v.label) for k, v in registered.items()]
    if not registered:
        form.when.choices = [c for c in form.when.choices if "moment" not in c.value]
    form.chosen.choices = [SelectChoice(str(m.id), f"{m.user.name} ({m.role_label.lower()})")
                           for m in cohort_members(cohort)]


def _data(form: ReminderForm, cohort) -> ReminderData:
    """What the form says, as the services take it; raises UserError for a bad time."""
    minutes = ((form.days.data or 0) * 24 + (form.hours.data or 0)) * 60
    when = form.when.data
    anchor = {"before": "session_start", "after": "session_end", "fixed": "fixed"}.get(
        when, "moment")
    fixed_at = None
    if when == "fixed":
        if form.fixed_day.data is None:
            raise UserError("Enter the date to send it", "fixed_day")
        fixed_at = local_to_utc(form.fixed_day.data, parse_clock(form.fixed_time.data, "time"),
                                cohort.timezone)
    chosen = [ascii_number(raw) for raw in form.chosen.data or []]
    if None in chosen:
        raise UserError("Choose people who are in this cohort", "chosen")
    session_id = ascii_number(form.session.data)
    if form.session.data and session_id is None:
        raise UserError("Choose a session of this cohort", "session")
    return ReminderData(
        anchor=anchor, offset_minutes=-minutes if when.startswith("before") else minutes,
        session_id=session_id, fixed_at=fixed_at,
        moment_key=form.moment_key.data, audience=form.audience.data, chosen=chosen,
        subject=form.subject.data or "", body=form.body.data or "",
        essential=form.essential.data)


def _preview(form: ReminderForm, cohort, reminder=None):
    """The reminder as the facilitator would receive it, without saving anything."""
    data = _data(form, cohort)
    draft = services.preview_reminder(cohort, data)
    return services.preview_of(draft, membership_in(current_user, cohort))


def _form_page(cohort, form, reminder=None):
    preview, problem = None, None
    if form.is_submitted() and form.action.data == "preview" and form.validate():
        try:
            preview = _preview(form, cohort, reminder)
        except UserError as error:
            problem = error
            form.form_errors.append(str(error))
    return render_template("reminders/form.html", cohort=cohort, form=form, reminder=reminder,
                           preview=preview, problem=problem)


@bp.route("/cohorts/<int:cohort_id>/reminders/new", methods=["GET", "POST"])
@guard(can_facilitate)
def new(cohort):
    form = ReminderForm()
    _choices(form, cohort)
    if request.method == "GET":
        form.when.data, form.days.data = "before", 1
        form.subject.data = "Reminder: ((session)) on ((time))"
    if form.action.data != "preview":
        ok, _ = attempt(form, lambda: services.add_reminder(current_user, cohort,
                                                            _data(form, cohort)))
        if ok:
            flash("The reminder is scheduled.", "success")
            return redirect(url_for("reminders.index", cohort_id=cohort.id))
    return _form_page(cohort, form)


def _fill(form: ReminderForm, reminder) -> None:
    minutes = abs(reminder.offset_minutes)
    form.days.data, form.hours.data = minutes // 1440, (minutes % 1440) // 60
    before = reminder.offset_minutes < 0
    form.when.data = {"session_start": "before", "session_end": "after", "fixed": "fixed"}.get(
        reminder.anchor, "before_moment" if before else "after_moment")
    if reminder.anchor == "session_start" and not before:
        form.when.data = "after"
    form.session.data = str(reminder.session_id or "")
    if reminder.fixed_at:
        local = to_local(reminder.fixed_at, reminder.cohort.timezone)
        form.fixed_day.process(None, local.date())
        form.fixed_time.data = format_clock(reminder.fixed_at, reminder.cohort.timezone)
    form.moment_key.data = reminder.moment_key
    form.audience.data = reminder.audience
    form.chosen.data = [str(c.membership_id) for c in reminder.chosen]
    form.subject.data, form.body.data = reminder.subject, reminder.body
    form.essential.data, form.version.data = reminder.essential, str(reminder.version)


@bp.route("/cohorts/<int:cohort_id>/reminders/<int:reminder_id>/edit", methods=["GET", "POST"])
@guard(can_facilitate)
def edit(cohort, reminder):
    form = ReminderForm()
    _choices(form, cohort)
    if request.method == "GET":
        _fill(form, reminder)
    if form.action.data != "preview":
        ok, _ = attempt(form, lambda: services.update_reminder(
            current_user, reminder, _data(form, cohort), seen_version(form)),
            versioned=reminder)
        if ok:
            flash("The reminder is saved.", "success")
            return redirect(url_for("reminders.index", cohort_id=cohort.id))
    return _form_page(cohort, form, reminder)


@bp.post("/cohorts/<int:cohort_id>/reminders/<int:reminder_id>/cancel")
@guard(can_facilitate)
def cancel(cohort, reminder):
    ok, _ = attempt(ConfirmForm(), lambda: services.cancel_reminder(current_user, reminder),
                    flash_errors=True)
    if ok:
        flash("The reminder is cancelled.", "success")
    return redirect(url_for("reminders.index", cohort_id=cohort.id))


@bp.post("/cohorts/<int:cohort_id>/reminders/<int:reminder_id>/test")
@guard(can_facilitate)
def test(cohort, reminder):
    ok, _ = attempt(ConfirmForm(), lambda: services.send_test(
        reminder, membership_in(current_user, cohort)), flash_errors=True)
    if ok:
        flash(f"A test has been sent to {current_user.email}.", "success")
    return redirect(url_for("reminders.deliveries", cohort_id=cohort.id,
                            reminder_id=reminder.id))


@bp.route("/cohorts/<int:cohort_id>/reminders/<int:reminder_id>")
@guard(can_facilitate)
def deliveries(cohort, reminder):
    return render_template("reminders/deliveries.html", cohort=cohort, reminder=reminder,
                           title=services.title_of(reminder, membership_in(current_user, cohort)),
                           deliveries=services.deliveries_of(reminder, request.args.get("page")),
                           describe=services.describe_when, confirm=ConfirmForm(),
                           not_again=services.why_not_again(reminder))


@bp.post("/cohorts/<int:cohort_id>/reminders/<int:reminder_id>/resend")
@guard(can_facilitate)
def resend(cohort, reminder):
    form = ResendForm()
    ok, delivery = attempt(form, lambda: services.resend_delivery(
        current_user, reminder, ascii_number(form.delivery.data)), flash_errors=True)
    if ok:
        flash(f"The reminder to {delivery.membership.user.name} is being sent again.", "success")
    return redirect(url_for("reminders.deliveries", cohort_id=cohort.id,
                            reminder_id=reminder.id))


@bp.route("/cohorts/<int:cohort_id>/reminders/settings")
@guard(is_member)
def settings(cohort):
    """The old reminder settings page: a member's settings are now on one page (accounts)."""
    return redirect(url_for("accounts.settings", _anchor=f"cohort-{cohort.id}-reminders"))
