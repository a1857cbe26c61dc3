"""A form sent twice (a second press of the button, a browser sending it again) posts once:
a reply the same as its author's latest post in the thread, or a thread the same as their
latest in the cohort, made within REPEAT_WITHIN, is that post or thread again, not a new
one. Each check holds its thread's or cohort's row first (PostgreSQL: FOR NO KEY UPDATE;
SQLite's writers already go one at a time), so sends at the same moment see each other."""

from datetime import timedelta

from sqlalchemy import select

from cohort.board.models import Post, Thread
from cohort.cohorts.models import Cohort
from cohort.core.timeutil import utcnow
from cohort.core.uploads import CheckedFile
from cohort.extensions import db

__all__ = ["REPEAT_WITHIN", "repeated_reply", "repeated_thread"]

REPEAT_WITHIN = timedelta(seconds=10)


def _hold(model, row_id: int) -> None:
    # NO KEY UPDATE: a second send waits here, while rows that merely refer to this one
    # (other members' posts, the cohort's other records) are written as usual.
    db.session.execute(select(model.id).where(model.id == row_id)
                       .with_for_update(key_share=True))


def _same(post: Post | None, body: str, upload: CheckedFile | None) -> bool:
    """True when the post is this text with this file (or none), written just now."""
    if post is None or post.deleted_at is not None or post.body != body:
        return False
    if post.created_at < utcnow() - REPEAT_WITHIN:
        return False
    return getattr(post.attachment, "sha256", None) == getattr(upload, "sha256", None)


def repeated_reply(acting, thread: Thread, body: str,
                   upload: CheckedFile | None) -> Post | None:
    """The author's latest post in the thread when the reply repeats it; else None."""
    _hold(Thread, thread.id)
    latest = db.session.execute(
        select(Post).where(Post.thread_id == thread.id, Post.author_id == acting.id)
        .order_by(Post.number.desc()).limit(1)).scalar_one_or_none()
    return latest if _same(latest, body, upload) else None


def repeated_thread(acting, cohort: Cohort, kind: str, title: str, body: str,
                    upload: CheckedFile | None) -> Thread | None:
    """The author's latest thread in the cohort when the new one repeats it (its kind, its
    title, its opening post); else None."""
    _hold(Cohort, cohort.id)
    latest = db.session.execute(
        select(Thread).where(Thread.cohort_id == cohort.id, Thread.author_id == acting.id)
        .order_by(Thread.id.desc()).limit(1)).scalar_one_or_none()
    if latest is None or (latest.kind, latest.title) != (kind, title):
        return None
    opening = db.session.execute(select(Post).where(
        Post.thread_id == latest.id, Post.number == 1)).scalar_one_or_none()
    return latest if _same(opening, body, upload) else None
