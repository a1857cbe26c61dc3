"""Threads and posts: start one (a discussion, a question, or work in progress wanting
feedback), reply (quoting, mentioning), edit (earlier text kept), delete (softly), follow, and
read them a page at a time with what is new to the reader."""

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from sqlalchemy import func, select, update

from cohort.board.models import (
    Attachment,
    DraftVersion,
    FeedbackQuestion,
    Follow,
    Post,
    PostRevision,
    Thread,
    ThreadRead,
)
from cohort.board.services import search
from cohort.board.services.errors import BoardError
from cohort.board.services.members import ensure_acknowledged
from cohort.board.services.notify import notify_new_post, resolve_mentions
from cohort.board.services.text import clean_text, mentioned, plain, render
from cohort.cohorts.models import Cohort, Membership
from cohort.cohorts.services import ensure_changeable
from cohort.core.audit import record
from cohort.core.errors import check_version
from cohort.core.forms import has_control_characters
from cohort.core.services import Page, page_number
from cohort.core.timeutil import to_local, utcnow
from cohort.core.uploads import UploadError, check_upload
from cohort.extensions import db

__all__ = ["FileIn", "BOARD_FILES", "NewThread", "ThreadRow", "store_file", "create_thread", "reply", "edit_post",
           "delete_post", "follow", "unfollow", "is_following", "threads_page",
           "get_post", "posts_page", "mark_read", "POSTS_A_PAGE", "THREADS_A_PAGE",
           "clean_title", "revisions_of", "local_today"]

POSTS_A_PAGE = 20
THREADS_A_PAGE = 25
MAX_QUESTIONS = 8
USER_KINDS = ("discussion", "question", "feedback")
BOARD_FILES = ("pdf", "doc", "docx", "ppt", "pptx", "xls", "xlsx", "odt", "ods", "odp", "png",
               "jpg", "jpeg", "gif", "webp")


@dataclass
class FileIn:
    """A file as it arrived: checked by store_file before anything is kept."""

    filename: str
    data: bytes


@dataclass
class NewThread:
    kind: str
    title: str
    body: str
    questions: list[str] = field(default_factory=list)
    feedback_by: date | None = None
    draft_text: str | None = None
    draft_file: FileIn | None = None
    attachment: FileIn | None = None
    action_item_id: int | None = None


@dataclass
class ThreadRow:
    thread: Thread
    unread: int  # posts the reader has not opened
    new_since_visit: bool


def local_today(cohort: Cohort) -> date:
    return to_local(utcnow(), cohort.timezone).date()


def clean_title(title: str | None) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise BoardError("Give the thread a title", "title")
    if len(title) > 200:
        raise BoardError("Keep the title to 200 characters or fewer", "title")
    if has_control_characters(title):
        raise BoardError("Take out the control characters from the title", "title")
    return title


def store_file(cohort: Cohort, acting, file: FileIn, field: str = "file") -> Attachment:
    """Keep a file that passes the upload checks (type by content and name, the size limit
    BOARD_UPLOAD_MB); UploadError says what is wrong."""
    limit = int(current_app.config.get("BOARD_UPLOAD_MB", 20)) * 1024 * 1024
    try:
        upload = check_upload(file.filename, file.data, BOARD_FILES, max_bytes=limit)
    except UploadError as error:
        error.field = field
        raise
    attachment = Attachment(cohort_id=cohort.id, uploaded_by_id=getattr(acting, "id", None),
                            filename=upload.filename, content_type=upload.content_type,
                            size=upload.size, sha256=upload.sha256, data=file.data)
    db.session.add(attachment)
    db.session.flush()
    return attachment


def _check_feedback(cohort: Cohort, data: NewThread) -> list[str]:
    questions = [" ".join(q.split()) for q in data.questions if q and q.strip()]
    if not questions:
        raise BoardError("Ask at least one question you would like feedback on", "questions")
    if len(questions) > MAX_QUESTIONS:
        raise BoardError(f"Ask {MAX_QUESTIONS} questions at most", "questions")
    for question in questions:
        if len(question) > 500 or has_control_characters(question):
            raise BoardError("Keep each question to one line of 500 characters or fewer",
                             "questions")
    if data.feedback_by is not None and data.feedback_by < local_today(cohort):
        raise BoardError("The date feedback helps by is in the past: choose today or later",
                         "feedback_by")
    if not (data.draft_text or "").strip() and data.draft_file is None:
        raise BoardError("Share the draft: paste its text, attach the file, or both",
                         "draft_text")
    return questions


