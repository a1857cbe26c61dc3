"""Who hears of a new post: each follower once, never its author; as each member chose (at
once, in a daily digest, or not at all); a mention once, even for a follower; a mention of
someone not on the board refused, with nothing saved or sent."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import update

from cohort.board import services
from cohort.board.jobs import send_digests_job
from cohort.board.models import BoardMember, Post, Thread
from cohort.board.services import BoardError, notify
from cohort.core.database import commit, write_intent
from cohort.core.mail import external_url
from cohort.core.models import MailMessage
from cohort.core.timeutil import utcnow
from cohort.extensions import db
from tests.helpers import sqlite_write_lock_free

from .conftest import count, mail_to, reply_as, start


def _followed_by(board, *members, **fields):
    thread = start(board.ada, title="Measuring wellbeing", **fields)
    for membership in members:
        services.follow(membership.user, thread)
    commit()
    return thread


def test_a_reply_tells_each_follower_once_and_never_its_author(board):
    thread = _followed_by(board, board.ben, board.cy)
    assert count(MailMessage) == 0  # nobody else followed when it was started
    post = reply_as(board.ben, thread, "The ONS has **four** measures.")
    assert [len(mail_to(m)) for m in (board.ada, board.ben, board.cy, board.fay)] == [1, 0, 1, 0]
    (message,) = mail_to(board.ada)
    assert message.subject == 'New in "Measuring wellbeing"'
    assert "Ben Byron wrote in" in message.body and "The ONS has four measures." in message.body
    assert external_url("board.thread", cohort_id=board.cohort.id, thread_id=thread.id,
                        _anchor=f"post-{post.number}") in message.body
    headers = json.loads(message.headers)
    assert "/unsubscribe/" in headers["List-Unsubscribe"]
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"/settings#cohort-{board.cohort.id}-board" in message.body


def test_the_threads_author_replying_tells_the_others(board):
    thread = _followed_by(board, board.ben)
    reply_as(board.ada, thread, "Thanks all")
    assert (len(mail_to(board.ada)), len(mail_to(board.ben))) == (0, 1)


def test_someone_who_stopped_following_hears_nothing(board):
    thread = _followed_by(board, board.ben)
    services.unfollow(board.ben.user, thread)
    commit()
    reply_as(board.cy, thread)
    assert mail_to(board.ben) == [] and len(mail_to(board.ada)) == 1


def test_a_member_who_chose_no_email_gets_none(board):
    thread = _followed_by(board, board.cy)
    services.set_notify(board.cy, "none")
    commit()
    reply_as(board.ben, thread, "Hello @cy-young")
    assert mail_to(board.cy) == []


def test_a_digest_member_hears_nothing_at_once_and_one_digest_a_day_later(board):
    services.set_notify(board.cy, "digest")
    commit()
    thread = _followed_by(board, board.cy)
    quiet = start(board.ben, title="Not followed by Cy")
    reply_as(board.ben, thread, "One")
    reply_as(board.fay, thread, "Two")
    reply_as(board.cy, thread, "Cy's own")
    reply_as(board.ada, quiet, "Elsewhere")
    assert mail_to(board.cy) == []
    assert services.send_digests() == 0  # not a day yet
    later = utcnow() + timedelta(days=1, minutes=1)
    assert services.send_digests(now=later) == 1
    commit()
    (digest,) = mail_to(board.cy)
    assert digest.subject == "3 new posts on the Wellbeing 2026 board"
    assert "- Measuring wellbeing: 3 new posts" in digest.body
    assert "Not followed by Cy" not in digest.body
    assert f"/settings#cohort-{board.cohort.id}-board" in digest.body
    assert json.loads(digest.headers)["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert services.send_digests(now=later + timedelta(hours=1)) == 0  # one a day
    assert len(mail_to(board.cy)) == 1


def test_the_sweep_sends_digests_a_member_at_a_time_within_its_turn(app, board, monkeypatch):
    """The scheduler's digests: each member's committed on its own, and with the turn over
    after the first, the next sweep sends the next; each member gets one, none twice."""
    for membership in (board.cy, board.fay):
        services.set_notify(membership, "digest")
    commit()
    thread = _followed_by(board, board.cy, board.fay)
    reply_as(board.ben, thread, "One")
    db.session.execute(update(BoardMember).where(BoardMember.notify == "digest")
                       .values(digest_sent_at=utcnow() - timedelta(days=2)))
    commit()
    monkeypatch.setitem(app.config, "SCHEDULER_TURN_SECONDS", 0)
    assert [send_digests_job() for _ in range(3)] == [1, 1, 0]
    assert (len(mail_to(board.cy)), len(mail_to(board.fay))) == (1, 1)
    monkeypatch.setitem(app.config, "SCHEDULER_TURN_SECONDS", 60)
    db.session.execute(update(BoardMember).where(BoardMember.notify == "digest")
                       .values(digest_sent_at=utcnow() - timedelta(days=2)))
    commit()
    assert send_digests_job() == 2  # a turn long enough: both in one sweep


def test_the_sweep_reads_each_digest_without_holding_sqlites_write_lock(board, monkeypatch):
    """On SQLite a digest is read in a transaction of its own that takes no write lock (the
    sweep's are write transactions), so people's posts go on while the digests are read."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's one write lock; PostgreSQL locks rows, not the database")
    services.set_notify(board.cy, "digest")
    commit()
    reply_as(board.ben, _followed_by(board, board.cy), "One")
    db.session.execute(update(BoardMember).where(BoardMember.notify == "digest")
                       .values(digest_sent_at=utcnow() - timedelta(days=2)))
    commit()
    real, free = notify._digest_of, []

    def reading(member, now):
        found = real(member, now)
        free.append(sqlite_write_lock_free())
        return found

    monkeypatch.setattr(notify, "_digest_of", reading)
    with write_intent():
        assert send_digests_job() == 1
    assert free == [True] and len(mail_to(board.cy)) == 1


