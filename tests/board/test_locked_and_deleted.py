"""A locked thread takes no change but the moderators'; a deleted post is gone for everyone,
its author and the facilitators included, on every page that could show its text."""

import pytest
from sqlalchemy import func, select

from cohort.board import services
from cohort.board.models import Attachment, Post, PostRevision, Thread
from cohort.board.personal_data import export
from cohort.board.services import BoardError
from cohort.core.database import commit
from cohort.core.models import AuditEvent
from cohort.extensions import db
from tests.helpers import post_form

from .conftest import pdf, reply_as, start

SECRET = "Our chief executive's private mobile is 07700 900123"


def _lock(board, thread):
    services.set_locked(board.fay.user, db.session.get(Thread, thread.id), True)
    commit()
    return db.session.get(Thread, thread.id)


def test_a_locked_request_takes_no_new_version_and_cannot_be_resolved(board):
    """issue 19 item 6"""
    thread = _lock(board, start(board.ada, kind="feedback", title="Draft strategy"))
    with pytest.raises(BoardError, match="locked"):
        services.add_version(board.ada.user, thread, "Version two", None, "Shorter")
    db.session.rollback()
    for act in (services.resolve, services.reopen):
        with pytest.raises(BoardError, match="locked"):
            act(board.ada.user, db.session.get(Thread, thread.id))
        db.session.rollback()
    thread = db.session.get(Thread, thread.id)
    assert (len(services.versions_of(thread)), thread.resolved_at) == (1, None)
    services.set_pinned(board.fay.user, thread, True)  # the moderators still act
    services.set_locked(board.fay.user, thread, False)
    commit()
    services.resolve(board.ada.user, db.session.get(Thread, thread.id))
    commit()
    assert db.session.get(Thread, thread.id).resolved_at is not None


def test_a_post_in_a_locked_thread_cannot_be_deleted(board):
    thread = start(board.ada)
    post = reply_as(board.ben, thread, "A thought")
    _lock(board, thread)
    with pytest.raises(BoardError, match="locked"):
        services.delete_post(board.ben.user, db.session.get(Post, post.id))
    db.session.rollback()
    assert db.session.get(Post, post.id).deleted_at is None


def test_a_locked_request_offers_its_author_no_changes(client, login, board):
    thread = _lock(board, start(board.ada, kind="feedback", title="Draft strategy"))
    login(board.ada.user)
    page = client.get(f"/cohorts/{board.cohort.id}/board/threads/{thread.id}")
    html = page.get_data(as_text=True)
    assert "Share a new version" not in html and "Mark the request resolved" not in html
    response = post_form(client, f"/cohorts/{board.cohort.id}/board/threads/{thread.id}/resolve",
                         {}, page=f"/cohorts/{board.cohort.id}/board/threads/{thread.id}",
                         follow_redirects=True)
    assert "locked this request" in response.get_data(as_text=True)
    assert db.session.get(Thread, thread.id).resolved_at is None
    response = post_form(
        client, f"/cohorts/{board.cohort.id}/board/threads/{thread.id}/versions/new",
        {"text": "Version two", "changes": "Shorter"})
    assert response.status_code == 200 and "locked this request" in response.get_data(
        as_text=True)
    assert len(services.versions_of(db.session.get(Thread, thread.id))) == 1


def _deleted_post(board):
    thread = start(board.ada)
    post = reply_as(board.ben, thread, "First draft of a thought")
    services.edit_post(board.ben.user, post, SECRET, post.version)
    commit()
    services.delete_post(board.ben.user, db.session.get(Post, post.id))
    commit()
    return thread, db.session.get(Post, post.id)


def test_a_facilitator_cannot_read_a_deleted_post(client, login, board):
    """issue 19 item 9"""
    thread, post = _deleted_post(board)
    base = f"/cohorts/{board.cohort.id}/board/threads/{thread.id}"
    login(board.fay.user)
    for url in (f"{base}/posts/{post.id}/hide", f"{base}/posts/{post.id}/edit"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "07700" not in response.get_data(as_text=True)
    for url in (base, f"{base}?quote={post.id}",
                f"/cohorts/{board.cohort.id}/board/search?q=mobile",
                f"/cohorts/{board.cohort.id}/board/search?q=draft"):
        html = client.get(url).get_data(as_text=True)
        assert "07700" not in html and "First draft of a thought" not in html, url
    response = post_form(client, f"{base}/posts/{post.id}/hide", {"reason": "Too personal"},
                         page=base)
    assert response.status_code == 404
    assert db.session.get(Post, post.id).hidden_at is None


def test_its_author_cannot_read_or_change_a_deleted_post_either(client, login, board):
    thread, post = _deleted_post(board)
    base = f"/cohorts/{board.cohort.id}/board/threads/{thread.id}"
    login(board.ben.user)
    response = client.get(f"{base}/posts/{post.id}/edit")
    assert response.status_code == 404 and "07700" not in response.get_data(as_text=True)
    assert "07700" not in client.get(base).get_data(as_text=True)


def test_a_deleted_post_s_text_earlier_texts_and_file_are_erased(client, login, board):
    thread = start(board.ada)
    post = reply_as(board.ben, thread, "First draft of a thought", attachment=pdf("mine.pdf"))
    file_url = f"/cohorts/{board.cohort.id}/board/files/{post.attachment_id}"
    services.edit_post(board.ben.user, post, SECRET, post.version)
    commit()
    services.delete_post(board.ben.user, db.session.get(Post, post.id))
    commit()
    db.session.expire_all()
    kept = db.session.get(Post, post.id)
    assert (kept.body, kept.html, kept.attachment_id) == ("", "", None)
    assert kept.deleted_at is not None and kept.number == 2  # the thread's numbering holds
    assert db.session.execute(select(func.count()).select_from(PostRevision).where(
        PostRevision.post_id == post.id)).scalar_one() == 0
    assert db.session.execute(select(func.count()).select_from(Attachment)).scalar_one() == 0
    login(board.ben.user)
    assert client.get(file_url).status_code == 404
    exported = str(export(board.ben.user))  # the author's own download
    assert "07700" not in exported and "First draft of a thought" not in exported


def test_the_audit_log_keeps_that_a_post_was_deleted(board):
    _thread, post = _deleted_post(board)
    assert db.session.execute(select(AuditEvent.action, AuditEvent.actor_id).where(
        AuditEvent.subject == f"post {post.id}")).all() == [("post_deleted", board.ben.user_id)]


def test_the_services_refuse_to_hide_or_show_a_deleted_post(board):
    _thread, post = _deleted_post(board)
    for act in (lambda: services.hide_post(board.fay.user, post, "Too personal"),
                lambda: services.show_post(board.fay.user, post)):
        with pytest.raises(BoardError, match="deleted"):
            act()
        db.session.rollback()
    assert services.revisions_of(db.session.get(Post, post.id)) == []
