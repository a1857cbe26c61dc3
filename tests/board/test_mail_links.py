"""Every link in the board's mail opens where it says: a post's link ends in #post-N (the
post itself), never in a query argument the page ignores."""

import re
from datetime import timedelta

from cohort.board import services
from cohort.core.database import commit
from cohort.core.timeutil import utcnow

from .conftest import mail_to, reply_as, start


def test_a_post_mail_links_to_the_post_by_its_anchor(board):
    """issue 19 item 27"""
    thread = start(board.ada)
    services.follow(board.cy.user, thread)
    commit()
    post = reply_as(board.ben, thread, "Hello @cy-young")
    (message,) = mail_to(board.cy)
    assert f"/cohorts/{board.cohort.id}/board/threads/{thread.id}#post-{post.number}\n" \
        in message.body
    assert "_anchor" not in message.body


def test_no_board_mail_carries_an_anchor_as_a_query_argument(board):
    services.set_notify(board.cy, "digest")
    commit()
    thread = start(board.ada, kind="feedback", title="Draft strategy")
    services.follow(board.cy.user, thread)
    commit()
    reply_as(board.ben, thread, "Hello @ada-lovelace")
    services.answer(board.ben.user, board.ben, thread, {thread.questions[0].id: "Yes"})
    commit()
    services.send_digests(now=utcnow() + timedelta(days=1, minutes=1))
    commit()
    links = [link for who in board.members for m in mail_to(who)
             for link in re.findall(r"https?://\S+", m.body)]
    assert len(links) >= 6
    assert [link for link in links if "?" in link] == []
