"""Threads and posts: starting one of each kind, the ground rules first, a feedback request's
questions, draft and date; replies numbered in order; locked and hidden threads closed to
replies; edits kept as revisions; soft deletion; a finished cohort read-only; the thread list
(pinned first, unread counts) and a thread's pages in a fixed number of queries."""

from datetime import timedelta

import pytest

from cohort.board import services
from cohort.board.models import Post, Thread
from cohort.board.permissions import find_thread
from cohort.board.services import BoardError
from cohort.cohorts.services import update_cohort
from cohort.core.database import commit
from cohort.core.errors import ChangedMeanwhile, UserError
from cohort.extensions import db
from tests.helpers import count_queries, statements_run

from .conftest import count, reply_as, start


def _titles(board, membership, **kwargs) -> list[str]:
    rows, _page = services.threads_page(board.cohort, membership.user, None, **kwargs)
    return [row.thread.title for row in rows]


def _search(board, words: str) -> list[int]:
    hits, _more, _limited = services.search([board.cohort.id], words)
    return [hit.ref_id for hit in hits if hit.kind == "post"]


@pytest.mark.parametrize("kind", ["discussion", "question"])
def test_a_member_starts_a_thread_and_follows_it(board, kind):
    thread = start(board.ada, kind, title="  How do   you measure   wellbeing? ",
                   body="We have **three** ideas.")
    assert (thread.kind, thread.title, thread.post_count) == (kind, "How do you measure "
                                                                    "wellbeing?", 1)
    opening = services.posts_page(thread, None).items
    assert [(p.number, p.author.name, p.html) for p in opening] == [
        (1, "Ada Lovelace", "<p>We have <strong>three</strong> ideas.</p>\n")]
    assert services.is_following(board.ada.user, thread)
    assert _titles(board, board.cy) == ["How do you measure wellbeing?"]


@pytest.mark.parametrize(("changes", "message", "field"), [
    ({"title": "   "}, "Give the thread a title", "title"),
    ({"title": "x" * 201}, "Keep the title to 200 characters or fewer", "title"),
    ({"body": ""}, "Write your post first", "body"),
    ({"kind": "session"}, "Choose what kind of thread this is", "kind"),
])
def test_a_thread_that_cannot_stand_is_refused_and_nothing_is_saved(board, changes, message,
                                                                    field):
    with pytest.raises(BoardError, match=message) as refused:
        start(board.ada, **changes)
    assert refused.value.field == field
    db.session.rollback()
    assert count(Thread) == 0 and count(Post) == 0


def test_the_ground_rules_come_before_the_first_post(board, make_member, make_user):
    dee = make_member(board.cohort, "participant", user=make_user(name="Dee Newcomer"))
    with pytest.raises(BoardError, match="Read the ground rules") as refused:
        start(dee)
    assert refused.value.field == "acknowledge"
    db.session.rollback()
    assert count(Thread) == 0
    services.acknowledge(dee)
    commit()
    assert start(dee).author_id == dee.user_id


def _feedback(board, **changes):
    fields = {"questions": ["Is the scope right?", "What is missing?"],
              "draft_text": "## Our draft\n\nThe strategy in brief.",
              "feedback_by": services.local_today(board.cohort) + timedelta(days=7)}
    return start(board.ada, "feedback", title="Draft wellbeing strategy",
                 body="I would welcome your views.", **{**fields, **changes})


def test_a_feedback_request_keeps_its_questions_draft_and_date(board):
    thread = _feedback(board, questions=["  Is the   scope right? ", "", "What is missing?"])
    assert [q.text for q in thread.questions] == ["Is the scope right?", "What is missing?"]
    (draft,) = services.versions_of(thread)
    assert (draft.number, draft.html) == (1, "<h4>Our draft</h4>\n<p>The strategy in brief.</p>\n")
    assert thread.feedback_by == services.local_today(board.cohort) + timedelta(days=7)


@pytest.mark.parametrize(("changes", "message", "field"), [
    ({"questions": []}, "Ask at least one question", "questions"),
    ({"questions": [" ", ""]}, "Ask at least one question", "questions"),
    ({"questions": [f"Question {n}?" for n in range(9)]}, "Ask 8 questions at most",
     "questions"),
    ({"questions": ["Fine?", "Why?\x00"]}, r"^Question 2 contains a control character",
     "questions"),
    ({"questions": ["Why \u202eereh kool?"]}, r"^Question 1 contains a control character",
     "questions"),
    ({"questions": ["Fine?", "x" * 501]},
     "^Keep each question to 500 characters or fewer: question 2 has 501$", "questions"),
    ({"draft_text": "  "}, "Share the draft", "draft_text"),
    ({"feedback_by": "yesterday"}, "feedback helps by is in the past", "feedback_by"),
])
def test_a_feedback_request_needs_questions_a_draft_and_a_date_ahead(board, changes, message,
                                                                      field):
    if changes.get("feedback_by") == "yesterday":
        changes["feedback_by"] = services.local_today(board.cohort) - timedelta(days=1)
    with pytest.raises(BoardError, match=message) as refused:
        _feedback(board, **changes)
    assert refused.value.field == field
    db.session.rollback()
    assert count(Thread) == 0


