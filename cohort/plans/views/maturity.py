"""The cohort's maturity for its facilitators and evaluators: the heatmap with its charts and
tables, the items overdue or blocked; the facilitator's rounds and framework."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cohort.cohorts.permissions import can_facilitate
from cohort.core.downloads import send_download
from cohort.core.forms import ConfirmForm, ascii_number, attempt
from cohort.core.guard import guard
from cohort.core.pagecache import cached
from cohort.plans import charts, services
from cohort.plans.forms import FrameworkChoiceForm, ImportForm, RoundForm
from cohort.plans.permissions import can_view_maturity
from cohort.plans.services import ROUND_NAMES, FrameworkFileError, place_label
from cohort.plans.views import bp
from cohort.plans.views.common import who


def _charts(cohort, heatmap) -> dict:
    framework = heatmap.framework
    hallmarks = tuple(h.key for h in framework.hallmarks)
    levels = tuple(level.name for level in framework.levels)
    labels = tuple(place_label(p) for p in heatmap.places)
    cells = tuple(tuple(heatmap.cell(p, h).position for h in framework.hallmarks)
                  for p in heatmap.places)
    result = {"heatmap": charts.data_url(charts.heatmap_svg(
        f"Where each place stands: {cohort.title}", labels, hallmarks, cells, levels))}
    if len(heatmap.rounds) > 1:
        result["change"] = charts.data_url(charts.change_svg(
            "Average agreed level, first round and latest", hallmarks,
            tuple(heatmap.mean(h, "first") for h in framework.hallmarks),
            tuple(heatmap.mean(h, "position") for h in framework.hallmarks), levels))
    return result


@bp.route("/cohorts/<int:cohort_id>/maturity")
@cached
@guard(can_view_maturity)
def maturity(cohort):
    framework = services.cohort_framework(cohort)
    if framework is None:
        return render_template("plans/maturity.html", cohort=cohort, framework=None)
    heatmap = services.heatmap(cohort, framework)
    return render_template("plans/maturity.html", cohort=cohort, framework=framework,
                           heatmap=heatmap, charts=_charts(cohort, heatmap),
                           label=place_label, who=who(cohort, [p.id for p in heatmap.places]))


@bp.route("/cohorts/<int:cohort_id>/maturity/<any(overdue, blocked):which>")
@guard(can_view_maturity)
def attention(cohort, which: str):
    """Every item of the cohort overdue or blocked, a page at a time."""
    page, places, place_of = services.attention_page(cohort, which, request.args.get("page"))
    return render_template("plans/attention.html", cohort=cohort, which=which, page=page,
                           place_of=place_of, label=place_label,
                           who=who(cohort, [p.id for p in places]))


@bp.route("/cohorts/<int:cohort_id>/maturity/rounds", methods=["GET", "POST"])
@guard(can_view_maturity)
def rounds(cohort):
    if request.method == "POST" and not can_facilitate(current_user, cohort):
        abort(403)
    form = RoundForm()
    existing = services.rounds_of(cohort)
    if request.method == "GET":
        form.name.data = ROUND_NAMES[min(len(existing), len(ROUND_NAMES) - 1)]
    ok, opened = attempt(form, lambda: services.open_round(current_user, cohort,
                                                           form.name.data))
    if ok:
        flash(f"{opened.name} is open: the people on each place can now rate their work.",
              "success")
        return redirect(url_for("plans.rounds", cohort_id=cohort.id))
    return render_template("plans/rounds.html", cohort=cohort, rounds=existing, form=form,
                           progress=services.round_progress(cohort), confirm=ConfirmForm(),
                           framework=services.cohort_framework(cohort))


@bp.post("/cohorts/<int:cohort_id>/maturity/rounds/<int:round_id>/close")
@guard(can_facilitate)
def close_round(cohort, assessment_round):
    ok, _ = attempt(ConfirmForm(), lambda: services.close_round(current_user, assessment_round),
                    flash_errors=True)
    if ok:
        flash(f"{assessment_round.name} is closed.", "success")
    return redirect(url_for("plans.rounds", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/maturity/framework", methods=["GET", "POST"])
@guard(can_view_maturity)
def framework(cohort):
    if request.method == "POST" and not can_facilitate(current_user, cohort):
        abort(403)
    current = services.cohort_framework(cohort)
    available = services.frameworks(cohort)
    choice = FrameworkChoiceForm(prefix="choose")
    choice.framework.choices = [(str(f.id), _name(f)) for f in available]
    upload = ImportForm(prefix="import")
    problems: list[str] = []
    if request.method == "GET" and current is not None:
        choice.framework.data = str(current.id)
    if request.form.get("action") == "import":
        ok, installed = attempt(upload, lambda: _import(cohort, upload, problems))
        if ok:
            used = services.cohort_framework(cohort).id == installed.id
            flash(f"{_name(installed)} is imported" + (
                " and is the framework this cohort uses." if used else
                ": choose it below to use it in this cohort."), "success")
            return redirect(url_for("plans.framework", cohort_id=cohort.id))
    elif request.method == "POST":
        ok, _ = attempt(choice, lambda: services.choose_framework(
            current_user, cohort, _chosen(available, choice.framework.data)))
        if ok:
            flash("The cohort's framework is saved.", "success")
            return redirect(url_for("plans.framework", cohort_id=cohort.id))
    return render_template("plans/framework.html", cohort=cohort,
                           current=services.with_descriptors(current),
                           available=available, choice=choice, upload=upload,
                           problems=problems)


@bp.route("/cohorts/<int:cohort_id>/maturity/framework.yaml")
@guard(can_view_maturity)
def framework_file(cohort):
    """The cohort's framework as a file: a starting point for writing another one."""
    current = services.cohort_framework(cohort) or abort(404)
    return send_download(services.framework_file(current), f"{current.key}.yaml",
                         "application/yaml")


def _name(framework) -> str:
    if framework.cohort_id is None:
        return framework.name
    return f"{framework.name} (this cohort's own, version {framework.version})"


def _chosen(available, value):
    """One of the frameworks the cohort may choose (a number in the form; anything else,
    another cohort's framework included, is None)."""
    number = ascii_number(value)
    return next((f for f in available if f.id == number), None)


def _import(cohort, upload: ImportForm, problems: list[str]):
    file = upload.file.data
    if file is None or not getattr(file, "filename", ""):
        raise services.PlanError("Choose a framework file to import", "file")
    try:
        return services.import_file(current_user, cohort, file.read(), file.filename)
    except FrameworkFileError as error:
        problems.extend(error.messages())
        raise services.PlanError(f"The file cannot be imported: {len(error.problems)} "
                                 f"problem{'s' if len(error.problems) != 1 else ''} "
                                 "listed below. Nothing was saved.", "file") from None
