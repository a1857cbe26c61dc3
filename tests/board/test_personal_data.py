"""The board's part of a person's data (board/personal_data.py): what Ada's download holds,
what her erasure leaves (her words, as a former member's) and takes (earlier versions, what
the board kept to serve her), and what goes when the cohort's retention period has passed."""

from datetime import timedelta

from sqlalchemy import select

from cohort.board import personal_data as part
from cohort.board import services
from cohort.board.models import (
    Attachment,
    BoardMember,
    FeedbackAnswer,
    Follow,
    Post,
    PostRevision,
    Resource,
    SearchEntry,
    Thread,
    ThreadRead,
)
from cohort.core.database import commit
from cohort.extensions import db

from .conftest import PDF, count, pdf, reply_as, start


def _ada_shares(board):
    """Ada asks for feedback on a PDF draft (Cy answers), writes in Cy's thread and edits it,
    follows and reads it, and suggests a resource with a file."""
    draft = start(board.ada, "feedback", title="Our draft strategy", body="Where it stands.",
                  draft_file=pdf())
    question = draft.questions[0]
    services.answer(board.cy.user, board.cy, draft, {question.id: "Narrow the scope."})
    talk = start(board.cy, title="Household surveys", body="Who asks ONS4?")
    post = reply_as(board.ada, talk, "We ask it every year.")
    services.edit_post(board.ada.user, post, "We ask it every spring.", None)
    services.follow(board.ada.user, talk)
    services.mark_read(board.ada.user, talk, 2)
    services.add_resource(board.ada.user, board.cohort, services.ResourceData(
        title="Measures bank", topic="Measuring wellbeing",
        upload=services.FileIn("measures.pdf", PDF)), approved=False)
    commit()
    return draft, talk, post


def test_her_download_holds_her_posts_drafts_files_and_the_feedback_both_ways(board):
    _ada_shares(board)
    mine = part.export(board.ada.user)
    assert [t["title"] for t in mine["threads_you_started"]] == ["Our draft strategy"]
    assert {p["text"] for p in mine["posts"]} == {"Where it stands.", "We ask it every spring."}
    assert [r["text"] for r in mine["earlier_versions_of_your_posts"]] == [
        "We ask it every year."]
    assert [f["name"] for f in mine["files_you_uploaded"]] == ["draft.pdf", "measures.pdf"]
    assert mine["drafts_you_shared"][0]["file"].endswith("-draft.pdf")
    assert [a["text"] for a in mine["feedback_you_received"]] == ["Narrow the scope."]
    assert "Cy" not in str(mine["feedback_you_received"])  # what was said, not who said it
    assert mine["feedback_you_gave"] == []
    assert set(mine["threads_you_follow"]) == {"Our draft strategy", "Household surveys"}
    assert [r["title"] for r in mine["resources_you_suggested"]] == ["Measures bank"]
    assert [name.rsplit("-", 1)[1] for name, data in part.files(board.ada.user)
            if data == PDF] == ["draft.pdf", "measures.pdf"]
    theirs = part.export(board.cy.user)
    assert [a["text"] for a in theirs["feedback_you_gave"]] == ["Narrow the scope."]
    assert "Where it stands." not in str(theirs)


def test_her_erasure_leaves_her_words_and_takes_what_served_her(board):
    draft, talk, post = _ada_shares(board)
    services.follow(board.cy.user, talk)
    commit()
    part.erase(board.ada.user)
    commit()
    # her threads, posts, drafts, files and resource stay for the cohort
    assert db.session.get(Post, post.id).body == "We ask it every spring."
    assert db.session.get(Thread, draft.id).author_id == board.ada.user_id
    assert count(Attachment) == 2 and count(Resource) == 1
    # the earlier versions and the board's bookkeeping for her go; Cy's stay
    assert count(PostRevision) == 0
    assert db.session.execute(select(Follow.user_id)).scalars().all() == [board.cy.user_id]
    assert board.ada.user_id not in db.session.execute(select(ThreadRead.user_id)).scalars().all()
    members = db.session.execute(select(BoardMember.membership_id)).scalars().all()
    assert board.ada.id not in members and board.cy.id in members
    assert count(FeedbackAnswer) == 1


def test_when_the_cohort_expires_its_board_goes_but_the_library_and_the_sessions_stay(
        board, make_session):
    draft, talk, _post = _ada_shares(board)
    session = make_session(board.cohort, starts_in=-timedelta(days=3))
    session_thread = db.session.execute(select(Thread).where(
        Thread.session_id == session.id)).scalar_one()
    reply_as(board.cy, session_thread, "Thank you for the session.")
    elsewhere = start(board.zed, title="Another cohort's thread")
    expected = {"feedback answers": 1, "posts": 4, "threads": 2,
                "files shared on the board": 1, "board settings of members": 4,
                "board visits of members": 0, "names on resources": 1}

    assert part.expire(board.cohort, dry_run=True) == expected
    commit()
    assert count(Post) == 6 and count(Thread) == 4  # a dry run changes nothing

    assert part.expire(board.cohort, dry_run=False) == expected
    commit()
    threads = db.session.execute(select(Thread.id).order_by(Thread.id)).scalars().all()
    assert threads == sorted([session_thread.id, elsewhere.id])
    assert db.session.get(Thread, session_thread.id).post_count == 1
    assert [p.number for p in db.session.execute(select(Post).where(
        Post.thread_id == session_thread.id)).scalars()] == [1]
    resource = db.session.execute(select(Resource)).scalar_one()
    assert resource.added_by_id is None and db.session.get(Attachment, resource.attachment_id)
    assert {e.thread_id for e in db.session.execute(select(SearchEntry).where(
        SearchEntry.kind == "post")).scalars()} == {session_thread.id, elsewhere.id}
    assert board.zed.id in db.session.execute(select(BoardMember.membership_id)).scalars().all()
    # done once: nothing is left to go
    assert set(part.expire(board.cohort, dry_run=True).values()) == {0}
