"""A facilitator's moderation: hide a post with a reason (its author still sees it, with the
reason; hiding a thread's opening post hides the thread), show it again, lock, pin and move a
thread between discussion and questions. Every action is written to the audit log."""

from sqlalchemy import select

from cohort.board.models import Post, Thread
from cohort.board.services.errors import BoardError
from cohort.board.services.notify import withdraw_notices
from cohort.board.services.search import index, unindex
from cohort.board.services.text import plain
from cohort.cohorts.models import Cohort
from cohort.cohorts.services import ensure_changeable
from cohort.core.audit import record
from cohort.core.forms import has_control_characters
from cohort.core.notices import tell
from cohort.core.timeutil import utcnow
from cohort.extensions import db

__all__ = ["hide_post", "show_post", "set_locked", "set_pinned", "move_thread", "MOVABLE",
           "MAX_REASON"]

MOVABLE = ("discussion", "question")
MAX_REASON = 500


def _cohort(thread: Thread) -> Cohort:
    cohort = db.session.get(Cohort, thread.cohort_id)
    ensure_changeable(cohort)
    return cohort


def _ensure_not_deleted(post: Post) -> None:
    if post.deleted_at is not None:
        raise BoardError("Its author has deleted this post")


def hide_post(acting, post: Post, reason: str | None) -> None:
    thread = db.session.get(Thread, post.thread_id)
    _cohort(thread)
    _ensure_not_deleted(post)
    reason = " ".join((reason or "").split())
    if not reason:
        raise BoardError("Say why the post is hidden: its author will read it", "reason")
    if has_control_characters(reason):
        raise BoardError("Take out the control characters from the reason", "reason")
    if len(reason) > MAX_REASON:
        raise BoardError(f"Keep the reason to {MAX_REASON} characters or fewer: it has "
                         f"{len(reason):,}", "reason")
    now = utcnow()
    post.hidden_at, post.hidden_reason, post.hidden_by_id = now, reason, acting.id
    unindex("post", post.id)
    if post.number == 1:
        thread.hidden_at = now  # search leaves out all of a hidden thread
    db.session.flush()
    if post.number == 1:
        withdraw_notices(post_ids=db.session.execute(select(Post.id).where(
            Post.thread_id == thread.id)).scalars().all(), thread_ids=[thread.id])
    else:
        withdraw_notices(post_ids=[post.id])
    if post.author_id != acting.id:
        tell(post.author_id, "moderated",
             f"A facilitator hid your post in “{thread.title}”: {reason}",
             cohort_id=thread.cohort_id, subject="post", subject_id=post.id)
    record(acting, "post_hidden", subject=f"post {post.id}", detail=reason[:200],
           cohort=thread.cohort_id, about=post.author_id)


def show_post(acting, post: Post) -> None:
    thread = db.session.get(Thread, post.thread_id)
    cohort = _cohort(thread)
    _ensure_not_deleted(post)
    post.hidden_at = post.hidden_reason = post.hidden_by_id = None
    if post.deleted_at is None:
        index(cohort.id, "post", post.id, thread.title, plain(post.body), thread.id)
    if post.number == 1 and thread.hidden_at is not None:
        thread.hidden_at = None
    db.session.flush()
    record(acting, "post_shown", subject=f"post {post.id}",
           cohort=thread.cohort_id, about=post.author_id)


def set_locked(acting, thread: Thread, locked: bool) -> None:
    _cohort(thread)
    thread.locked_at = utcnow() if locked else None
    db.session.flush()
    record(acting, "thread_locked" if locked else "thread_unlocked", subject=f"thread {thread.id}",
           cohort=thread.cohort_id)


def set_pinned(acting, thread: Thread, pinned: bool) -> None:
    _cohort(thread)
    thread.pinned = pinned
    db.session.flush()
    record(acting, "thread_pinned" if pinned else "thread_unpinned", subject=f"thread {thread.id}",
           cohort=thread.cohort_id)


def move_thread(acting, thread: Thread, kind: str) -> None:
    _cohort(thread)
    if thread.kind not in MOVABLE or kind not in MOVABLE:
        raise BoardError("A discussion can become a question and a question a discussion; "
                         "feedback requests and session threads stay where they are", "kind")
    if kind != thread.kind:
        before = thread.kind
        thread.kind = kind
        db.session.flush()
        record(acting, "thread_moved", subject=f"thread {thread.id}", detail=f"{before} → {kind}",
               cohort=thread.cohort_id)
