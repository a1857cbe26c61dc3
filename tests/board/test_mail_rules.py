"""What the board mails and to whom: nothing of a hidden thread to anyone but the moderators;
one mention mail per person per post, however often an edit takes the mention out and puts it
back; the author of a feedback request told of each answer (at once or in the digest, as they
chose); and links that open the post itself."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from cohort.board import services
from cohort.board.models import MentionSent, Post, Thread
from cohort.core.database import commit
from cohort.core.timeutil import utcnow
from cohort.extensions import db

from .conftest import mail_to, reply_as, start


def _edit(membership, post, body):
    post = db.session.get(Post, post.id)
    services.edit_post(membership.user, post, body, post.version)
    commit()


def _opening(thread):
    return db.session.execute(select(Post).where(Post.thread_id == thread.id,
                                                 Post.number == 1)).scalar_one()


def test_an_edit_in_a_hidden_thread_mails_no_one_but_the_moderators(board):
    """issue 19 item 4"""
    thread = start(board.ada, title="Our council's staff survey")
    reply = reply_as(board.ada, thread, "More on the survey to come.")
    services.follow(board.cy.user, thread)
    services.hide_post(board.fay.user, _opening(thread), "Names a colleague")
    commit()
    before = {m.user.email: len(mail_to(m)) for m in board.members}
    _edit(board.ada, reply, "What do you think, @cy-young and @ben-byron?")
    assert (len(mail_to(board.cy)), len(mail_to(board.ben))) == (before["cy@example.org"],
                                                                 before["ben@example.org"])
    _edit(board.ada, reply, "What do you think, @fay-fairweather?")
    (told,) = mail_to(board.fay)[before["fay@example.org"]:]
    assert told.subject == 'Ada Lovelace mentioned you in "Our council\'s staff survey"'
    assert all("staff survey" not in m.subject for m in mail_to(board.cy) + mail_to(board.ben))


def test_a_mention_taken_out_and_put_back_mails_once(board):
    """issue 19 item 5"""
    thread = start(board.ada)
    post = reply_as(board.ada, thread, "Over to you, @cy-young")
    assert len(mail_to(board.cy)) == 1
    _edit(board.ada, post, "Over to anyone")
    _edit(board.ada, post, "Over to you again, @cy-young")
    _edit(board.ada, post, "Over to anyone")
    _edit(board.ada, post, "Over to you, @cy-young, at last")
    assert len(mail_to(board.cy)) == 1
    assert db.session.execute(select(MentionSent.user_id).where(
        MentionSent.post_id == post.id)).scalars().all() == [board.cy.user_id]


def test_a_member_mentioned_in_two_posts_hears_of_each(board):
    thread = start(board.ada)
    reply_as(board.ada, thread, "@cy-young, a first point")
    reply_as(board.ada, thread, "@cy-young, a second point")
    assert len(mail_to(board.cy)) == 2


def test_the_database_holds_one_mention_row_per_post_and_person(board):
    thread = start(board.ada)
    post = reply_as(board.ada, thread, "Over to you, @cy-young")
    db.session.add(MentionSent(post_id=post.id, user_id=board.cy.user_id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def _request(board):
    return start(board.ada, kind="feedback", title="Draft strategy",
                 questions=["Is the scope right?", "What is missing?"])


def test_the_author_of_a_request_is_mailed_each_answer(board):
    """issue 19 item 19"""
    thread = _request(board)
    first, second = (q.id for q in thread.questions)
    services.answer(board.ben.user, board.ben, thread, {first: "Too wide", second: ""})
    commit()
    (told,) = mail_to(board.ada)
    assert told.subject == 'Ben Byron gave feedback on "Draft strategy"'
    assert "answered 1 of your 2 questions" in told.body
    assert f"/board/threads/{thread.id}#questions" in told.body
    services.answer(board.cy.user, board.cy, thread, {first: "Fine", second: "Costs"})
    commit()
    assert [m.subject for m in mail_to(board.ada)][1] == 'Cy Young gave feedback on "Draft strategy"'


def test_feedback_on_a_new_version_is_mailed_too_but_an_unchanged_answer_is_not(board):
    thread = _request(board)
    first, second = (q.id for q in thread.questions)
    services.answer(board.ben.user, board.ben, thread, {first: "Too wide", second: ""})
    commit()
    services.add_version(board.ada.user, db.session.get(Thread, thread.id), "Narrower", None,
                         "Cut the scope")
    commit()
    services.answer(board.ben.user, board.ben, thread, {first: "Too wide", second: ""})
    commit()
    assert len(mail_to(board.ada)) == 1  # nothing changed, nothing to tell
    services.answer(board.ben.user, board.ben, thread, {first: "Better now", second: ""})
    commit()
    assert [m.subject for m in mail_to(board.ada)] == [
        'Ben Byron gave feedback on "Draft strategy"'] * 2
    assert "changed 1 answer" in mail_to(board.ada)[1].body


def test_feedback_reaches_a_digest_author_in_the_digest_and_no_author_who_chose_none(board):
    services.set_notify(board.ada, "digest")
    commit()
    thread = _request(board)
    first, _second = (q.id for q in thread.questions)
    services.answer(board.ben.user, board.ben, thread, {first: "Too wide"})
    commit()
    assert mail_to(board.ada) == []
    assert services.send_digests(now=utcnow() + timedelta(days=1, minutes=1)) == 1
    commit()
    (digest,) = mail_to(board.ada)
    assert "Feedback on your requests" in digest.body
    assert "- Draft strategy: 1 answer from Ben Byron" in digest.body
    services.set_notify(board.ada, "none")
    commit()
    services.answer(board.cy.user, board.cy, thread, {first: "Fine"})
    commit()
    assert len(mail_to(board.ada)) == 1
