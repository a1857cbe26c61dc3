"""What members have done on the board, as every member of it sees: the threads they started
and the feedback they gave (answers to a request's questions, replies on it), for their
profile and for the people to talk to; and the busiest threads of a span of time, for the
weekly summary. Nothing hidden by a facilitator or deleted by its author
is counted, even for those who could still open it. A fixed number of queries however many
threads, posts and answers there are."""

from datetime import datetime

from sqlalchemy import bindparam, func, or_, select, union_all

from cohort.board.models import FeedbackAnswer, FeedbackQuestion, Post, Thread
from cohort.core.database import prepared
from cohort.extensions import db

__all__ = ["SHOWN", "busiest_threads", "feedback_given", "requests_and_givers",
           "threads_started"]

SHOWN = 5  # threads and requests listed on a profile


def _gave_feedback(threads):
    """(thread id, giver's id, when) for each answer and each reply on the requests `threads`
    (a query of their ids), by others than its author; deleted and hidden replies are not
    counted. Only those threads' posts are read, however many the board holds."""
    answers = (select(FeedbackQuestion.thread_id.label("thread_id"),
                      FeedbackAnswer.author_id.label("giver_id"),
                      func.coalesce(FeedbackAnswer.updated_at,
                                    FeedbackAnswer.created_at).label("at"))
               .join(FeedbackQuestion, FeedbackQuestion.id == FeedbackAnswer.question_id)
               .where(FeedbackQuestion.thread_id.in_(threads)))
    replies = (select(Post.thread_id.label("thread_id"), Post.author_id.label("giver_id"),
                      Post.created_at.label("at"))
               .where(Post.thread_id.in_(threads), Post.number > 1,
                      Post.deleted_at.is_(None), Post.hidden_at.is_(None)))
    return union_all(answers, replies).subquery()


def _requests(cohort_ids):
    """Requests for feedback a member of the board sees: not hidden. `cohort_ids` is a list or
    an expanding bound parameter."""
    return (Thread.cohort_id.in_(cohort_ids), Thread.kind == "feedback",
            Thread.hidden_at.is_(None))


@prepared
def _threads_started():
    return (select(Thread)
            .where(Thread.cohort_id == bindparam("cohort"), Thread.author_id == bindparam("user"),
                   Thread.hidden_at.is_(None), Thread.kind != "session")
            .order_by(Thread.created_at.desc(), Thread.id.desc()).limit(SHOWN))


def threads_started(member) -> list[Thread]:
    """The member's latest SHOWN threads in their cohort, the newest first (one query)."""
    return list(db.session.execute(
        _threads_started(), {"cohort": member.cohort_id, "user": member.user_id}).scalars())


@prepared
def _feedback_given():
    cohorts, user = bindparam("cohorts", expanding=True), bindparam("user")
    gave = _gave_feedback(select(Thread.id).where(*_requests(cohorts)))
    last = func.max(gave.c.at).label("last")
    latest = (select(gave.c.thread_id, last)
              .where(gave.c.giver_id == user).group_by(gave.c.thread_id).subquery())
    return (select(Thread, latest.c.last).join(latest, latest.c.thread_id == Thread.id)
            .where(*_requests(cohorts), Thread.author_id != user)
            .order_by(latest.c.last.desc(), Thread.id.desc()).limit(SHOWN))


def feedback_given(member) -> list[tuple[Thread, datetime]]:
    """The latest SHOWN requests the member gave feedback on, with when they last did, the
    latest first (one query)."""
    rows = db.session.execute(
        _feedback_given(), {"cohorts": [member.cohort_id], "user": member.user_id}).all()
    return [(thread, at) for thread, at in rows]


def requests_and_givers(cohort_ids: list[int], author_id: int) -> list[tuple[Thread, int | None]]:
    """The requests of the cohorts a member sees that are the author's own or come from an
    action item, each with every member who gave feedback on it (None for a request no one has
    answered): [(thread, giver's id)] (one query)."""
    if not cohort_ids:
        return []
    return list(db.session.execute(
        _requests_and_givers(), {"cohorts": list(cohort_ids), "author": author_id}).tuples())


@prepared
def _requests_and_givers():
    chosen = (*_requests(bindparam("cohorts", expanding=True)),
              (Thread.author_id == bindparam("author")) | Thread.action_item_id.is_not(None))
    gave = _gave_feedback(select(Thread.id).where(*chosen))
    givers = select(gave.c.thread_id, gave.c.giver_id).distinct().subquery()
    return (select(Thread, givers.c.giver_id)
            .outerjoin(givers, (givers.c.thread_id == Thread.id)
                       & (givers.c.giver_id != Thread.author_id))
            .where(*chosen)
            .order_by(Thread.created_at.desc(), Thread.id))


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
