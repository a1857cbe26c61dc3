"""A place's action plan: the list, an item with its progress and history, adding and
changing items, recording progress, the CSV export and the printable page."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cohort.cohorts.permissions import is_member
from cohort.core.downloads import send_download
from cohort.core.forms import ascii_number, attempt, seen_version
from cohort.core.guard import guard
from cohort.core.pagecache import cached
from cohort.plans import services
from cohort.plans.forms import ItemForm, ProgressForm
from cohort.plans.permissions import can_edit_plan, can_view_maturity, can_view_plan
from cohort.plans.services import ItemData, place_label
from cohort.plans.views import bp
from cohort.plans.views.common import framework_of, own_membership, who


@bp.route("/cohorts/<int:cohort_id>/plan")
@guard(is_member)
def my_plan(cohort):
    """Your place's plan; the facilitator and evaluator go to the cohort's overview."""
    membership = own_membership(cohort)
    if membership is not None:
        return redirect(url_for("plans.plan", cohort_id=cohort.id,
                                place_id=membership.place_id))
    if can_view_maturity(current_user, cohort):
        return redirect(url_for("plans.maturity", cohort_id=cohort.id))
    abort(404)


def _words(cohort, framework) -> dict:
    """The levels and hallmarks by id in every version of the framework, so an item made
    under an earlier version shows the words it was made with."""
    versions = services.versions_of(cohort, framework)
    return {"levels": versions.levels, "hallmarks": versions.hallmarks}


def _page(cohort, place, framework, template: str, items, **context):
    latest = services.latest_agreed(cohort, place, framework)
    return render_template(template, cohort=cohort, place=place, framework=framework,
                           label=place_label(place), items=items,
                           **_words(cohort, framework),
                           latest=latest, today=services.local_today(cohort),
                           overdue_after=services.overdue_after(cohort),
                           who=who(cohort, [place.id]), **context)


@bp.route("/cohorts/<int:cohort_id>/places/<int:place_id>/plan")
@cached
@guard(can_view_plan)
def plan(cohort, place):
    framework = framework_of(cohort)
    page = services.items_page(services.plan_of(place), request.args.get("page"))
    return _page(cohort, place, framework, "plans/plan.html", page.items, page=page,
                 people=services.people_on(place))


@bp.route("/cohorts/<int:cohort_id>/places/<int:place_id>/plan/print")
@guard(can_view_plan)
def plan_print(cohort, place):
    framework = framework_of(cohort)
    return _page(cohort, place, framework, "plans/print.html",
                 services.items_of(services.plan_of(place)),
                 rounds=services.place_rounds(cohort, place, framework))


@bp.route("/cohorts/<int:cohort_id>/places/<int:place_id>/plan.csv")
@guard(can_view_plan)
def plan_csv(cohort, place):
    framework = framework_of(cohort)
    label = place_label(place)
    ok, lines = attempt(None, lambda: services.export_plan(
        current_user, place, framework, label, who(cohort, [place.id])))
    if not ok:  # the database stayed busy: the message is flashed on the plan
        return redirect(url_for("plans.plan", cohort_id=cohort.id, place_id=place.id))
    name = "".join(c if c.isalnum() else "-" for c in label.lower()).strip("-") or "place"
    return send_download(lines, f"action-plan-{name}.csv", "text/csv")


def _item_data(form: ItemForm) -> ItemData:
    owner = ascii_number(form.owner_id.data)
    return ItemData(title=form.title.data or "", hallmarks=list(form.hallmarks.data or []),
                    current_level=form.current_level.data, target_level=form.target_level.data,
                    owner_id=owner, due_on=form.due_on.data, status=form.status.data,
                    details=(form.details.data or "").strip() or None)


@bp.route("/cohorts/<int:cohort_id>/places/<int:place_id>/plan/items/new",
          methods=["GET", "POST"])
@guard(can_view_plan, can_edit_plan)
def new_item(cohort, place):
    framework = framework_of(cohort)
    people = services.people_on(place)
    form = ItemForm()
    form.set_choices(framework, people)
    if request.method == "GET":
        form.owner_id.data = str(current_user.id)
        hallmark = request.args.get("hallmark")
        if hallmark in {h.key for h in framework.hallmarks}:
            form.hallmarks.data = [hallmark]
    ok, item = attempt(form, lambda: services.add_item(current_user, place, framework,
                                                       _item_data(form)))
    if ok:
        flash("The item is added to the plan.", "success")
        return redirect(url_for("plans.item", cohort_id=cohort.id, place_id=place.id,
                                item_id=item.id))
    return render_template("plans/item_form.html", cohort=cohort, place=place, form=form,
                           label=place_label(place), item=None, framework=framework)


@bp.route("/cohorts/<int:cohort_id>/places/<int:place_id>/plan/items/<int:item_id>")
@guard(can_view_plan)
def item(cohort, place, item):
    framework = framework_of(cohort)
    updates, changes = services.history_of(item)
    return render_template("plans/item.html", cohort=cohort, place=place, item=item,
                           framework=framework, label=place_label(place), updates=updates,
                           changes=changes, progress=ProgressForm(),
                           **_words(cohort, framework),
                           people={m.user_id for m in services.people_on(place)},
                           overdue_after=services.overdue_after(cohort),
                           who=who(cohort, [place.id]))


@bp.route("/cohorts/<int:cohort_id>/places/<int:place_id>/plan/items/<int:item_id>/edit",
          methods=["GET", "POST"])
@guard(can_view_plan, can_edit_plan)
def edit_item(cohort, place, item):
    framework = framework_of(cohort)
    form = ItemForm()
    form.set_choices(framework, services.people_on(place), owner=item.owner)
    if request.method == "GET":
        words = _words(cohort, framework)
        levels = {level_id: level.key for level_id, level in words["levels"].items()}
        hallmarks = {h.id: h.key for h in words["hallmarks"].values()}
        form.title.data, form.details.data = item.title, item.details
        form.hallmarks.data = [hallmarks[h] for h in item.hallmark_ids if h in hallmarks]
        form.current_level.data = levels.get(item.current_level_id, services.NOT_YET)
        form.target_level.data = levels.get(item.target_level_id)
        form.owner_id.data, form.status.data = str(item.owner_id), item.status
        form.due_on.process(None, item.due_on)
        form.version.data = str(item.version)
    ok, _ = attempt(form, lambda: services.update_item(
        current_user, item, framework, _item_data(form), seen_version(form)),
        versioned=item)
    if ok:
        flash("The item is saved.", "success")
        return redirect(url_for("plans.item", cohort_id=cohort.id, place_id=place.id,
                                item_id=item.id))
    return render_template("plans/item_form.html", cohort=cohort, place=place, form=form,
                           label=place_label(place), item=item, framework=framework)


@bp.post("/cohorts/<int:cohort_id>/places/<int:place_id>/plan/items/<int:item_id>/progress")
@guard(can_view_plan, can_edit_plan)
def progress(cohort, place, item):
    framework = framework_of(cohort)
    form = ProgressForm()
    ok, _ = attempt(form, lambda: services.add_progress(
        current_user, item, form.text.data, form.evidence.data, form.status.data or None))
    if ok:
        flash("Your update is recorded.", "success")
        return redirect(url_for("plans.item", cohort_id=cohort.id, place_id=place.id,
                                item_id=item.id))
    updates, changes = services.history_of(item)
    return render_template("plans/item.html", cohort=cohort, place=place, item=item,
                           framework=framework, label=place_label(place), updates=updates,
                           changes=changes, progress=form,
                           **_words(cohort, framework),
                           people={m.user_id for m in services.people_on(place)},
                           overdue_after=services.overdue_after(cohort),
                           who=who(cohort, [place.id])), 200
