"""What the board's notices are about: a post (a mention, a reply, an answer, a moderator's
decision) or a thread (feedback on a request). Each links to its place on the board while the
person may still see it there: a member of the board, not deleted, and when hidden only to its
author and the moderators (see permissions.py)."""

from sqlalchemy import bindparam, select

from cohort.board.models import Post, Thread, post_link
from cohort.board.permissions import BOARD_ROLES
from cohort.cohorts.permissions import roles_by_cohort
from cohort.core.database import prepared
from cohort.extensions import db


@prepared
def _posts():
    return select(Post, Thread).join(Thread, Thread.id == Post.thread_id).where(
        Post.id.in_(bindparam("ids", expanding=True)))


@prepared
def _threads():
    return select(Thread).where(Thread.id.in_(bindparam("ids", expanding=True)))


def _sees_thread(user, role: str | None, thread: Thread) -> bool:
    if role not in BOARD_ROLES:
        return False
    return thread.hidden_at is None or thread.author_id == user.id or role == "facilitator"


def posts(user, ids) -> dict:
    roles = roles_by_cohort(user)
    found = {}
    for post, thread in db.session.execute(_posts(), {"ids": list(ids)}).all():
        role = roles.get(thread.cohort_id)
        if not _sees_thread(user, role, thread) or post.deleted_at is not None:
            continue
        if post.hidden_at is not None and post.author_id != user.id and role != "facilitator":
            continue
        found[post.id] = ("board.thread", post_link(thread, post.number))
    return found


def threads(user, ids) -> dict:
    roles = roles_by_cohort(user)
    return {thread.id: ("board.thread", {"cohort_id": thread.cohort_id, "thread_id": thread.id})
            for thread in db.session.execute(_threads(), {"ids": list(ids)}).scalars()
            if _sees_thread(user, roles.get(thread.cohort_id), thread)}


SUBJECTS = {"post": posts, "thread": threads}
