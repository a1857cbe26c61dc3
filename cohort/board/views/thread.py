"""A thread: its posts a page at a time, replying (with a quote), editing and deleting your
own posts, following; a feedback request's drafts, questions and answers; and moderation."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cohort.board import services
from cohort.board.forms import (
    EditForm,
    HideForm,
    MoveForm,
    ReplyForm,
    VersionForm,
    answers_form,
)
from cohort.board.models import post_link
from cohort.board.permissions import (
    can_moderate,
    can_post,
    can_view_board,
    is_feedback_request,
    started_thread,
    wrote_post,
)
from cohort.board.views import bp
from cohort.board.views.common import ask_again_for_files, download, file_in, page_arg
from cohort.cohorts.permissions import membership_in
from cohort.core.database import commit_bookkeeping
from cohort.core.errors import UserError
from cohort.core.forms import ConfirmForm, ascii_number, attempt, seen_version
from cohort.core.guard import guard
from cohort.core.hooks import extra_links
from cohort.core.pagecache import cached
from cohort.core.pages import page_number
from cohort.plans.permissions import can_view_plan


def _to_thread(cohort, thread, anchor: str | None = None):
    return redirect(url_for("board.thread", cohort_id=cohort.id, thread_id=thread.id,
                            _anchor=anchor))


def _to_post(thread, post):
    return redirect(url_for("board.thread", **post_link(thread, post.number)))


def _render(cohort, thread, reply=None, answers=None, status=200):
    # Bookkeeping first (how far the member has read), so the commit expires nothing shown;
    # who the reader is in the cohort is settled before it, so it is not read again.
    membership = membership_in(current_user, cohort)
    moderator, can_write = can_moderate(current_user, cohort), can_post(current_user, cohort)
    number = page_number(page_arg())
    up_to = min(thread.post_count, number * services.POSTS_A_PAGE)
    commit_bookkeeping(lambda: services.mark_read(current_user, thread, up_to))
    page = services.posts_page(thread, str(number))
    reply = reply or ReplyForm(formdata=None)
    quoted = services.get_post(thread, ascii_number(request.args.get("quote")) or 0) \
        if request.args.get("quote") else None
    if quoted is not None and quoted.deleted_at is None and quoted.hidden_at is None \
            and not reply.body.data:
        reply.body.data = services.quote(quoted.author.name if quoted.author else "Someone",
                                         quoted.body)
    member = services.board_member(membership)
    handles = services.handles(cohort)
    feedback = thread.kind == "feedback"
    item = services.item_of(thread)
    item_link = url_for("plans.item", cohort_id=cohort.id, place_id=item.plan.place_id,
                        item_id=item.id) if item is not None and can_view_plan(
        current_user, cohort, item.plan.place) else None
    return render_template(
        "board/thread.html", cohort=cohort, thread=thread, page=page, reply=reply,
        moderator=moderator, can_write=can_write,
        acknowledged=member is not None and member.acknowledged_at is not None,
        following=services.is_following(current_user, thread), confirm=ConfirmForm(),
        handles=handles, profiles=_profiles(page.items, handles), item=item,
        item_link=item_link,
        versions=services.versions_of(thread) if feedback else [],
        answers=services.answers_of(thread) if feedback else {},
        givers=services.feedback_givers(thread) if feedback else [],
        answer_form=answers if answers is not None else (
            answers_form(thread, services.own_answers(thread, current_user), formdata=None)
            if feedback else None)), status


def _profiles(posts, handles) -> dict[int, str]:
    """{author's user id: the link to their profile} for the page's posts whose author has one
    the reader may open (an offer of links on a member: see cohort/core/hooks.py)."""
    members = {membership.user_id: membership for membership in handles.values()}
    found: dict[int, str] = {}
    for author_id in dict.fromkeys(post.author_id for post in posts):
        offered = extra_links("member", members[author_id], current_user) \
            if author_id in members else []
        if offered:
            found[author_id] = offered[0][1]
    return found


@bp.route("/cohorts/<int:cohort_id>/board/threads/<int:thread_id>")
@cached
@guard(can_view_board)
def thread(cohort, thread):
    return _render(cohort, thread)


@bp.route("/cohorts/<int:cohort_id>/board/threads/<int:thread_id>/posts/<int:post_id>")
@guard(can_view_board)
def post(cohort, thread, post):
    """The post where it stands: its thread's page that holds it, at its anchor (a search
    result knows the post, not its number)."""
    return _to_post(thread, post)


@bp.post("/cohorts/<int:cohort_id>/board/threads/<int:thread_id>/reply")
@guard(can_view_board)
def reply(cohort, thread):
    form = ReplyForm()
    membership = membership_in(current_user, cohort)
    ok, post = attempt(form, lambda: services.reply(current_user, membership, thread,
                                                    form.body.data, file_in(form.attachment)))
    if ok:
        flash("Your reply is posted.", "success")
        return _to_post(thread, post)
    ask_again_for_files(form.attachment)
    return _render(cohort, thread, reply=form, status=200)


@bp.route("/cohorts/<int:cohort_id>/board/threads/<int:thread_id>/posts/<int:post_id>/edit",
          methods=["GET", "POST"])
@guard(can_view_board, wrote_post)
def edit_post(cohort, thread, post):
    form = EditForm()
    if request.method == "GET":
        try:  # a post that can no longer change says why on its thread, not in a dead form
            services.ensure_editable(current_user, post)
        except UserError as refused:
            flash(str(refused), "error")
            return _to_post(thread, post)
        form.body.data, form.version.data = post.body, str(post.version)
    ok, _ = attempt(form, lambda: services.edit_post(
        current_user, post, form.body.data, seen_version(form)), versioned=post)
    if ok:
        flash("Your post is changed.", "success")
        return _to_post(thread, post)
    return render_template("board/edit_post.html", cohort=cohort, thread=thread, post=post,
                           form=form, handles=services.handles(cohort))


@bp.post("/cohorts/<int:cohort_id>/board/threads/<int:thread_id>/posts/<int:post_id>/delete")
@guard(can_view_board, wrote_post)
def delete_post(cohort, thread, post):
    ok, _ = attempt(ConfirmForm(), lambda: services.delete_post(current_user, post),
                    flash_errors=True)
    if ok:
        flash("Your post is deleted.", "success")
    return _to_thread(cohort, thread)


@bp.post("/cohorts/<int:cohort_id>/board/threads/<int:thread_id>/follow")
@guard(can_view_board)
def follow(cohort, thread):
    following = services.is_following(current_user, thread)
    ok, _ = attempt(ConfirmForm(), lambda: (services.unfollow if following else services.follow)(
        current_user, thread), flash_errors=True)
    if ok:
        flash("You no longer follow this thread." if following else
              "You follow this thread: you will hear of new posts.", "success")
    return _to_thread(cohort, thread)


@bp.post("/cohorts/<int:cohort_id>/board/threads/<int:thread_id>/answers")
@guard(can_view_board)
def answer(cohort, thread):
    form = answers_form(thread)
    answers = {q.id: form[f"answer-{q.id}"].data for q in thread.questions}
    had = {ascii_number(word) for word in str(form.had.data or "").split()} - {None}
    membership = membership_in(current_user, cohort)
    ok, done = attempt(form, lambda: services.answer(current_user, membership, thread, answers,
                                                     had=had))
    if ok:
        flash(_answered(done), "success")
        return _to_thread(cohort, thread, "questions")
    return _render(cohort, thread, answers=form)


def _answered(done: services.Answered) -> str:
    one = done.withdrawn == 1
    if not done.saved:
        return (f"Your {'answer is' if one else 'answers are'} withdrawn: the author no longer "
                f"sees {'it' if one else 'them'}.")
    if done.withdrawn:
        return (f"Thank you: your feedback is saved. The {'answer' if one else 'answers'} you "
                f"cleared {'is' if one else 'are'} withdrawn.")
    return "Thank you: your feedback is saved."


@bp.route("/cohorts/<int:cohort_id>/board/threads/<int:thread_id>/versions/new",
          methods=["GET", "POST"])
@guard(can_view_board, is_feedback_request, started_thread)
def new_version(cohort, thread):
    form = VersionForm()
    ok, version = attempt(form, lambda: services.add_version(
        current_user, thread, form.text.data, file_in(form.file), form.changes.data))
    if ok:
        flash(f"Version {version.number} is shared.", "success")
        return _to_thread(cohort, thread, "draft")
    if form.is_submitted():
        ask_again_for_files(form.file)
    return render_template("board/new_version.html", cohort=cohort, thread=thread, form=form)


@bp.route("/cohorts/<int:cohort_id>/board/threads/<int:thread_id>/versions/<int:version_id>")
@guard(can_view_board)
def version_file(cohort, thread, version):
    return download(version.attachment or abort(404))


@bp.post("/cohorts/<int:cohort_id>/board/threads/<int:thread_id>/resolve")
@guard(can_view_board, started_thread)
def resolve(cohort, thread):
    resolved = thread.resolved_at is not None
    ok, _ = attempt(ConfirmForm(), lambda: (services.reopen if resolved else services.resolve)(
        current_user, thread), flash_errors=True)
    if ok:
        flash("The request is open again." if resolved else
              "The request is marked resolved. Thank you to everyone who gave feedback.",
              "success")
    return _to_thread(cohort, thread)


@bp.route("/cohorts/<int:cohort_id>/board/threads/<int:thread_id>/posts/<int:post_id>/hide",
          methods=["GET", "POST"])
@guard(can_moderate)
def hide_post(cohort, thread, post):
    form = HideForm()
    ok, _ = attempt(form, lambda: services.hide_post(current_user, post, form.reason.data))
    if ok:
        flash("The post is hidden. Its author sees it with your reason.", "success")
        return _to_post(thread, post)
    return render_template("board/hide_post.html", cohort=cohort, thread=thread, post=post,
                           form=form, revisions=services.revisions_of(post))


@bp.post("/cohorts/<int:cohort_id>/board/threads/<int:thread_id>/posts/<int:post_id>/show")
@guard(can_moderate)
def show_post(cohort, thread, post):
    ok, _ = attempt(ConfirmForm(), lambda: services.show_post(current_user, post),
                    flash_errors=True)
    if ok:
        flash("The post is shown again.", "success")
    return _to_post(thread, post)


@bp.route("/cohorts/<int:cohort_id>/board/threads/<int:thread_id>/moderate",
          methods=["GET", "POST"])
@guard(can_moderate)
def moderate(cohort, thread):
    """Lock or unlock, pin or unpin, and move a thread: one page of a facilitator's actions."""
    action = request.form.get("action")
    move = MoveForm(formdata=request.form if action == "move" else None)
    if request.method == "POST":
        act = {"lock": lambda: services.set_locked(current_user, thread, True),
               "unlock": lambda: services.set_locked(current_user, thread, False),
               "pin": lambda: services.set_pinned(current_user, thread, True),
               "unpin": lambda: services.set_pinned(current_user, thread, False),
               "move": lambda: services.move_thread(current_user, thread, move.kind.data)}
        if action not in act:
            flash("Choose what to do with the thread", "error")
        else:
            form = move if action == "move" else ConfirmForm()
            ok, _ = attempt(form, act[action])
            if ok:
                flash("The thread is updated.", "success")
                return redirect(url_for("board.moderate", cohort_id=cohort.id,
                                        thread_id=thread.id))
    elif thread.kind in ("discussion", "question"):
        move.kind.data = thread.kind
    return render_template("board/moderate.html", cohort=cohort, thread=thread, move=move,
                           confirm=ConfirmForm())
