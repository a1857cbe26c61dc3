"""Work in progress wanting feedback: the draft in versions (each kept and downloadable, with
what changed), the author's questions and each member's answers, who has given feedback, and
the author marking the request resolved."""

from dataclasses import dataclass

from sqlalchemy import bindparam, func, select

from cohort.board.models import (
    DraftVersion,
    FeedbackAnswer,
    FeedbackQuestion,
    Post,
    Thread,
)
from cohort.board.services.errors import BoardError
from cohort.board.services.members import ensure_acknowledged
from cohort.board.services.notify import notify_feedback
from cohort.board.services.search import index
from cohort.board.services.text import clean_text, plain, render
from cohort.board.services.threads import MAX_DRAFT, FileIn, check_file, store_file
from cohort.cohorts.models import Cohort, Membership
from cohort.cohorts.services import ensure_changeable
from cohort.core.audit import record
from cohort.core.database import prepared
from cohort.core.timeutil import utcnow
from cohort.extensions import db

__all__ = ["versions_of", "get_version", "add_version", "answers_of", "answer", "Answered",
           "own_answers",
           "answer_limit", "feedback_givers", "resolve", "reopen", "MAX_ANSWER", "MAX_CHANGES"]

MAX_ANSWER = 5000
MAX_CHANGES = 2000


@prepared
def _versions():
    return select(DraftVersion).where(DraftVersion.thread_id == bindparam("thread")).order_by(
        DraftVersion.number.desc())


def versions_of(thread: Thread) -> list[DraftVersion]:
    return list(db.session.execute(_versions(), {"thread": thread.id}).scalars())


def get_version(thread: Thread, version_id: int) -> DraftVersion | None:
    found = db.session.get(DraftVersion, version_id)
    return found if found is not None and found.thread_id == thread.id else None


def _ensure_author(acting, thread: Thread, what: str) -> Cohort:
    cohort = db.session.get(Cohort, thread.cohort_id)
    ensure_changeable(cohort)
    if thread.kind != "feedback":
        raise BoardError("Only a request for feedback has drafts and questions")
    if thread.author_id != acting.id:
        raise BoardError(f"Only the person who asked for feedback can {what}")
    if thread.locked_at is not None:
        raise BoardError("A facilitator has locked this request: it can no longer change")
    return cohort


def add_version(acting, thread: Thread, text: str | None, upload: FileIn | None,
                changes: str | None) -> DraftVersion:
    cohort = _ensure_author(acting, thread, "add a version")
    text = clean_text(text, "the draft", "text", MAX_DRAFT, required=False)
    changes = clean_text(changes, "what changed", "changes", MAX_CHANGES)
    if not text and upload is None:
        raise BoardError("Share the new version: paste its text, attach the file, or both",
                         "text")
    checked = check_file(upload)
    number = (db.session.execute(select(func.max(DraftVersion.number)).where(
        DraftVersion.thread_id == thread.id)).scalar_one() or 0) + 1
    attachment = store_file(cohort, acting, checked) if checked else None
    version = DraftVersion(thread_id=thread.id, number=number, text=text or None,
                           html=render(text) if text else None, changes=changes,
                           attachment_id=getattr(attachment, "id", None))
    db.session.add(version)
    if thread.resolved_at is not None:
        thread.resolved_at = None  # a new version asks again
    db.session.flush()
    index(cohort.id, "thread", thread.id, thread.title, plain(text) if text else "",
                 thread.id)
    return version


@prepared
def _answers():
    return select(FeedbackAnswer).where(
        FeedbackAnswer.question_id.in_(bindparam("questions", expanding=True))
    ).order_by(FeedbackAnswer.id)


def answers_of(thread: Thread) -> dict[int, list[FeedbackAnswer]]:
    """{question id: answers, oldest first}: one query."""
    found: dict[int, list[FeedbackAnswer]] = {q.id: [] for q in thread.questions}
    if not found:
        return found
    for answer_row in db.session.execute(_answers(), {"questions": list(found)}).scalars():
        found[answer_row.question_id].append(answer_row)
    return found


@prepared
def _own_answers():
    return select(FeedbackAnswer.question_id, FeedbackAnswer.body).join(FeedbackQuestion).where(
        FeedbackQuestion.thread_id == bindparam("thread"),
        FeedbackAnswer.author_id == bindparam("user"))


def own_answers(thread: Thread, user) -> dict[int, str]:
    """{question id: the text} of the member's answers to the request, to change them."""
    return dict(db.session.execute(
        _own_answers(), {"thread": thread.id, "user": getattr(user, "id", None)}).all())


def answer_limit(text: str | None, number: int, field: str) -> str:
    """An answer as it will be kept; BoardError names the question (by its number) when the
    answer is too long or holds control characters."""
    try:
        return clean_text(text, "your answer", field, MAX_ANSWER, required=False)
    except BoardError as error:
        message = str(error)
        raise BoardError(f"Question {number}: {message[0].lower()}{message[1:]}", field) from None


