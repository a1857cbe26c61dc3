"""The resource library: filter by topic and hallmark; facilitators add resources, members
propose them for a facilitator to approve."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from cohort.board import services
from cohort.board.forms import ResourceForm
from cohort.board.permissions import (
    can_manage_resources,
    can_moderate,
    can_post,
    can_view_board,
)
from cohort.board.views import bp
from cohort.board.views.common import file_in
from cohort.core.forms import ConfirmForm, attempt
from cohort.core.guard import guard
from cohort.plans.services import cohort_framework


@bp.route("/cohorts/<int:cohort_id>/resources")
@guard(can_view_board)
def resources(cohort):
    moderator = can_moderate(current_user, cohort)
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
@guard(can_post)
def new_resource(cohort):
    moderator = can_moderate(current_user, cohort)
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


@bp.post("/cohorts/<int:cohort_id>/resources/<int:resource_id>/approve")
@guard(can_manage_resources)
def approve_resource(cohort, resource):
    ok, _ = attempt(ConfirmForm(), lambda: services.approve_resource(current_user, resource),
                    flash_errors=True)
    if ok:
        flash(f"{resource.title} is in the library.", "success")
    return redirect(url_for("board.resources", cohort_id=cohort.id))


@bp.post("/cohorts/<int:cohort_id>/resources/<int:resource_id>/remove")
@guard(can_manage_resources)
def remove_resource(cohort, resource):
    title = resource.title
    ok, _ = attempt(ConfirmForm(), lambda: services.remove_resource(current_user, resource),
                    flash_errors=True)
    if ok:
        flash(f"{title} is removed from the library.", "success")
    return redirect(url_for("board.resources", cohort_id=cohort.id))
