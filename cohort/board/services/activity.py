"""What has been busy on the boards: the threads with the most new posts in a span of time, for
a summary of the week."""

from datetime import datetime

from sqlalchemy import func, or_, select

from cohort.board.models import Post, Thread
from cohort.extensions import db

__all__ = ["busiest_threads"]


def busiest_threads(cohort_ids: list[int], reader_id: int, since: datetime, until: datetime,
                    per_cohort: int = 3) -> dict[int, list[tuple[Thread, int]]]:
    """{cohort id: [(thread, new posts), ...]}: in each cohort, the `per_cohort` threads with
    the most posts written after `since` and up to `until` by others than the reader, the
    busiest first. Only what any member of the board may read counts: a post deleted or hidden
    is no news, and a hidden thread none at all, even to the moderators and its author who
    still see it. Pass only the cohorts whose board the reader sees. One query."""
    if not cohort_ids:
        return {}
    posts = func.count(Post.id)
    ranked = (
        select(Post.thread_id, Thread.cohort_id, posts.label("posts"),
               func.row_number().over(partition_by=Thread.cohort_id, order_by=(
                   posts.desc(), func.max(Post.created_at).desc(), Post.thread_id.desc())
               ).label("rank"))
        .join(Thread, Thread.id == Post.thread_id)
        .where(Thread.cohort_id.in_(cohort_ids), Thread.hidden_at.is_(None),
               Post.created_at > since, Post.created_at <= until,
               Post.deleted_at.is_(None), Post.hidden_at.is_(None),
               or_(Post.author_id.is_(None), Post.author_id != reader_id))
        .group_by(Post.thread_id, Thread.cohort_id)
    ).subquery()
    found: dict[int, list[tuple[Thread, int]]] = {}
    for thread, count in db.session.execute(
            select(Thread, ranked.c.posts).join(ranked, ranked.c.thread_id == Thread.id)
            .where(ranked.c.rank <= per_cohort)
            .order_by(Thread.cohort_id, ranked.c.rank)).all():
        found.setdefault(thread.cohort_id, []).append((thread, count))
    return found
