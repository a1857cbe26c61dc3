"""What the board's pages share: loading a cohort's board, a thread and a post for the
signed-in member, and reading an uploaded file from a form."""

from flask import abort, request
from flask_login import current_user

from cohort.board import services
from cohort.board.permissions import can_moderate, can_view_board
from cohort.cohorts.permissions import load_cohort, membership_in
from cohort.core.downloads import send_download


def load_board(cohort_id: int):
    """(cohort, the member's membership, whether they moderate); 404/403 as load_cohort."""
    cohort = load_cohort(cohort_id, can_view_board)
    return cohort, membership_in(current_user, cohort), can_moderate(current_user, cohort)


def load_thread(cohort_id: int, thread_id: int):
    cohort, membership, moderator = load_board(cohort_id)
    thread = services.get_thread(cohort, thread_id, current_user, moderator) or abort(404)
    return cohort, membership, moderator, thread


def load_post(cohort_id: int, thread_id: int, post_id: int):
    cohort, membership, moderator, thread = load_thread(cohort_id, thread_id)
    post = services.get_post(thread, post_id) or abort(404)
    return cohort, membership, moderator, thread, post


def file_in(field) -> services.FileIn | None:
    """The file a form's file field carries, or None when none was chosen."""
    storage = field.data if field is not None else None
    if storage is None or not getattr(storage, "filename", ""):
        return None
    return services.FileIn(storage.filename, storage.read())


def download(attachment):
    """The attached file as a download (core's send_download), never shown inline."""
    return send_download(attachment.data, attachment.filename, attachment.content_type)


def page_arg() -> str | None:
    return request.args.get("page")
