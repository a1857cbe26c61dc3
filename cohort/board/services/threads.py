"""Threads and posts: start one (a discussion, a question, or work in progress wanting
feedback), reply (quoting, mentioning), edit (earlier text kept), delete (softly), follow, and
read them a page at a time with what is new to the reader."""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import bindparam, delete, select, update

from cohort.board.models import (
    POSTS_A_PAGE,
    THREAD_KINDS,
    Attachment,
    DraftVersion,
    FeedbackQuestion,
    Follow,
    Post,
    PostRevision,
    Thread,
    ThreadRead,
)
from cohort.board.services.errors import BoardError
from cohort.board.services.members import ensure_acknowledged
from cohort.board.services.notify import notify_new_post, resolve_mentions, withdraw_notices
from cohort.board.services.repeats import repeated_reply, repeated_thread
from cohort.board.services.search import index, unindex
from cohort.board.services.text import clean_text, mentioned, plain, render
from cohort.cohorts.models import Cohort, Membership
from cohort.cohorts.services import ensure_changeable
from cohort.core.audit import record
from cohort.core.database import get, prepared
from cohort.core.errors import check_version
from cohort.core.forms import has_control_characters
from cohort.core.pages import Page, paged, paginate
from cohort.core.timeutil import to_local, utcnow
from cohort.core.uploads import CheckedFile, UploadError, accept_upload
from cohort.core.words import listed
from cohort.extensions import db

__all__ = ["FileIn", "NewThread", "ThreadRow", "check_file", "store_file", "create_thread", "reply", "edit_post",
           "ensure_editable",
           "delete_post", "follow", "unfollow", "is_following", "threads_page",
           "get_post", "posts_page", "mark_read", "POSTS_A_PAGE", "THREADS_A_PAGE",
           "clean_title", "revisions_of", "local_today", "MAX_TITLE", "MAX_QUESTIONS",
           "MAX_QUESTION", "MAX_DRAFT"]

THREADS_A_PAGE = 25
MAX_TITLE = 200
MAX_QUESTIONS = 8
MAX_QUESTION = 500
MAX_DRAFT = 100_000
USER_KINDS = ("discussion", "question", "feedback")


@dataclass
class FileIn:
    """A file as it arrived: checked by check_file before anything is written."""

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
    if len(title) > MAX_TITLE:
        raise BoardError(f"Keep the title to {MAX_TITLE} characters or fewer", "title")
    if has_control_characters(title):
        raise BoardError("Take out the control characters from the title", "title")
    return title


def check_file(file: FileIn | None, field: str = "file") -> CheckedFile | None:
    """The file checked as a board upload (core.uploads.accept_upload: name, kind, content,
    the BOARD_UPLOAD_MB limit), before anything is written, so that the check holds no
    database lock; UploadError, on `field`, says what is wrong."""
    if file is None:
        return None
    try:
        return accept_upload(file.filename, file.data, purpose="board")
    except UploadError as error:
        error.field = field
        raise


def store_file(cohort: Cohort, acting, file: CheckedFile | FileIn,
               field: str = "file") -> Attachment:
    """Keep a file, checked by check_file first unless it has been."""
    checked = file if isinstance(file, CheckedFile) else check_file(file, field)
    attachment = Attachment(cohort_id=cohort.id, uploaded_by_id=getattr(acting, "id", None),
                            filename=checked.filename, content_type=checked.content_type,
                            size=checked.size, sha256=checked.sha256, data=checked.data)
    db.session.add(attachment)
    db.session.flush()
    return attachment


def _check_feedback(cohort: Cohort, data: NewThread) -> list[str]:
    questions = [" ".join(q.split()) for q in data.questions if q and q.strip()]
    if not questions:
        raise BoardError("Ask at least one question you would like feedback on", "questions")
    if len(questions) > MAX_QUESTIONS:
        raise BoardError(f"Ask {MAX_QUESTIONS} questions at most", "questions")
    for number, question in enumerate(questions, 1):
        if has_control_characters(question):
            raise BoardError(f"Question {number} contains a control character (an invisible "
                             "mark that changes how text reads): take it out", "questions")
        if len(question) > MAX_QUESTION:
            raise BoardError(f"Keep each question to {MAX_QUESTION} characters or fewer: "
                             f"question {number} has {len(question):,}", "questions")
    if data.feedback_by is not None and data.feedback_by < local_today(cohort):
        raise BoardError("The date feedback helps by is in the past: choose today or later",
                         "feedback_by")
    if not (data.draft_text or "").strip() and data.draft_file is None:
        raise BoardError("Share the draft: paste its text, attach the file, or both",
                         "draft_text")
    return questions