def test_eight_questions_and_a_date_of_today_are_accepted(board):
    thread = _feedback(board, questions=[f"Question {n}?" for n in range(8)],
                       feedback_by=services.local_today(board.cohort))
    assert len(thread.questions) == 8


def test_replies_are_numbered_in_order(board):
    thread = start(board.ada)
    replies = [reply_as(board.ben, thread, "First"), reply_as(board.cy, thread, "Second"),
               reply_as(board.ada, thread, "Third")]
    assert [p.number for p in replies] == [2, 3, 4]
    assert db.session.get(Thread, thread.id).post_count == 4
    assert [(p.number, p.author.name) for p in services.posts_page(thread, None).items] == [
        (1, "Ada Lovelace"), (2, "Ben Byron"), (3, "Cy Young"), (4, "Ada Lovelace")]


def test_a_locked_thread_takes_no_replies(board):
    thread = start(board.ada)
    services.set_locked(board.fay.user, thread, True)
    commit()
    with pytest.raises(BoardError, match="This thread is locked"):
        reply_as(board.cy, thread)
    db.session.rollback()
    assert db.session.get(Thread, thread.id).post_count == 1


def test_a_hidden_thread_takes_no_replies(board):
    thread = start(board.ada)
    services.hide_post(board.fay.user, services.posts_page(thread, None).items[0], "Off topic")
    commit()
    with pytest.raises(BoardError, match="A facilitator has hidden this thread"):
        reply_as(board.ada, thread)


def test_only_the_author_may_edit_or_delete_a_post(board):
    thread = start(board.ada)
    post = services.posts_page(thread, None).items[0]
    with pytest.raises(BoardError, match="Only the person who wrote a post can change it"):
        services.edit_post(board.fay.user, post, "Rewritten", post.version)
    with pytest.raises(BoardError, match="Only the person who wrote a post can delete it"):
        services.delete_post(board.ben.user, post)
    db.session.rollback()
    post = db.session.get(Post, post.id)
    assert (post.body, post.edited_at, post.deleted_at) == ("Where do we start?", None, None)


def test_an_edit_keeps_the_earlier_text_and_marks_the_post_edited(board):
    thread = start(board.ada, body="We use the *happiness* index.")
    post = services.posts_page(thread, None).items[0]
    services.edit_post(board.ada.user, post, "We use the *wellbeing* index.", post.version)
    commit()
    post = db.session.get(Post, post.id)
    assert post.edited_at is not None and post.html == \
        "<p>We use the <em>wellbeing</em> index.</p>\n"
    assert [r.body for r in services.revisions_of(post)] == ["We use the *happiness* index."]
    assert _search(board, "wellbeing index") == [post.id]
    assert _search(board, "happiness") == []


def test_an_edit_from_a_stale_page_is_refused(board):
    thread = start(board.ada)
    post = services.posts_page(thread, None).items[0]
    seen = post.version
    services.edit_post(board.ada.user, post, "Second thoughts", seen)
    commit()
    with pytest.raises(ChangedMeanwhile):
        services.edit_post(board.ada.user, db.session.get(Post, post.id), "Third", seen)


def test_deleting_a_post_keeps_its_place_and_takes_it_out_of_search(board):
    thread = start(board.ada)
    post = reply_as(board.ben, thread, "The kestrel survey might help")
    assert _search(board, "kestrel") == [post.id]
    services.delete_post(board.ben.user, post)
    commit()
    kept = db.session.get(Post, post.id)
    assert kept.deleted_at is not None and kept.body == ""  # its words erased, its place kept
    assert [p.number for p in services.posts_page(thread, None).items] == [1, 2]
    assert _search(board, "kestrel") == []
    with pytest.raises(BoardError, match="deleted or hidden"):
        services.edit_post(board.ben.user, kept, "Back again", kept.version)


def test_a_finished_cohort_takes_no_posts(board):
    thread = start(board.ada)
    update_cohort(None, board.cohort, status="finished")
    commit()
    with pytest.raises(UserError, match="has finished"):
        start(board.cy, title="Too late")
    with pytest.raises(UserError, match="has finished"):
        reply_as(board.cy, thread)
    db.session.rollback()
    assert count(Thread) == 1 and count(Post) == 1


