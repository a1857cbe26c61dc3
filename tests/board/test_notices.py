"""The board's notices in the app: a mention, a reply in a followed thread, an answer to my
question, feedback on my request, and a moderator hiding my post, each shown on the person's
notifications page whatever they chose about mail, and followed to its place on the board. A
notice never shows what its person may no longer see: a post hidden or deleted, a hidden
thread, a board they left."""

import re

from sqlalchemy import select

from cohort.board import services
from cohort.cohorts.services import leave_place
from cohort.core.database import commit
from cohort.core.models import Notice
from cohort.extensions import db

from .conftest import reply_as, start


def notices_of(membership) -> list[tuple[str, str]]:
    """(kind, text) of the member's notices, oldest first."""
    return [(n.kind, n.text) for n in db.session.execute(select(Notice).where(
        Notice.user_id == membership.user_id).order_by(Notice.id)).scalars()]


def page_of(client, login, membership) -> str:
    login(membership.user)
    return client.get("/notifications").get_data(as_text=True)


def unread_in_header(page: str) -> int:
    found = re.search(r'class="cohort-count">(\d+)<', page)
    return int(found.group(1)) if found else 0


def _followed(board, *members, **fields):
    thread = start(board.ada, title="Measuring wellbeing", **fields)
    for membership in members:
        services.follow(membership.user, thread)
    commit()
    return thread


def test_a_reply_tells_each_follower_in_the_app_even_with_no_email(board):
    services.set_notify(board.cy, "none")
    thread = _followed(board, board.ben, board.cy)
    reply_as(board.ben, thread, "The ONS has four measures.")
    assert notices_of(board.ada) == [("reply", "Ben Byron replied in “Measuring wellbeing”")]
    assert notices_of(board.cy) == [("reply", "Ben Byron replied in “Measuring wellbeing”")]
    assert notices_of(board.ben) == []  # never its author
    assert notices_of(board.fay) == []  # not following


def test_a_mention_is_one_notice_even_for_a_follower_and_not_repeated_on_edit(board):
    thread = _followed(board, board.cy)
    post = reply_as(board.ben, thread, "What do you think, @cy-young?")
    assert notices_of(board.cy) == [("mention", "Ben Byron mentioned you in “Measuring wellbeing”")]
    services.edit_post(board.ben.user, post, "What do you think, @cy-young? Anyone?", post.version)
    commit()
    assert len(notices_of(board.cy)) == 1


def test_an_answer_to_my_question_says_so(board):
    thread = start(board.ada, kind="question", title="Which survey tool?")
    reply_as(board.cy, thread, "We use the ONS questions.")
    assert notices_of(board.ada) == [("answer", "Cy Young answered your question “Which survey tool?”")]


def test_feedback_on_my_request_is_one_notice_until_read(board, client, login):
    services.set_notify(board.ada, "none")
    thread = start(board.ada, kind="feedback", title="Our draft strategy")
    question = thread.questions[0]
    services.answer(board.cy.user, board.cy, thread, {question.id: "The scope is right."})
    commit()
    services.answer(board.ben.user, board.ben, thread, {question.id: "Add measures."})
    commit()
    assert notices_of(board.ada) == [("feedback", "Ben Byron gave feedback on “Our draft strategy”")]
    page = page_of(client, login, board.ada)
    assert unread_in_header(page) == 1
    notice = db.session.execute(select(Notice).where(Notice.user_id == board.ada.user_id)).scalar_one()
    response = client.get(f"/notifications/{notice.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/cohorts/{board.cohort.id}/board/threads/{thread.id}")
    page = client.get("/notifications").get_data(as_text=True)
    assert unread_in_header(page) == 0 and "Our draft strategy" in page


def test_following_a_notice_lands_on_the_post_and_marks_it_read(board, client, login):
    thread = _followed(board)
    post = reply_as(board.cy, thread, "A reply")
    page = page_of(client, login, board.ada)
    assert unread_in_header(page) == 1 and "Cy Young replied in" in page
    (notice_id,) = re.findall(r'href="/notifications/(\d+)"', page)
    response = client.get(f"/notifications/{notice_id}")
    assert response.headers["Location"].endswith(
        f"/board/threads/{thread.id}#post-{post.number}")
    assert unread_in_header(client.get("/notifications").get_data(as_text=True)) == 0


def test_a_hidden_post_leaves_followers_notices_and_tells_its_author(board, client, login):
    thread = _followed(board, board.ben)
    post = reply_as(board.cy, thread, "Something unkind")
    assert [kind for kind, _ in notices_of(board.ben)] == ["reply"]
    services.hide_post(board.fay.user, post, "Please keep it kind")
    commit()
    assert notices_of(board.ben) == [] and notices_of(board.ada) == []
    assert notices_of(board.cy) == [
        ("moderated", "A facilitator hid your post in “Measuring wellbeing”: Please keep it kind")]
    page = page_of(client, login, board.cy)
    assert unread_in_header(page) == 1
    (notice_id,) = re.findall(r'href="/notifications/(\d+)"', page)
    # Its author still sees the hidden post, with the reason.
    assert client.get(f"/notifications/{notice_id}").headers["Location"].endswith(
        f"#post-{post.number}")


def test_a_hidden_thread_leaves_no_notice_but_its_authors_and_the_moderators(board):
    thread = _followed(board, board.ben, board.fay)
    reply_as(board.cy, thread, "A reply")
    opening = services.posts_page(thread, None).items[0]
    services.hide_post(board.fay.user, opening, "Names a colleague")
    commit()
    assert notices_of(board.ben) == []
    assert [kind for kind, _ in notices_of(board.fay)] == ["reply"]  # a moderator still sees it
    assert [kind for kind, _ in notices_of(board.ada)] == ["reply", "moderated"]


def test_a_deleted_post_is_no_longer_notified(board, client, login):
    thread = _followed(board)
    post = reply_as(board.cy, thread, "Posted too soon")
    services.delete_post(board.cy.user, post)
    commit()
    assert notices_of(board.ada) == []
    assert unread_in_header(page_of(client, login, board.ada)) == 0


def test_a_read_notice_of_a_post_hidden_later_is_not_shown(board, client, login):
    thread = _followed(board)
    post = reply_as(board.cy, thread, "Posted")
    page = page_of(client, login, board.ada)
    (notice_id,) = re.findall(r'href="/notifications/(\d+)"', page)
    client.get(f"/notifications/{notice_id}")  # read
    services.hide_post(board.fay.user, post, "Off topic")
    commit()
    page = client.get("/notifications").get_data(as_text=True)
    assert "Cy Young replied" not in page
    response = client.get(f"/notifications/{notice_id}", follow_redirects=True)
    assert "no longer available to you" in response.get_data(as_text=True)


def test_a_member_who_left_sees_nothing_of_the_board_they_left(board, client, login):
    thread = _followed(board, board.cy)
    reply_as(board.ben, thread, "News")
    leave_place(board.cy.user, board.cy)
    commit()
    page = page_of(client, login, board.cy)
    assert unread_in_header(page) == 0 and "Ben Byron" not in page