def test_a_digest_with_nothing_new_is_not_sent(board):
    services.set_notify(board.cy, "digest")
    commit()
    _followed_by(board, board.cy)  # Ada's opening post came after Cy chose the digest
    assert services.send_digests(now=utcnow() + timedelta(days=1)) == 1
    assert services.send_digests(now=utcnow() + timedelta(days=3)) == 0


def test_a_mention_tells_the_member_once_even_when_they_follow(board):
    thread = _followed_by(board, board.cy)
    reply_as(board.ben, thread, "What do you think, @cy-young and @Fay-Fairweather?")
    (to_cy,) = mail_to(board.cy)
    (to_fay,) = mail_to(board.fay)
    assert to_cy.subject == to_fay.subject == 'Ben Byron mentioned you in "Measuring wellbeing"'
    assert "You receive this because you were mentioned" in to_cy.body


def test_a_mention_reaches_a_digest_member_at_once(board):
    services.set_notify(board.cy, "digest")
    commit()
    thread = _followed_by(board, board.cy)
    reply_as(board.ben, thread, "Over to you @cy-young")
    assert [m.subject for m in mail_to(board.cy)] == [
        'Ben Byron mentioned you in "Measuring wellbeing"']


@pytest.mark.parametrize("handle", ["zed-zimmer", "eve-evans", "nobody"])
def test_a_mention_of_someone_not_on_the_board_is_refused_and_nothing_saved(board, handle):
    thread = _followed_by(board, board.cy)
    with pytest.raises(BoardError, match=f"No one on this board is called @{handle}") as refused:
        reply_as(board.ben, thread, f"Ask @{handle}")
    assert refused.value.field == "body"
    db.session.rollback()
    assert (count(Post), count(MailMessage)) == (1, 0)
    assert db.session.get(Thread, thread.id).post_count == 1


def test_a_new_thread_mentioning_a_stranger_is_not_started(board):
    with pytest.raises(BoardError, match="@zed-zimmer"):
        start(board.ada, body="Hi @zed-zimmer")
    db.session.rollback()
    assert count(Thread) == 0


def test_an_edit_tells_only_the_members_it_newly_mentions(board):
    thread = _followed_by(board, board.ben, board.cy)
    post = reply_as(board.ada, thread, "Thoughts, @cy-young?")
    assert (len(mail_to(board.ben)), len(mail_to(board.cy))) == (1, 1)
    services.edit_post(board.ada.user, post, "Thoughts, @cy-young? And yours?", post.version)
    commit()
    assert (len(mail_to(board.ben)), len(mail_to(board.cy))) == (1, 1)
    post = db.session.get(Post, post.id)
    services.edit_post(board.ada.user, post, "Thoughts, @cy-young and @fay-fairweather?",
                       post.version)
    commit()
    assert (len(mail_to(board.cy)), len(mail_to(board.fay))) == (1, 1)


def test_members_share_a_name_and_are_told_apart(board, make_member, make_user):
    twin = make_member(board.cohort, "participant", user=make_user(name="Cy Young"))
    assert services.handles(board.cohort)["cy-young-2"].id == twin.id
    thread = _followed_by(board)
    reply_as(board.ben, thread, "@cy-young-2 welcome")
    assert [len(mail_to(m)) for m in (board.cy, twin)] == [0, 1]