def test_the_edit_page_of_a_post_that_can_no_longer_change_says_why(client, login, board):
    thread = start(board.ada)
    post = reply_as(board.ben, thread, "Our first idea")
    update_cohort(None, board.cohort, status="finished")
    commit()
    login(board.ben.user)
    url = f"/cohorts/{board.cohort.id}/board/threads/{thread.id}"
    response = client.get(f"{url}/posts/{post.id}/edit")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/board/threads/{thread.id}#post-{post.number}")
    page = client.get(url).get_data(as_text=True)
    assert "has finished" in page and "Save the change" not in page


def test_the_list_shows_pinned_threads_first_then_the_latest(board):
    older, pinned, newer = (start(board.ada, title=t) for t in ("Older", "Pinned", "Newer"))
    services.set_pinned(board.fay.user, pinned, True)
    commit()
    reply_as(board.cy, older)  # now the latest activity
    assert _titles(board, board.ben) == ["Pinned", "Older", "Newer"]
    assert _titles(board, board.ben, kind="question") == []
    assert _titles(board, board.ben, kind="discussion") == ["Pinned", "Older", "Newer"]
    # A kind the board does not have lists every thread, as no kind does.
    assert _titles(board, board.ben, kind="gossip") == ["Pinned", "Older", "Newer"]


def test_the_list_counts_what_each_reader_has_not_read(board):
    thread = start(board.ada)
    for n in range(3):
        reply_as(board.ben, thread, f"Reply {n}")
    rows, _ = services.threads_page(board.cohort, board.cy.user, None)
    assert [row.unread for row in rows] == [4]
    services.mark_read(board.cy.user, thread, 4)
    commit()
    reply_as(board.ben, thread, "One more")
    rows, _ = services.threads_page(board.cohort, board.cy.user, None)
    assert [row.unread for row in rows] == [1]
    services.mark_read(board.cy.user, thread, 2)  # an earlier page does not undo the rest
    commit()
    rows, _ = services.threads_page(board.cohort, board.cy.user, None)
    assert [row.unread for row in rows] == [1]


def _list_queries(board) -> int:
    commit()
    with count_queries() as queries:
        rows, page = services.threads_page(board.cohort, board.cy.user, None)
        # What the board's list shows of each thread (a request's questions are on its page).
        seen = [(row.thread.title, row.thread.author.name, row.thread.kind_label,
                 row.unread) for row in rows]
    assert len(seen) == min(page.total, services.THREADS_A_PAGE)
    return queries[0]


def test_the_list_takes_the_same_queries_however_many_threads(board):
    for n in range(2):
        start(board.ada, "feedback", title=f"Request {n}")
    few = _list_queries(board)
    for n in range(30):
        start(board.ben if n % 2 else board.ada, "feedback" if n % 3 else "question",
              title=f"Thread {n}")
    assert _list_queries(board) == few


def _thread_queries(thread) -> int:
    commit()
    thread = db.session.get(Thread, thread.id)
    with count_queries() as queries:
        page = services.posts_page(thread, "1")
        seen = [(p.number, p.author.name, p.html, p.attachment) for p in page.items]
    assert len(seen) == min(page.total, services.POSTS_A_PAGE)
    return queries[0]


def test_a_threads_page_takes_the_same_queries_however_long_the_thread(board):
    thread = start(board.ada)
    reply_as(board.ben, thread)
    few = _thread_queries(thread)
    for n in range(45):
        reply_as(board.cy if n % 2 else board.ben, thread, f"Reply {n}")
    assert _thread_queries(thread) == few
    page = services.posts_page(db.session.get(Thread, thread.id), "3")
    assert [p.number for p in page.items] == list(range(41, 48)) and page.pages == 3


def test_a_thread_of_another_cohort_is_not_found(board):
    elsewhere = start(board.zed)
    assert find_thread(board.ada.user, elsewhere.id, board.cohort) is None
    assert find_thread(board.zed.user, elsewhere.id, board.zed.cohort).id == elsewhere.id


def test_a_look_up_by_a_two_column_key_finds_the_row_and_then_the_session_copy(board):
    """`core.database.get` with a composite key (a thread and a person), as the thread page
    asks whether its reader follows it: read once, then from the session; another person's
    key finds nothing."""
    from cohort.board.models import Follow
    from cohort.core.database import get

    thread = start(board.ada)
    services.follow(board.cy.user, thread)
    commit()
    thread_id, cy_id, ben_id = thread.id, board.cy.user.id, board.ben.user.id
    db.session.expunge_all()
    with statements_run() as statements:
        found = get(Follow, (thread_id, cy_id))
        assert (found.thread_id, found.user_id) == (thread_id, cy_id)
        assert get(Follow, (thread_id, cy_id)) is found
        assert len(statements) == 1
        assert get(Follow, (thread_id, ben_id)) is None
