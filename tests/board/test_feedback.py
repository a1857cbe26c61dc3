"""Work in progress wanting feedback: one answer a question a person (a second replaces the
first), never the author's own; who has given feedback; the draft in versions with what
changed; resolving by the author, and a new version asking again."""

import pytest
from sqlalchemy import select

from cohort.board import services
from cohort.board.models import FeedbackAnswer
from cohort.board.services import BoardError
from cohort.core.database import commit
from cohort.core.models import AuditEvent
from cohort.extensions import db

from .conftest import count, mail_to, pdf, reply_as, start


@pytest.fixture
def request_(board):
    return start(board.ada, "feedback", title="Draft wellbeing strategy",
                 questions=["Is the scope right?", "What is missing?"],
                 draft_text="Version one of the strategy.")


def _answer(membership, thread, *texts):
    done = services.answer(membership.user, membership, thread,
                           {q.id: text for q, text in zip(thread.questions, texts, strict=False)})
    commit()
    return done.saved


def _answers(thread) -> list[list[tuple[str, str]]]:
    found = services.answers_of(thread)
    return [[(a.author.name, a.body) for a in found[q.id]] for q in thread.questions]


def test_each_member_answers_each_question_once_and_may_change_it(board, request_):
    assert _answer(board.ben, request_, "Yes", "Costs") == 2
    assert _answer(board.cy, request_, "Too wide", "") == 1
    assert _answer(board.ben, request_, "Yes, on reflection") == 1  # the second left as it is
    assert _answers(request_) == [[("Ben Byron", "Yes, on reflection"), ("Cy Young", "Too wide")],
                                  [("Ben Byron", "Costs")]]
    assert count(FeedbackAnswer) == 3


def test_an_emptied_answer_is_withdrawn_and_one_left_out_is_kept(board, request_):
    _answer(board.ben, request_, "Yes", "Costs")
    _answer(board.cy, request_, "Too wide", "")
    told = len(mail_to(board.ada))
    done = services.answer(board.ben.user, board.ben, request_, {request_.questions[1].id: ""})
    commit()
    assert (done.saved, done.withdrawn) == (0, 1)
    assert _answers(request_) == [[("Ben Byron", "Yes"), ("Cy Young", "Too wide")], []]
    assert len(mail_to(board.ada)) == told  # nothing new to read
    assert [(e.actor_id, e.subject) for e in db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "feedback_withdrawn")).scalars()] == [
        (board.ben.user_id, f"thread {request_.id}")]


def test_the_author_does_not_answer_their_own_questions(board, request_):
    with pytest.raises(BoardError, match="This is your own request"):
        _answer(board.ada, request_, "Obviously")
    db.session.rollback()
    assert count(FeedbackAnswer) == 0


@pytest.mark.parametrize(("answers", "message"), [
    (("", "  "), "Write an answer to at least one question"),
    (("Fine\x00",), "Question 1: take out the control characters from your answer"),
    (("x" * 5001,), "Question 1: keep your answer to 5,000 characters or fewer"),
])
def test_an_answer_that_cannot_stand_is_refused(board, request_, answers, message):
    with pytest.raises(BoardError, match=message):
        _answer(board.ben, request_, *answers)
    db.session.rollback()
    assert count(FeedbackAnswer) == 0


def test_only_this_requests_questions_are_answered(board, request_):
    other = start(board.cy, "feedback", title="Another", questions=["Clear?"])
    with pytest.raises(BoardError, match="Answer the questions this request asks"):
        services.answer(board.ben.user, board.ben, request_, {other.questions[0].id: "Yes"})
    discussion = start(board.cy)
    with pytest.raises(BoardError, match="Only a request for feedback has questions"):
        services.answer(board.ben.user, board.ben, discussion, {1: "Yes"})


def test_a_locked_request_takes_no_answers(board, request_):
    services.set_locked(board.fay.user, request_, True)
    commit()
    with pytest.raises(BoardError, match="closed to answers"):
        _answer(board.ben, request_, "Late")


def test_the_givers_are_those_who_answered_or_replied_but_not_the_author(board, request_):
    _answer(board.ben, request_, "Yes", "Costs")
    reply_as(board.cy, request_, "Some thoughts below")
    gone = reply_as(board.fay, request_, "Withdrawn")
    services.delete_post(board.fay.user, gone)
    reply_as(board.ada, request_, "Thanks both")
    commit()
    assert [(user.name, answers) for user, answers in services.feedback_givers(request_)] == [
        ("Ben Byron", 2), ("Cy Young", 0)]


def test_a_new_version_is_kept_with_what_changed_beside_the_earlier_ones(board, request_):
    services.add_version(board.ada.user, request_, "Version **two**.", None,
                         "Narrowed the scope")
    commit()
    services.add_version(board.ada.user, request_, None, pdf("strategy v3.pdf"),
                         "Laid out as a PDF")
    commit()
    versions = services.versions_of(request_)
    assert [(v.number, v.text, v.changes) for v in versions] == [
        (3, None, "Laid out as a PDF"), (2, "Version **two**.", "Narrowed the scope"),
        (1, "Version one of the strategy.", None)]
    assert versions[0].attachment.filename == "strategy v3.pdf"
    assert versions[1].html == "<p>Version <strong>two</strong>.</p>\n"
    assert services.get_version(request_, versions[2].id).number == 1


@pytest.mark.parametrize(("text", "upload", "changes", "message"), [
    ("Version two", None, "", "Write what changed first"),
    ("", None, "Something", "Share the new version"),
])
def test_a_version_needs_the_work_and_what_changed(board, request_, text, upload, changes,
                                                   message):
    with pytest.raises(BoardError, match=message):
        services.add_version(board.ada.user, request_, text, upload, changes)
    db.session.rollback()
    assert len(services.versions_of(request_)) == 1


def test_only_the_author_adds_a_version(board, request_):
    with pytest.raises(BoardError, match="Only the person who asked for feedback can add"):
        services.add_version(board.ben.user, request_, "My rewrite", None, "Rewrote it")
    with pytest.raises(BoardError, match="Only a request for feedback has drafts"):
        services.add_version(board.cy.user, start(board.cy), "Text", None, "Changes")


def test_the_author_resolves_a_request_and_a_new_version_reopens_it(board, request_):
    with pytest.raises(BoardError, match="Only the person who asked for feedback can mark"):
        services.resolve(board.fay.user, request_)
    db.session.rollback()
    services.resolve(board.ada.user, request_)
    commit()
    assert request_.resolved_at is not None
    assert [(e.actor_id, e.subject) for e in db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "feedback_resolved")).scalars()] == [
        (board.ada.user_id, f"thread {request_.id}")]
    services.add_version(board.ada.user, request_, "Version two", None, "Took in the comments")
    commit()
    assert request_.resolved_at is None


def test_the_author_may_reopen_a_resolved_request(board, request_):
    services.resolve(board.ada.user, request_)
    commit()
    with pytest.raises(BoardError, match="can reopen it"):
        services.reopen(board.cy.user, request_)
    db.session.rollback()
    services.reopen(board.ada.user, request_)
    commit()
    assert request_.resolved_at is None
