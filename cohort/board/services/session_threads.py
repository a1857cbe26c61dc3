"""Each session has its thread on the board (questions before it, slides and follow-up after),
made when the session is scheduled, renamed when it changes, locked when it is cancelled; a
sweep makes the threads of sessions scheduled before the board existed. The board receives the
programme's signals through board/receivers.py, and the session page and an action item's page
link here through board/links.py."""

from flask import url_for
from sqlalchemy import select

from cohort.board.models import Post, Thread
from cohort.board.permissions import can_post, can_view_board
from cohort.board.services.search import index, retitle
from cohort.board.services.text import plain, render
from cohort.cohorts.models import Cohort
from cohort.core.mail import external_url
from cohort.core.timeutil import format_date, utcnow
from cohort.extensions import db
from cohort.plans.models import ActionItem
from cohort.plans.services import people_on
from cohort.programme.models import ProgrammeSession

__all__ = ["session_thread", "ensure_session_thread", "ensure_session_threads",
           "own_item", "item_of"]


def session_thread(session: ProgrammeSession) -> Thread | None:
    return db.session.execute(select(Thread).where(Thread.session_id == session.id)
                              ).scalar_one_or_none()


def _opening(session: ProgrammeSession) -> str:
    link = external_url("programme.session", cohort_id=session.cohort_id, session_id=session.id)
    when = format_date(session.starts_at, session.timezone)
    return (f"The thread for **{session.title}** on {when}: ask your questions before it, and "
            f"find the slides and follow-up here after it. [The session's page]({link}).")


def ensure_session_thread(session: ProgrammeSession, acting=None) -> Thread:
    found = session_thread(session)
    if found is not None:
        return found
    now = utcnow()
    author_id = getattr(acting, "id", None)
    thread = Thread(cohort_id=session.cohort_id, kind="session", title=session.title[:200],
                    author_id=author_id, session_id=session.id, last_post_at=now, post_count=1,
                    locked_at=now if session.status == "cancelled" else None)
    db.session.add(thread)
    db.session.flush()
    body = _opening(session)
    post = Post(thread_id=thread.id, author_id=author_id, number=1, body=body,
                html=render(body), created_at=now)
    db.session.add(post)
    db.session.flush()
    index(session.cohort_id, "thread", thread.id, thread.title, "", thread.id)
    index(session.cohort_id, "post", post.id, thread.title, plain(body), thread.id)
    return thread


def ensure_session_threads() -> int:
    """Make the missing threads of scheduled sessions; returns how many."""
    missing = db.session.execute(select(ProgrammeSession).where(
        ProgrammeSession.status != "cancelled",
        ProgrammeSession.id.not_in(select(Thread.session_id).where(
            Thread.session_id.is_not(None))))).scalars().all()
    for session in missing:
        ensure_session_thread(session)
    return len(missing)


def on_session_scheduled(session: ProgrammeSession, acting=None, **_extra) -> None:
    ensure_session_thread(session, acting)


def on_session_changed(session: ProgrammeSession, acting=None, **_extra) -> None:
    thread = ensure_session_thread(session, acting)
    if thread.title != session.title[:200]:
        thread.title = session.title[:200]
        retitle(thread.id, thread.title)
        db.session.flush()
    # The opening post says when the session is: it follows a move unless someone edited it.
    opening = db.session.execute(select(Post).where(Post.thread_id == thread.id,
                                                    Post.number == 1)).scalar_one_or_none()
    body = _opening(session)
    if opening is not None and opening.edited_at is None and opening.body != body:
        opening.body, opening.html = body, render(body)
        db.session.flush()
        index(session.cohort_id, "post", opening.id, thread.title, plain(body), thread.id)


def on_session_cancelled(session: ProgrammeSession, acting=None, **_extra) -> None:
    thread = ensure_session_thread(session, acting)
    if thread.locked_at is None:
        thread.locked_at = utcnow()
        db.session.flush()


def session_links(session: ProgrammeSession, user) -> list[tuple[str, str]]:
    cohort = db.session.get(Cohort, session.cohort_id)
    thread = session_thread(session) if can_view_board(user, cohort) else None
    if thread is None or thread.hidden_at is not None:
        return []
    replies = max(0, thread.post_count - 1)
    return [(f"Questions, slides and follow-up on the board ({replies} "
             f"repl{'y' if replies == 1 else 'ies'})",
             url_for("board.thread", cohort_id=cohort.id, thread_id=thread.id))]


def item_links(item, user) -> list[tuple[str, str]]:
    cohort = db.session.get(Cohort, item.plan.cohort_id)
    if not can_view_board(user, cohort):
        return []
    links = [(f"Feedback requested on the board: {thread.title}",
              url_for("board.thread", cohort_id=cohort.id, thread_id=thread.id))
             for thread in db.session.execute(select(Thread).where(
                 Thread.action_item_id == item.id, Thread.hidden_at.is_(None))
                 .order_by(Thread.id)).scalars()]
    if can_post(user, cohort) and item.plan.place_id is not None and \
            getattr(user, "id", None) in _people_on(item):
        links.append(("Ask the cohort for feedback on this action",
                      url_for("board.new_thread", cohort_id=cohort.id, kind="feedback",
                              item=item.id)))
    return links


def own_item(cohort: Cohort, user, item_id: int | None) -> ActionItem | None:
    """An action item of the user's own place in the cohort, for a feedback request raised
    from it; None for anything else."""
    item = db.session.get(ActionItem, item_id) if item_id else None
    if item is None or item.plan.cohort_id != cohort.id:
        return None
    return item if getattr(user, "id", None) in _people_on(item) else None


def item_of(thread: Thread) -> ActionItem | None:
    """The action item a feedback request was raised from."""
    return db.session.get(ActionItem, thread.action_item_id) if thread.action_item_id else None


def _people_on(item) -> set[int]:
    return {m.user_id for m in people_on(item.plan.place)}