def _check_kind_fits(data: NewThread) -> None:
    """A draft, questions and a date are kept only on a request for feedback: on another kind
    they would be lost without a word, so they are refused on the kind chosen."""
    if data.kind == "feedback":
        return
    filled = [what for what, given in (
        ("the draft's text", bool((data.draft_text or "").strip())),
        ("the draft as a file", data.draft_file is not None),
        ("questions", any(q and q.strip() for q in data.questions)),
        ("the date feedback helps by", data.feedback_by is not None)) if given]
    if filled:
        them = "them" if len(filled) > 1 or filled == ["questions"] else "it"
        raise BoardError(f"You filled in {listed(filled)}: choose ‘{THREAD_KINDS['feedback']}’, "
                         f"or clear {them}", "kind")


def create_thread(acting, membership: Membership, cohort: Cohort, data: NewThread) -> Thread:
    """Start a thread with its opening post; BoardError says what to change. The same thread
    sent again within seconds is the one already started (repeats.py)."""
    ensure_changeable(cohort)
    ensure_acknowledged(membership, cohort.id)
    if data.kind not in USER_KINDS:
        raise BoardError("Choose what kind of thread this is", "kind")
    _check_kind_fits(data)
    title = clean_title(data.title)
    body = clean_text(data.body, "your post")
    mentions = resolve_mentions(cohort, body)
    questions = _check_feedback(cohort, data) if data.kind == "feedback" else []
    draft_text = clean_text(data.draft_text, "the draft", "draft_text", MAX_DRAFT, False) \
        if data.kind == "feedback" else ""
    draft_file = check_file(data.draft_file, "draft_file") if data.kind == "feedback" else None
    attachment = check_file(data.attachment)
    same = repeated_thread(acting, cohort, data.kind, title, body, attachment)
    if same is not None:
        return same
    now = utcnow()
    thread = Thread(cohort_id=cohort.id, kind=data.kind, title=title, author_id=acting.id,
                    feedback_by=data.feedback_by if data.kind == "feedback" else None,
                    action_item_id=data.action_item_id, last_post_at=now, post_count=0,
                    questions=[FeedbackQuestion(position=n, text=q)
                               for n, q in enumerate(questions, 1)])
    db.session.add(thread)
    db.session.flush()
    if data.kind == "feedback":
        stored = store_file(cohort, acting, draft_file) if draft_file else None
        db.session.add(DraftVersion(thread_id=thread.id, number=1, text=draft_text or None,
                                    html=render(draft_text) if draft_text else None,
                                    attachment_id=getattr(stored, "id", None)))
    index(cohort.id, "thread", thread.id, title, plain(draft_text) if draft_text else "",
                 thread.id)
    _add_post(acting, cohort, thread, body, attachment, mentions, now)
    return thread


