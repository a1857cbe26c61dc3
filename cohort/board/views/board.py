"""The board's front page (threads, newest activity first, with what is new to the reader),
the ground rules, starting a thread, search, notification settings and file downloads."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from cohort.board import services
from cohort.board.forms import GroundRulesForm, SearchForm, ThreadForm
from cohort.board.models import THREAD_KINDS
from cohort.board.permissions import can_moderate, can_post, can_view_board
from cohort.board.views import bp
from cohort.board.views.common import ask_again_for_files, download, file_in, page_arg
from cohort.cohorts.models import Cohort
from cohort.cohorts.permissions import membership_in
from cohort.core.database import commit_bookkeeping
from cohort.core.forms import ascii_number, attempt
from cohort.core.guard import guard
from cohort.core.pagecache import cached


@bp.route("/cohorts/<int:cohort_id>/board")
@cached
@guard(can_view_board)
def index(cohort):
    membership = membership_in(current_user, cohort)
    moderator = can_moderate(current_user, cohort)
    kind = request.args.get("kind") if request.args.get("kind") in THREAD_KINDS else None
    member = services.board_member(membership)
    # Noting the look tells when the previous visit began; when the database is too busy
    # to note it, the row as it stands tells the same.
    ok, since = commit_bookkeeping(lambda: services.note_visit(membership))
    if not ok:
        since = services.previous_visit(membership)
    rows, page = services.threads_page(cohort, current_user, page_arg(), kind, moderator, since)
    return render_template("board/index.html", cohort=cohort, rows=rows, page=page, kind=kind,
                           kinds=THREAD_KINDS, moderator=moderator, since=since,
                           acknowledged=member is not None and member.acknowledged_at,
                           search=SearchForm(formdata=None))


@bp.route("/cohorts/<int:cohort_id>/board/ground-rules", methods=["GET", "POST"])
@guard(can_view_board)
def ground_rules(cohort):
    membership = membership_in(current_user, cohort)
    form = GroundRulesForm()
    member = services.board_member(membership)
    ok, _ = attempt(form, lambda: services.acknowledge(membership))
    if ok:
        flash("Thank you: you can now post on the board.", "success")
        # Back to the thread the member came from; an address that names none: the board.
        thread_id = ascii_number(request.args.get("next_thread"), limit=2**63 - 1)
        return redirect(url_for("board.thread", cohort_id=cohort.id, thread_id=thread_id)
                        if thread_id else url_for("board.index", cohort_id=cohort.id))
    return render_template("board/ground_rules.html", cohort=cohort, form=form,
                           acknowledged=member is not None and member.acknowledged_at)


def _item(cohort: Cohort, raw):
    return services.own_item(cohort, current_user, ascii_number(raw))


@bp.route("/cohorts/<int:cohort_id>/board/new", methods=["GET", "POST"])
@guard(can_post)
def new_thread(cohort):
    membership = membership_in(current_user, cohort)
    member = services.board_member(membership)
    if member is None or member.acknowledged_at is None:
        return redirect(url_for("board.ground_rules", cohort_id=cohort.id))
    form = ThreadForm()
    if request.method == "GET":
        if request.args.get("kind") in ("discussion", "question", "feedback"):
            form.kind.data = request.args["kind"]
        item = _item(cohort, request.args.get("item"))
        if item is not None:
            form.item.data = str(item.id)
            form.title.data = f"Feedback wanted: {item.title}"[:200]
    item = _item(cohort, form.item.data) if request.method == "POST" else _item(
        cohort, request.args.get("item"))

    def create():
        return services.create_thread(current_user, membership, cohort, services.NewThread(
            kind=form.kind.data, title=form.title.data, body=form.body.data,
            questions=(form.questions.data or "").splitlines(),
            feedback_by=form.feedback_by.data, draft_text=form.draft_text.data,
            draft_file=file_in(form.draft_file), attachment=file_in(form.attachment),
            action_item_id=getattr(item, "id", None)))

    ok, thread = attempt(form, create)
    if ok:
        flash("Your thread is on the board.", "success")
        return redirect(url_for("board.thread", cohort_id=cohort.id, thread_id=thread.id))
    if form.is_submitted():
        ask_again_for_files(form.attachment, form.draft_file)
    return render_template("board/new_thread.html", cohort=cohort, form=form, item=item,
                           handles=services.handles(cohort))


@bp.route("/cohorts/<int:cohort_id>/board/search")
@cached
@guard(can_view_board)
def search(cohort):
    form = SearchForm(request.args)
    asked = request.args.get("q") is not None and form.validate()
    query = (form.q.data or "") if asked else ""
    page, limited = services.search_page([cohort.id], query, request.args.get("page"))
    return render_template("board/search.html", cohort=cohort, form=form, page=page,
                           limited=limited, query=query)


@bp.route("/cohorts/<int:cohort_id>/board/settings")
@guard(can_view_board)
def settings(cohort):
    """The old board email settings: a member's settings are now on one page (accounts)."""
    return redirect(url_for("accounts.settings", _anchor=f"cohort-{cohort.id}-board"))


@bp.route("/cohorts/<int:cohort_id>/board/files/<int:attachment_id>")
@guard(can_view_board)
def attachment(cohort, attachment):
    return download(attachment)
