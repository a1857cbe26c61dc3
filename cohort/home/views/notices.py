"""The person's notifications: what happened for them, newest first, each linking to what it
is about; opening one marks it read, and one button marks them all read."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from cohort.core.database import commit_bookkeeping
from cohort.core.forms import ConfirmForm, attempt
from cohort.core.guard import guard
from cohort.core.notices import mark_all_read, mark_read
from cohort.core.pagecache import cached
from cohort.home import services
from cohort.home.views import bp


@bp.app_context_processor
def _unread_notices():
    """The header's count, looked up only when a page draws it for a signed-in person."""
    return {"unread_notices": lambda: services.unread_count(current_user)}


@bp.route("/notifications", methods=["GET", "POST"])
@cached
@guard()
def notifications():
    only_unread = request.args.get("show") == "unread"
    form = ConfirmForm()
    ok, marked = attempt(form, lambda: mark_all_read(current_user), flash_errors=True)
    if ok:
        flash("All your notifications are marked as read." if marked else
              "You had no unread notifications.", "success")
        return redirect(url_for("home.notifications"))
    page, shown = services.notices_page(current_user, request.args.get("page"), only_unread)
    # A notice about nothing in particular (an application decided) is all in its words:
    # seeing it here is reading it.
    plain = [item.notice for item in shown if item.link is None and item.notice.read_at is None]
    if plain:
        commit_bookkeeping(lambda: [mark_read(notice) for notice in plain])
    return render_template("home/notifications.html", page=page, shown=shown, form=form,
                           only_unread=only_unread, new={item.notice.id for item in shown
                                                         if item.notice.read_at is None} | {
                               notice.id for notice in plain})


@bp.route("/notifications/<int:notice_id>")
@guard()
def open_notice(notice):
    """Mark the notice read and go to what it is about. Following a link is reading it, so a
    GET notes it, as a page notes how far a member has read."""
    link = services.notice_link(current_user, notice)
    commit_bookkeeping(lambda: mark_read(notice))  # a busy database: read next time
    if link is None:
        flash("What this notification was about is no longer available to you." if
              notice.subject else "This notification has no page of its own.", "info")
        return redirect(url_for("home.notifications"))
    endpoint, values = link
    return redirect(url_for(endpoint, **values))