def create_thread(acting, membership: Membership, cohort: Cohort, data: NewThread) -> Thread:
    ensure_changeable(cohort)
    ensure_acknowledged(membership, cohort.id)
    if data.kind not in USER_KINDS:
        raise BoardError("Choose what kind of thread this is", "kind")
    title = clean_title(data.title)
    body = clean_text(data.body, "your post")
    mentions = resolve_mentions(cohort, body)
    questions = _check_feedback(cohort, data) if data.kind == "feedback" else []
    draft_text = clean_text(data.draft_text, "the draft", "draft_text", 100_000, False) \
        if data.kind == "feedback" else ""
    now = utcnow()
    thread = Thread(cohort_id=cohort.id, kind=data.kind, title=title, author_id=acting.id,
                    feedback_by=data.feedback_by if data.kind == "feedback" else None,
                    action_item_id=data.action_item_id, last_post_at=now, post_count=0,
                    questions=[FeedbackQuestion(position=n, text=q)
                               for n, q in enumerate(questions, 1)])
    db.session.add(thread)
    db.session.flush()
    if data.kind == "feedback":
        attachment = store_file(cohort, acting, data.draft_file, "draft_file") \
            if data.draft_file else None
        db.session.add(DraftVersion(thread_id=thread.id, number=1, text=draft_text or None,
                                    html=render(draft_text) if draft_text else None,
                                    attachment_id=getattr(attachment, "id", None)))
    search.index(cohort.id, "thread", thread.id, title, plain(draft_text) if draft_text else "",
                 thread.id)
    _add_post(acting, cohort, thread, body, data.attachment, mentions, now)
    return thread


def _add_post(acting, cohort: Cohort, thread: Thread, body: str, upload: FileIn | None,
              mentions: list[Membership], now: datetime) -> Post:
    # The number comes from one guarded update, so two replies at once get two numbers.
    number = db.session.execute(
        update(Thread).where(Thread.id == thread.id)
        .values(post_count=Thread.post_count + 1, last_post_at=now)
        .returning(Thread.post_count)).scalar_one()
    db.session.expire(thread, ["post_count", "last_post_at"])
    attachment = store_file(cohort, acting, upload) if upload else None
    post = Post(thread_id=thread.id, author_id=acting.id, number=number, body=body,
                html=render(body), attachment_id=getattr(attachment, "id", None), created_at=now)
    db.session.add(post)
    db.session.flush()
    follow(acting, thread)
    search.index(cohort.id, "post", post.id, thread.title, plain(body), thread.id)
    notify_new_post(cohort, thread, post, acting, mentions)
    return post


def reply(acting, membership: Membership, thread: Thread, body: str,
          attachment: FileIn | None = None) -> Post:
    cohort = db.session.get(Cohort, thread.cohort_id)
    ensure_changeable(cohort)
    ensure_acknowledged(membership, cohort.id)
    if thread.hidden_at is not None:
        raise BoardError("A facilitator has hidden this thread: it takes no replies", "body")
    if thread.locked_at is not None:
        raise BoardError("This thread is locked: it takes no more replies", "body")
    body = clean_text(body, "your reply")
    return _add_post(acting, cohort, thread, body, attachment,
                     resolve_mentions(cohort, body), utcnow())


def edit_post(acting, post: Post, body: str, seen_version: int | None) -> Post:
    thread = db.session.get(Thread, post.thread_id)
    cohort = db.session.get(Cohort, thread.cohort_id)
    ensure_changeable(cohort)
    if post.author_id != acting.id:
        raise BoardError("Only the person who wrote a post can change it")
    if post.deleted_at is not None or post.hidden_at is not None:
        raise BoardError("This post has been deleted or hidden: it cannot be changed")
    if thread.locked_at is not None:
        raise BoardError("This thread is locked: its posts can no longer change")
    check_version(post, seen_version)
    body = clean_text(body, "your post")
    if body == post.body:
        return post
    # A mention already in the text is not new; one taken out and put back is not told
    # twice either (notify_new_post keeps who was told of each post).
    earlier = set(mentioned(post.body))
    mentions = [m for m, handle in zip(resolve_mentions(cohort, body), mentioned(body),
                                       strict=True) if handle not in earlier]
    db.session.add(PostRevision(post_id=post.id, body=post.body,
                                written_at=post.edited_at or post.created_at))
    post.body, post.html, post.edited_at = body, render(body), utcnow()
    db.session.flush()
    search.index(cohort.id, "post", post.id, thread.title, plain(body), thread.id)
    notify_new_post(cohort, thread, post, acting, mentions, edited=True)
    return post


