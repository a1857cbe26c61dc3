"""The resource library: filter by topic and hallmark; facilitators add resources, members
propose them for a facilitator to approve."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from cohort.board import services
from cohort.board.forms import ResourceForm
from cohort.board.permissions import can_manage_resources, can_post
from cohort.board.views import bp
from cohort.board.views.common import file_in, load_board
from cohort.core.forms import ConfirmForm, attempt
from cohort.plans.services import cohort_framework


@bp.route("/cohorts/<int:cohort_id>/resources")
@login_required
def resources(cohort_id: int):
    cohort, _membership, moderator = load_board(cohort_id)
    framework = cohort_framework(cohort)
    hallmarks = {h.id: h for h in framework.hallmarks} if framework else {}
    by_key = {h.key: h for h in hallmarks.values()}
    topic = request.args.get("topic") or None
    hallmark = by_key.get(request.args.get("hallmark") or "")
    found = services.resources_of(cohort, current_user, moderator, topic,
                                  hallmark.id if hallmark else None)
    return render_template("board/resources.html", cohort=cohort, resources=found,
                           topics=services.topics_of(cohort), topic=topic, hallmark=hallmark,
                           hallmarks=hallmarks, tags=services.hallmark_tags(cohort),
                           moderator=moderator, confirm=ConfirmForm(),
                           manage=can_manage_resources(current_user, cohort))


@bp.route("/cohorts/<int:cohort_id>/resources/new", methods=["GET", "POST"])
@login_required
def new_resource(cohort_id: int):
    cohort, _membership, moderator = load_board(cohort_id)
    if not can_post(current_user, cohort):
        abort(403)
    framework = cohort_framework(cohort)
    form = ResourceForm()
    form.hallmarks.choices = [(h.key, h.label) for h in framework.hallmarks] if framework else []
    ok, resource = attempt(form, lambda: services.add_resource(
        current_user, cohort, services.ResourceData(
            title=form.title.data, topic=form.topic.data, description=form.description.data,
            url=form.url.data, upload=file_in(form.file),
            hallmarks=list(form.hallmarks.data or [])), approved=moderator))
    if ok:
        flash("The resource is in the library." if resource.status == "approved" else
              "Thank you: a facilitator will look at the resource and add it to the library.",
              "success")
        return redirect(url_for("board.resources", cohort_id=cohort.id))
    return render_template("board/new_resource.html", cohort=cohort, form=form,
                           topics=services.topics_of(cohort), moderator=moderator)


def _resource(cohort, resource_id: int):
    if not can_manage_resources(current_user, cohort):
        abort(403)
    return services.get_resource(cohort, resource_id) or abort(404)


@bp.post("/cohorts/<int:cohort_id>/resources/<int:resource_id>/approve")
@login_required
def approve_resource(cohort_id: int, resource_id: int):
    cohort, _membership, _moderator = load_board(cohort_id)
    resource = _resource(cohort, resource_id)
    ok, _ = attempt(ConfirmForm(), lambda: services.approve_resource(current_user, resource),
                    flash_errors=True)
    if ok:
        flash(f"{resource.title} is in the library.", "success")
    return redirect(url_for("board.resources", cohort_id=cohort.id))


@bp.post("/cohorts/<int:cohort_id>/resources/<int:resource_id>/remove")
@login_required
def remove_resource(cohort_id: int, resource_id: int):
    cohort, _membership, _moderator = load_board(cohort_id)
    resource = _resource(cohort, resource_id)
    title = resource.title
    ok, _ = attempt(ConfirmForm(), lambda: services.remove_resource(current_user, resource),
                    flash_errors=True)
    if ok:
        flash(f"{title} is removed from the library.", "success")
    return redirect(url_for("board.resources", cohort_id=cohort.id))