def _add_post(acting, cohort: Cohort, thread: Thread, body: str, upload: CheckedFile | None,
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
    index(cohort.id, "post", post.id, thread.title, plain(body), thread.id)
    notify_new_post(cohort, thread, post, acting, mentions)
    return post


def reply(acting, membership: Membership, thread: Thread, body: str,
          attachment: FileIn | None = None) -> Post:
    """Add a reply, telling followers and those it mentions; BoardError says what to change.
    The same reply sent again within seconds is the post already made (repeats.py)."""
    cohort = db.session.get(Cohort, thread.cohort_id)
    ensure_changeable(cohort)
    ensure_acknowledged(membership, cohort.id)
    if thread.hidden_at is not None:
        raise BoardError("A facilitator has hidden this thread: it takes no replies", "body")
    if thread.locked_at is not None:
        raise BoardError("This thread is locked: it takes no more replies", "body")
    body = clean_text(body, "your reply")
    mentions = resolve_mentions(cohort, body)
    checked = check_file(attachment)
    same = repeated_reply(acting, thread, body, checked)
    if same is not None:
        return same
    return _add_post(acting, cohort, thread, body, checked, mentions, utcnow())


def ensure_editable(acting, post: Post) -> Thread:
    """The post's thread, when `acting` may change the post now; else a UserError saying why
    (the cohort finished, the post not theirs, deleted or hidden, the thread locked)."""
    thread = db.session.get(Thread, post.thread_id)
    ensure_changeable(db.session.get(Cohort, thread.cohort_id))
    if post.author_id != acting.id:
        raise BoardError("Only the person who wrote a post can change it")
    if post.deleted_at is not None or post.hidden_at is not None:
        raise BoardError("This post has been deleted or hidden: it cannot be changed")
    if thread.locked_at is not None:
        raise BoardError("This thread is locked: its posts can no longer change")
    return thread


def edit_post(acting, post: Post, body: str, seen_version: int | None) -> Post:
    thread = ensure_editable(acting, post)
    cohort = db.session.get(Cohort, thread.cohort_id)  # read by ensure_editable: kept
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
    index(cohort.id, "post", post.id, thread.title, plain(body), thread.id)
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
        unindex("post", post.id)
        _erase(post)
        db.session.flush()
        withdraw_notices(post_ids=[post.id])
        # Gone from every page; the audit log keeps that it was, and by whom.
        record(acting, "post_deleted", subject=f"post {post.id}",
               cohort=thread.cohort_id, about=post.author_id)


def _erase(post: Post) -> None:
    """What a deleted post said goes, not only from the pages: its text, its earlier texts and
    its file (the post stays, saying it was deleted, so the thread's numbering holds)."""
    post.body = post.html = ""
    db.session.execute(delete(PostRevision).where(PostRevision.post_id == post.id))
    if post.attachment_id is not None:
        attachment_id, post.attachment_id = post.attachment_id, None
        db.session.flush()
        db.session.expire(post, ["attachment"])
        db.session.execute(delete(Attachment).where(Attachment.id == attachment_id))


def revisions_of(post: Post) -> list[PostRevision]:
    """A post's earlier texts, newest first; none for a deleted post."""
    if post.deleted_at is not None:
        return []
    return list(db.session.execute(select(PostRevision).where(PostRevision.post_id == post.id)
                                   .order_by(PostRevision.id.desc())).scalars())


def is_following(user, thread: Thread) -> bool:
    return get(Follow, (thread.id, user.id)) is not None


def follow(user, thread: Thread) -> None:
    if not is_following(user, thread):
        db.session.add(Follow(thread_id=thread.id, user_id=user.id))
        db.session.flush()


def unfollow(user, thread: Thread) -> None:
    found = get(Follow, (thread.id, user.id))
    if found is not None:
        db.session.delete(found)
        db.session.flush()


def get_post(thread: Thread, post_id: int) -> Post | None:
    """The thread's post; None for one its author deleted (gone for everyone)."""
    post = get(Post, post_id)
    if post is None or post.thread_id != thread.id or post.deleted_at is not None:
        return None
    return post


@prepared
def _read_up_to():
    return select(ThreadRead.thread_id, ThreadRead.last_number).where(
        ThreadRead.user_id == bindparam("user"),
        ThreadRead.thread_id.in_(bindparam("threads", expanding=True)))


@prepared
def _threads(kind: str | None, moderator: bool):
    """A board's list, of one kind of thread or all; to a moderator with hidden threads too,
    to others with the hidden ones they started: built once for each such shape."""
    statement = select(Thread).where(Thread.cohort_id == bindparam("cohort"))
    if kind is not None:
        statement = statement.where(Thread.kind == kind)
    if not moderator:
        statement = statement.where(
            Thread.hidden_at.is_(None) | (Thread.author_id == bindparam("user")))
    return paged(statement.order_by(Thread.pinned.desc(), Thread.last_post_at.desc(),
                                    Thread.id.desc()))


def threads_page(cohort: Cohort, user, raw_page: str | None, kind: str | None = None,
                 moderator: bool = False, since: datetime | None = None
                 ) -> tuple[list[ThreadRow], Page]:
    """Pinned first, then the latest activity; two queries and a count, whatever the size."""
    kind = kind if kind in ("discussion", "question", "feedback", "session") else None
    values = {"cohort": cohort.id} | ({} if moderator else {"user": user.id})
    threads = paginate(_threads(kind, moderator), raw_page, THREADS_A_PAGE, params=values)
    read = dict(db.session.execute(_read_up_to(), {
        "user": user.id, "threads": [t.id for t in threads.items]}).all()) if threads.items else {}
    rows = [ThreadRow(t, max(0, t.post_count - read.get(t.id, 0)),
                      since is not None and t.last_post_at > since) for t in threads.items]
    threads.items = rows
    return rows, threads


@prepared
def _posts():
    return paged(select(Post).where(Post.thread_id == bindparam("thread")).order_by(Post.number))


def posts_page(thread: Thread, raw_page: str | None) -> Page:
    """A page of the thread's posts, in order: one query, whatever the thread's length."""
    return paginate(_posts(), raw_page, POSTS_A_PAGE, total=thread.post_count,
                    params={"thread": thread.id})


def mark_read(user, thread: Thread, up_to: int) -> None:
    """Bookkeeping a page view writes: how far the reader has read."""
    found = get(ThreadRead, (thread.id, user.id))
    if found is None:
        db.session.add(ThreadRead(thread_id=thread.id, user_id=user.id, last_number=up_to))
    elif up_to > found.last_number:
        found.last_number = up_to
    db.session.flush()