def delete_post(acting, post: Post) -> None:
    thread = db.session.get(Thread, post.thread_id)
    ensure_changeable(db.session.get(Cohort, thread.cohort_id))
    if post.author_id != acting.id:
        raise BoardError("Only the person who wrote a post can delete it")
    if post.hidden_at is not None:
        raise BoardError("A facilitator has hidden this post: it cannot be deleted")
    if thread.locked_at is not None:
        raise BoardError("This thread is locked: its posts can no longer change")
    if post.deleted_at is None:
        post.deleted_at = utcnow()
        search.unindex("post", post.id)
        db.session.flush()
        # Gone from every page; the audit log keeps that it was, and by whom.
        record(acting, "post_deleted", subject=f"post {post.id}")


def revisions_of(post: Post) -> list[PostRevision]:
    """A post's earlier texts, newest first; none for a deleted post."""
    if post.deleted_at is not None:
        return []
    return list(db.session.execute(select(PostRevision).where(PostRevision.post_id == post.id)
                                   .order_by(PostRevision.id.desc())).scalars())


def is_following(user, thread: Thread) -> bool:
    return db.session.get(Follow, (thread.id, user.id)) is not None


def follow(user, thread: Thread) -> None:
    if not is_following(user, thread):
        db.session.add(Follow(thread_id=thread.id, user_id=user.id))
        db.session.flush()


def unfollow(user, thread: Thread) -> None:
    found = db.session.get(Follow, (thread.id, user.id))
    if found is not None:
        db.session.delete(found)
        db.session.flush()


def get_post(thread: Thread, post_id: int) -> Post | None:
    """The thread's post; None for one its author deleted (gone for everyone)."""
    post = db.session.get(Post, post_id)
    if post is None or post.thread_id != thread.id or post.deleted_at is not None:
        return None
    return post


def threads_page(cohort: Cohort, user, raw_page: str | None, kind: str | None = None,
                 moderator: bool = False, since: datetime | None = None
                 ) -> tuple[list[ThreadRow], Page]:
    """Pinned first, then the latest activity; two queries and a count, whatever the size."""
    statement = select(Thread).where(Thread.cohort_id == cohort.id)
    if kind in ("discussion", "question", "feedback", "session"):
        statement = statement.where(Thread.kind == kind)
    if not moderator:
        statement = statement.where((Thread.hidden_at.is_(None)) | (Thread.author_id == user.id))
    number = page_number(raw_page)
    total = db.session.execute(select(func.count()).select_from(statement.subquery())
                               ).scalar_one()
    threads = list(db.session.execute(
        statement.order_by(Thread.pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc())
        .limit(THREADS_A_PAGE).offset((number - 1) * THREADS_A_PAGE)).scalars())
    read = dict(db.session.execute(select(ThreadRead.thread_id, ThreadRead.last_number).where(
        ThreadRead.user_id == user.id, ThreadRead.thread_id.in_([t.id for t in threads]))
    ).all()) if threads else {}
    rows = [ThreadRow(t, max(0, t.post_count - read.get(t.id, 0)),
                      since is not None and t.last_post_at > since) for t in threads]
    return rows, Page(items=rows, number=number, total=total, size=THREADS_A_PAGE)


def posts_page(thread: Thread, raw_page: str | None) -> Page:
    """A page of the thread's posts, in order: one query, whatever the thread's length."""
    number = page_number(raw_page)
    posts = list(db.session.execute(select(Post).where(Post.thread_id == thread.id)
                                    .order_by(Post.number).limit(POSTS_A_PAGE)
                                    .offset((number - 1) * POSTS_A_PAGE)).scalars())
    return Page(items=posts, number=number, total=thread.post_count, size=POSTS_A_PAGE)


def mark_read(user, thread: Thread, up_to: int) -> None:
    """Bookkeeping a page view writes: how far the reader has read."""
    found = db.session.get(ThreadRead, (thread.id, user.id))
    if found is None:
        db.session.add(ThreadRead(thread_id=thread.id, user_id=user.id, last_number=up_to))
    elif up_to > found.last_number:
        found.last_number = up_to
    db.session.flush()
