"""A facilitator's moderation: hiding a post with a reason its author reads (the opening post
hides the thread from everyone but its author and the facilitators), showing it again,
locking, pinning and moving threads; each action in the audit log."""

import pytest
from sqlalchemy import select

from cohort.board import services
from cohort.board.models import Post, Thread
from cohort.board.permissions import find_thread
from cohort.board.services import BoardError
from cohort.core.database import commit
from cohort.core.models import AuditEvent
from cohort.extensions import db

from .conftest import reply_as, start


def _audit() -> list[tuple[str, int | None, str | None, str | None]]:
    """The board's moderation events, oldest first."""
    return [(e.action, e.actor_id, e.subject, e.detail)
            for e in db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()
            if e.action.startswith(("post_", "thread_"))]


def _opening(thread) -> Post:
    return services.posts_page(thread, None).items[0]


def _listed(board, membership, moderator: bool = False) -> list[str]:
    rows, page = services.threads_page(board.cohort, membership.user, None,
                                       moderator=moderator)
    assert page.total == len(rows)
    return [row.thread.title for row in rows]


@pytest.mark.parametrize(("reason", "message"), [
    ("", "Say why the post is hidden"),
    ("   \n ", "Say why the post is hidden"),
    ("x" * 501, "Keep the reason to 500 characters or fewer: it has 501"),
    ("Because\x00", "Take out the control characters from the reason"),
    ("Because \u202eereh kool", "Take out the control characters from the reason"),
])
def test_a_post_is_hidden_only_with_a_reason(board, reason, message):
    post = reply_as(board.ben, start(board.ada), "Something unkind")
    with pytest.raises(BoardError, match=message) as refused:
        services.hide_post(board.fay.user, post, reason)
    assert refused.value.field == "reason"
    db.session.rollback()
    assert db.session.get(Post, post.id).hidden_at is None


def test_a_hidden_reply_keeps_its_text_and_the_reason_for_its_author(board):
    thread = start(board.ada)
    post = reply_as(board.ben, thread, "Something unkind")
    services.hide_post(board.fay.user, post, "  Please keep   it kind ")
    commit()
    hidden = db.session.get(Post, post.id)
    assert (hidden.body, hidden.hidden_reason, hidden.hidden_by_id) == (
        "Something unkind", "Please keep it kind", board.fay.user_id)
    assert db.session.get(Thread, thread.id).hidden_at is None  # only the reply
    assert _listed(board, board.cy) == ["Measuring wellbeing"]
    assert _audit() == [("post_hidden", board.fay.user_id, f"post {post.id}",
                         "Please keep it kind")]


def test_hiding_the_opening_post_hides_the_thread_from_all_but_its_author_and_moderators(board):
    thread = start(board.ada, title="A complaint about a colleague")
    start(board.cy, title="Something else")
    services.hide_post(board.fay.user, _opening(thread), "Names a colleague")
    commit()
    assert _listed(board, board.cy) == ["Something else"]
    assert _listed(board, board.ben) == ["Something else"]
    assert _listed(board, board.ada) == ["Something else", "A complaint about a colleague"]
    assert _listed(board, board.fay, moderator=True) == [
        "Something else", "A complaint about a colleague"]
    assert find_thread(board.cy.user, thread.id, board.cohort) is None
    assert find_thread(board.ada.user, thread.id, board.cohort) is not None
    assert find_thread(board.fay.user, thread.id, board.cohort) is not None


def test_a_hidden_post_can_be_shown_again(board):
    thread = start(board.ada, title="A complaint about a colleague")
    opening = _opening(thread)
    services.hide_post(board.fay.user, opening, "Names a colleague")
    commit()
    services.show_post(board.fay.user, db.session.get(Post, opening.id))
    commit()
    shown = db.session.get(Post, opening.id)
    assert (shown.hidden_at, shown.hidden_reason, shown.hidden_by_id) == (None, None, None)
    assert _listed(board, board.cy) == ["A complaint about a colleague"]
    assert [a[0] for a in _audit()] == ["post_hidden", "post_shown"]
    assert reply_as(board.cy, thread).number == 2


def test_a_shown_feedback_request_is_found_by_its_draft_again(board):
    thread = start(board.ada, "feedback", title="Strategy", draft_text="The kestrel plan")
    services.hide_post(board.fay.user, _opening(thread), "Shared too early")
    commit()
    assert services.search([board.cohort.id], "kestrel") == ([], False, None)
    services.show_post(board.fay.user, db.session.get(Post, _opening(thread).id))
    commit()
    hits, _more, _limited = services.search([board.cohort.id], "kestrel")
    assert [(h.kind, h.thread_id) for h in hits] == [("thread", thread.id)]


def test_a_locked_thread_can_be_unlocked(board):
    thread = start(board.ada)
    services.set_locked(board.fay.user, thread, True)
    commit()
    assert db.session.get(Thread, thread.id).locked_at is not None
    post = _opening(thread)
    with pytest.raises(BoardError, match="locked"):
        services.edit_post(board.ada.user, post, "Changed", post.version)
    db.session.rollback()
    services.set_locked(board.fay.user, db.session.get(Thread, thread.id), False)
    commit()
    assert reply_as(board.cy, thread).number == 2
    assert [a[:3] for a in _audit()] == [
        ("thread_locked", board.fay.user_id, f"thread {thread.id}"),
        ("thread_unlocked", board.fay.user_id, f"thread {thread.id}")]


def test_a_pinned_thread_leads_the_list_until_unpinned(board):
    first = start(board.ada, title="Ground rules")
    start(board.cy, title="Latest")
    services.set_pinned(board.fay.user, first, True)
    commit()
    assert _listed(board, board.ben) == ["Ground rules", "Latest"]
    services.set_pinned(board.fay.user, first, False)
    commit()
    assert _listed(board, board.ben) == ["Latest", "Ground rules"]
    assert [a[0] for a in _audit()] == ["thread_pinned", "thread_unpinned"]


def test_a_discussion_becomes_a_question_and_back(board):
    thread = start(board.ada, "discussion")
    services.move_thread(board.fay.user, thread, "question")
    commit()
    assert db.session.get(Thread, thread.id).kind == "question"
    rows, _ = services.threads_page(board.cohort, board.ben.user, None, kind="question")
    assert [row.thread.id for row in rows] == [thread.id]
    services.move_thread(board.fay.user, thread, "question")  # already one: nothing recorded
    services.move_thread(board.fay.user, thread, "discussion")
    commit()
    assert [(a[0], a[3]) for a in _audit()] == [("thread_moved", "discussion → question"),
                                                ("thread_moved", "question → discussion")]


@pytest.mark.parametrize(("kind", "to"), [("feedback", "discussion"), ("discussion", "feedback"),
                                          ("question", "session")])
def test_only_discussions_and_questions_move(board, kind, to):
    thread = start(board.ada, kind)
    with pytest.raises(BoardError, match="feedback requests and session threads stay"):
        services.move_thread(board.fay.user, thread, to)
    db.session.rollback()
    assert db.session.get(Thread, thread.id).kind == kind
    assert _audit() == []
