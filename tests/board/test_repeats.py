"""A reply or a thread sent twice (a double click, a browser sending the form again, six sends
at once) is posted once and told once: the writer lands on the post already made. The same
text sent again later, or another text, is a new post."""

import threading
from datetime import timedelta

from sqlalchemy import func, select

from cohort.accounts.models import User
from cohort.board import services
from cohort.board.models import Post, Thread
from cohort.board.services import repeats
from cohort.cohorts.models import Membership
from cohort.core.database import commit, write_intent
from cohort.core.models import Notice
from cohort.extensions import db
from tests.helpers import csrf_from

from .conftest import mail_to, pdf, reply_as, start

TIMEOUT = 30


def _posts(thread) -> list[str]:
    return list(db.session.execute(select(Post.body).where(Post.thread_id == thread.id)
                                   .order_by(Post.number)).scalars())


def _notices(membership) -> int:
    return db.session.execute(select(func.count(Notice.id)).where(
        Notice.user_id == membership.user_id)).scalar_one()


def test_a_reply_sent_twice_is_posted_once_and_lands_on_it(client, login, board):
    thread = start(board.ada, title="Twice")
    login(board.ben.user)
    url = f"/cohorts/{board.cohort.id}/board/threads/{thread.id}"
    token = csrf_from(client.get(url))
    first, second = (client.post(f"{url}/reply", data={"csrf_token": token,
                                                       "body": "Count me in."})
                     for _ in range(2))
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"] == f"{url}#post-2"
    assert _posts(thread) == ["Where do we start?", "Count me in."]
    assert len(mail_to(board.ada)) == 1 and _notices(board.ada) == 1
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "Your reply is posted." in page and page.count("Count me in.") == 1


def test_six_replies_sent_at_once_are_one_post(app, board):
    thread = start(board.ada, title="At once")
    user_id, membership_id, thread_id = board.ben.user_id, board.ben.id, thread.id
    db.session.commit()  # the test's own transaction must not hold a snapshot
    barrier = threading.Barrier(6, timeout=TIMEOUT)
    outcomes: list = [None] * 6

    def send(index: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                with write_intent():
                    post = services.reply(db.session.get(User, user_id),
                                          db.session.get(Membership, membership_id),
                                          db.session.get(Thread, thread_id), "Count me in.")
                    commit()
                outcomes[index] = post.number
            except Exception as error:  # reported by the assertion
                db.session.rollback()
                outcomes[index] = error

    threads = [threading.Thread(target=send, args=(i,), daemon=True) for i in range(6)]
    for each in threads:
        each.start()
    for each in threads:
        each.join(TIMEOUT)
    assert not any(each.is_alive() for each in threads), "a send did not finish"
    db.session.rollback()
    assert outcomes == [2] * 6
    assert _posts(thread) == ["Where do we start?", "Count me in."]
    assert len(mail_to(board.ada)) == 1 and _notices(board.ada) == 1


def test_the_same_reply_later_another_reply_or_another_file_is_a_new_post(board, monkeypatch):
    thread = start(board.ada, title="Again")
    first = reply_as(board.ben, thread, "Agreed.")
    assert reply_as(board.ben, thread, "Agreed.").id == first.id
    assert reply_as(board.ben, thread, "Agreed, and more.").number == 3
    with_file = reply_as(board.ben, thread, "See the file.", attachment=pdf("a.pdf"))
    assert reply_as(board.ben, thread, "See the file.", attachment=pdf("a.pdf")).id == with_file.id
    assert reply_as(board.ben, thread, "See the file.", attachment=pdf(
        "b.pdf", pdf().data + b"\n% another\n")).number == 5
    assert reply_as(board.cy, thread, "Agreed.").number == 6  # someone else saying it
    monkeypatch.setattr(repeats, "REPEAT_WITHIN", timedelta(0))
    assert reply_as(board.ben, thread, "See the file.", attachment=pdf("b.pdf", pdf().data +
                    b"\n% another\n")).number == 7  # the same, said again later


def test_a_thread_sent_twice_is_started_once(client, login, board):
    login(board.ada.user)
    url = f"/cohorts/{board.cohort.id}/board/new"
    token = csrf_from(client.get(url))
    data = {"csrf_token": token, "kind": "discussion", "title": "Measures",
            "body": "Which measures?"}
    first, second = (client.post(url, data=data) for _ in range(2))
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.execute(select(func.count(Thread.id)).where(
        Thread.cohort_id == board.cohort.id, Thread.kind == "discussion")).scalar_one() == 1
    assert "Your thread is on the board." in client.get(second.headers["Location"]).get_data(
        as_text=True)


def test_a_thread_of_another_title_or_kind_is_started(board):
    first = start(board.ada, title="Measures")
    assert start(board.ada, title="Measures").id == first.id
    assert start(board.ada, title="Measures", body="Another opening").id != first.id
    assert start(board.ada, "question", title="Measures", body="Another opening").kind == \
        "question"
