"""Giving surveys (facilitators) and answering them (the cohort's participants)."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from cohort.cohorts.permissions import can_facilitate, membership_in
from cohort.core.forms import ConfirmForm, attempt, seen_version
from cohort.core.guard import guard
from cohort.core.timeutil import format_date, format_local, utcnow
from cohort.evaluation import services
from cohort.evaluation.forms import PHASES, AttachForm, DatesForm, answer_form
from cohort.evaluation.permissions import can_answer_surveys
from cohort.evaluation.views import bp
from surveys.instrument import shipped


@bp.route("/cohorts/<int:cohort_id>/surveys", methods=["GET", "POST"])
@guard(can_facilitate)
def surveys(cohort):
    instruments = shipped()
    form = AttachForm()
    form.set_instruments(instruments)

    def attach():
        opens_at, closes_at = form.window(cohort.timezone)
        return services.attach_survey(current_user, cohort, form.instrument.data,
                                      form.phase.data, opens_at, closes_at,
                                      form.privacy.data != "named")

    # A finished cohort shows no form: a refusal is flashed above the list.
    ok, survey = attempt(form, attach, flash_errors=cohort.is_finished)
    if ok:
        when = (f"it is open now and closes on {format_date(survey.closes_at, cohort.timezone)}"
                if survey.opens_at <= utcnow() else
                f"it opens on {format_date(survey.opens_at, cohort.timezone)}")
        flash(f"The survey “{survey.title}” is given to the cohort: {when}.", "success")
        return redirect(url_for("evaluation.survey", cohort_id=cohort.id, survey_id=survey.id))
    given = services.surveys_of(cohort)
    return render_template("evaluation/surveys.html", cohort=cohort, form=form,
                           rows=[(s, services.tracking(s)) for s in given], phases=PHASES,
                           instruments=instruments, now=utcnow())


@bp.route("/cohorts/<int:cohort_id>/surveys/<int:survey_id>", methods=["GET", "POST"])
@guard(can_facilitate)
def survey(cohort, survey):
    given = survey
    form = DatesForm()
    if request.method == "GET":
        form.fill(given.opens_at, given.closes_at, cohort.timezone)
    ok, _ = attempt(form, lambda: services.change_dates(
        current_user, given, *form.window(cohort.timezone)), flash_errors=cohort.is_finished)
    if ok:
        flash(f"The survey now opens on {format_local(given.opens_at, cohort.timezone)} and "
              f"closes on {format_local(given.closes_at, cohort.timezone)}.", "success")
        return redirect(url_for("evaluation.survey", cohort_id=cohort.id, survey_id=given.id))
    eligible, submitted, waiting = services.tracking(given)
    return render_template("evaluation/survey.html", cohort=cohort, survey=given,
                           eligible=eligible, submitted=submitted, waiting=waiting,
                           started=services.started_count(given), form=form,
                           confirm=ConfirmForm(),
                           items=services.instrument_of(given).items_at(given.phase),
                           phases=PHASES, now=utcnow())


@bp.post("/cohorts/<int:cohort_id>/surveys/<int:survey_id>/remove")
@guard(can_facilitate)
def remove_survey(cohort, survey):
    given = survey
    title = given.title
    ok, _ = attempt(ConfirmForm(), lambda: services.remove_survey(current_user, given),
                    flash_errors=True)
    if ok:
        flash(f"{title} is removed.", "success")
        return redirect(url_for("evaluation.surveys", cohort_id=cohort.id))
    return redirect(url_for("evaluation.survey", cohort_id=cohort.id, survey_id=given.id))


def _state(survey, response, now) -> str:
    """Where a survey stands for one person: not_yet, open, draft, submitted or closed."""
    if now < survey.opens_at:
        return "not_yet"
    if not services.is_open(survey, now):
        return "closed"
    if response is not None and response.submitted_at is not None:
        return "submitted"
    return "draft" if response is not None else "open"


@bp.route("/cohorts/<int:cohort_id>/my-surveys")
@guard(can_answer_surveys)
def my_surveys(cohort):
    membership = membership_in(current_user, cohort)
    now = utcnow()
    rows = []
    for given in services.surveys_of(cohort):
        response = services.response_of(given, membership)
        rows.append((given, response, _state(given, response, now)))
    return render_template("evaluation/my_surveys.html", cohort=cohort, rows=rows,
                           phases=PHASES)


@bp.route("/cohorts/<int:cohort_id>/surveys/<int:survey_id>/answer", methods=["GET", "POST"])
@guard(can_answer_surveys)
def answer(cohort, survey):
    given = survey
    membership = membership_in(current_user, cohort)
    response = services.response_of(given, membership)
    now = utcnow()
    state = _state(given, response, now)
    shown = state not in ("not_yet", "closed")
    # A survey that is not open shows no questions; the services refuse a POST to it with
    # their own message, flashed above the page.
    items = services.instrument_of(given).items_at(given.phase) if shown else ()
    # Once submitted, answers change only as a whole submission, never back to a draft.
    submit = state == "submitted" or request.form.get("action") == "submit"
    form = answer_form(items, submitting=submit)
    if request.method == "GET" and response is not None:
        form.fill(response)
    seen = seen_version(form)
    if response is not None and seen is None:
        # The form was loaded before the first answers were saved (in another tab): refuse
        # rather than overwrite, and offer the current version to save over.
        seen = 0
    ok, _ = attempt(form, lambda: services.save_answers(
        current_user, membership, given, form.answers(), submit=submit, seen_version=seen),
        flash_errors=not shown, versioned=response)
    closes = format_local(given.closes_at, cohort.timezone)
    if ok and submit:
        flash(f"Your answers are submitted. You can change them until {closes}.", "success")
        return redirect(url_for("evaluation.my_surveys", cohort_id=cohort.id))
    if ok:
        flash(f"Your answers are saved. Come back before {closes} to finish and submit them.",
              "success")
        return redirect(url_for("evaluation.answer", cohort_id=cohort.id, survey_id=given.id))
    return render_template("evaluation/answer.html", cohort=cohort, survey=given, form=form,
                           response=response, state=state, phases=PHASES)