@dataclass
class Answered:
    """What a member's answers came to: how many answers they now have among those sent
    (`saved`), and how many earlier ones their emptied boxes withdrew (`withdrawn`)."""

    saved: int
    withdrawn: int


def answer(acting, membership: Membership, thread: Thread, answers: dict[int, str],
           had: set[int] | None = None) -> Answered:
    """Save the member's answers ({question id: text}): one answer a question a person, which
    they may change; an empty text withdraws their earlier answer to that question (a
    question left out of `answers` is left as it is, and so is one not among `had`, the
    questions the form showed answered, when given). All empty with no earlier answer is
    refused. The request's author is told of the new and changed answers, as they chose to
    hear of the board; a withdrawal is not told, it is gone from what the author sees."""
    cohort = db.session.get(Cohort, thread.cohort_id)
    ensure_changeable(cohort)
    ensure_acknowledged(membership, cohort.id)
    if thread.kind != "feedback":
        raise BoardError("Only a request for feedback has questions to answer")
    if thread.author_id == acting.id:
        raise BoardError("This is your own request: others answer its questions")
    if thread.hidden_at is not None or thread.locked_at is not None:
        raise BoardError("This request is closed to answers")
    numbers = {q.id: n for n, q in enumerate(thread.questions, 1)}
    if any(question_id not in numbers for question_id in answers):
        raise BoardError("Answer the questions this request asks")
    texts = {question_id: answer_limit(text, numbers[question_id], f"answer-{question_id}")
             for question_id, text in answers.items()}
    existing = {row.question_id: row for row in db.session.execute(select(FeedbackAnswer).where(
        FeedbackAnswer.question_id.in_(list(texts) or [0]),
        FeedbackAnswer.author_id == acting.id)).scalars()}
    withdrawn = [existing[q] for q, text in texts.items()
                 if not text and q in existing and (had is None or q in had)]
    texts = {question_id: text for question_id, text in texts.items() if text}
    if not texts and not withdrawn:
        raise BoardError("Write an answer to at least one question",
                         f"answer-{next(iter(numbers), 0)}")
    new = changed = 0
    for question_id, text in texts.items():
        row = existing.get(question_id)
        if row is not None and row.body == text:
            continue
        if row is None:
            row = FeedbackAnswer(question_id=question_id, author_id=acting.id)
            db.session.add(row)
            new += 1
        else:
            changed += 1
        row.body, row.html, row.updated_at = text, render(text), utcnow()
    for row in withdrawn:
        db.session.delete(row)
    db.session.flush()
    if withdrawn:
        # Gone from the author's page; the audit log keeps that it was, and by whom.
        record(acting, "feedback_withdrawn", subject=f"thread {thread.id}",
               detail=f"{len(withdrawn)} answer(s)", cohort=thread.cohort_id,
               about=thread.author_id)
    if new or changed:
        notify_feedback(cohort, thread, acting, new, changed)
    return Answered(len(texts), len(withdrawn))


@prepared
def _thread_answers():
    return select(FeedbackAnswer).join(FeedbackQuestion).where(
        FeedbackQuestion.thread_id == bindparam("thread")).order_by(FeedbackAnswer.id)


@prepared
def _others_posts():
    return select(Post).where(
        Post.thread_id == bindparam("thread"), Post.deleted_at.is_(None),
        Post.author_id != bindparam("author")).order_by(Post.number)


@prepared
def _posts_with_author():
    # For a request whose author's account is gone: every post that has an author.
    return select(Post).where(
        Post.thread_id == bindparam("thread"), Post.deleted_at.is_(None),
        Post.author_id.is_not(None)).order_by(Post.number)


def feedback_givers(thread: Thread) -> list:
    """Who has answered a question or replied, other than the author: (user, answers)."""
    counts: dict = {}
    rows = db.session.execute(_thread_answers(), {"thread": thread.id}).scalars()
    for row in rows:
        if row.author_id != thread.author_id:
            counts.setdefault(row.author_id, [row.author, 0])[1] += 1
    others = _posts_with_author() if thread.author_id is None else _others_posts()
    for post in db.session.execute(
            others, {"thread": thread.id, "author": thread.author_id}).scalars():
        if post.author is not None:
            counts.setdefault(post.author_id, [post.author, 0])
    return [tuple(value) for value in counts.values()]


def resolve(acting, thread: Thread) -> None:
    _ensure_author(acting, thread, "mark it resolved")
    if thread.resolved_at is None:
        thread.resolved_at = utcnow()
        db.session.flush()
        record(acting, "feedback_resolved", subject=f"thread {thread.id}", cohort=thread.cohort_id)


def reopen(acting, thread: Thread) -> None:
    _ensure_author(acting, thread, "reopen it")
    thread.resolved_at = None
    db.session.flush()
