"""The learning community's board: threads of three kinds (a discussion, a question, work in
progress wanting feedback), their posts with kept revisions, drafts in versions with the
author's questions and members' answers, attachments kept in the database (so every worker on
every host serves them), who follows and has read what, and the cohort's resource library."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cohort.accounts.models import User
from cohort.cohorts.models import Membership
from cohort.core.models import IdMixin, TimestampMixin, one_of
from cohort.core.timeutil import UTCDateTime, utcnow
from cohort.extensions import db

THREAD_KINDS = {
    "discussion": "Discussion",
    "question": "Question",
    "feedback": "Work in progress: feedback wanted",
    "session": "Session",
}
# A thread is read a page of posts at a time; a link to a post names its page.
POSTS_A_PAGE = 20
NOTIFY = {
    "immediate": "An email for each new post in a thread I follow",
    "digest": "One email a day with what is new",
    "none": "No email: I will look on the board",
}


class Attachment(IdMixin, TimestampMixin, db.Model):
    """A file someone uploaded: checked by content and name, served as a download."""

    __tablename__ = "board_attachment"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"),
                                           index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)


class Thread(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "board_thread"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    kind: Mapped[str] = one_of(tuple(THREAD_KINDS), name="kind")
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True)
    # A session's thread (one each) and the action item a feedback request came from.
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("programme_session.id", ondelete="SET NULL"), unique=True)
    action_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("action_item.id", ondelete="SET NULL"), index=True)
    feedback_by: Mapped[date | None]
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # its opening post hidden
    pinned: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    last_post_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    post_count: Mapped[int] = mapped_column(default=0, server_default=text("0"))

    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="joined")
    # Read when asked for: only a feedback request's own pages use them, never a list.
    questions: Mapped[list["FeedbackQuestion"]] = relationship(
        order_by="FeedbackQuestion.position", cascade="all, delete-orphan")

    __table_args__ = (Index("ix_board_thread_cohort", "cohort_id", "pinned", "last_post_at"),)

    @property
    def kind_label(self) -> str:
        return THREAD_KINDS[self.kind]


class Post(IdMixin, TimestampMixin, db.Model):
    """Markdown as written, and the cleaned HTML it renders to (made once, when saved)."""

    __tablename__ = "board_post"

    thread_id: Mapped[int] = mapped_column(ForeignKey("board_thread.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True)
    number: Mapped[int]  # 1 for the opening post, in order within the thread
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    attachment_id: Mapped[int | None] = mapped_column(
        ForeignKey("board_attachment.id", ondelete="SET NULL"), index=True)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str | None] = mapped_column(String(500))
    hidden_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True)
    version: Mapped[int] = mapped_column(default=1, server_default=text("1"))

    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="joined")
    attachment: Mapped[Attachment | None] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("thread_id", "number"),)
    __mapper_args__ = {"version_id_col": version}


class PostRevision(IdMixin, db.Model):
    """A post's text before an edit: moderators can read what was there."""

    __tablename__ = "board_post_revision"

    post_id: Mapped[int] = mapped_column(ForeignKey("board_post.id", ondelete="CASCADE"),
                                         index=True)
    body: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MentionSent(db.Model):
    """A member told by mail that a post mentions them: one row, so one mail, per post and
    person, however often an edit takes the mention out and puts it back."""

    __tablename__ = "board_mention_sent"

    post_id: Mapped[int] = mapped_column(
        ForeignKey("board_post.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DraftVersion(IdMixin, TimestampMixin, db.Model):
    """One version of the work a feedback request shares: text, a file, or both."""

    __tablename__ = "board_draft_version"

    thread_id: Mapped[int] = mapped_column(ForeignKey("board_thread.id", ondelete="CASCADE"))
    number: Mapped[int]
    text: Mapped[str | None] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    changes: Mapped[str | None] = mapped_column(String(2000))  # what changed since the last
    attachment_id: Mapped[int | None] = mapped_column(
        ForeignKey("board_attachment.id", ondelete="SET NULL"), index=True)

    attachment: Mapped[Attachment | None] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("thread_id", "number"),)


class FeedbackQuestion(IdMixin, db.Model):
    __tablename__ = "board_feedback_question"

    thread_id: Mapped[int] = mapped_column(ForeignKey("board_thread.id", ondelete="CASCADE"),
                                           index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(String(500))


class FeedbackAnswer(IdMixin, TimestampMixin, db.Model):
    """One member's answer to one question (they may change it)."""

    __tablename__ = "board_feedback_answer"

    question_id: Mapped[int] = mapped_column(
        ForeignKey("board_feedback_question.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                           index=True)
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("question_id", "author_id"),)


class Follow(db.Model):
    __tablename__ = "board_follow"

    thread_id: Mapped[int] = mapped_column(
        ForeignKey("board_thread.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True)


class ThreadRead(db.Model):
    """Up to which post a member has read a thread (bookkeeping a GET may write)."""

    __tablename__ = "board_read"
    __page_owner__ = "user_id"  # only its person's pages read it (core/pagecache.py)

    thread_id: Mapped[int] = mapped_column(
        ForeignKey("board_thread.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True)
    last_number: Mapped[int] = mapped_column(default=0)


class BoardVisit(db.Model):
    """When a member last looked at the board, and when the visit before began (for "new
    since your last visit"): bookkeeping a GET may write."""

    __tablename__ = "board_visit"
    __page_owner__ = "page_owner_id"  # only its person's pages read it (core/pagecache.py)

    membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), primary_key=True)
    last_visit_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    previous_visit_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def page_owner_id(self) -> int | None:
        """The member's person, when the session holds the membership (the page noting the
        visit loaded it); else None, and the page cache counts the write as the table's."""
        membership = db.session.identity_map.get(
            db.inspect(Membership).identity_key_from_primary_key((self.membership_id,)))
        return membership.user_id if membership is not None else None


class BoardMember(db.Model):
    """A member's board: when they accepted the ground rules and how they hear of new posts."""

    __tablename__ = "board_member"

    membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), primary_key=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notify: Mapped[str] = one_of(tuple(NOTIFY), name="notify", default="immediate")
    digest_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    membership: Mapped[Membership] = relationship(lazy="joined")


class Resource(IdMixin, TimestampMixin, db.Model):
    """A link or a file in the cohort's library; a participant's waits for a facilitator."""

    __tablename__ = "board_resource"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"),
                                           index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    topic: Mapped[str] = mapped_column(String(100))
    url: Mapped[str | None] = mapped_column(String(500))
    attachment_id: Mapped[int | None] = mapped_column(
        ForeignKey("board_attachment.id", ondelete="SET NULL"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = one_of(("proposed", "approved"), default="approved")
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    added_by: Mapped[User | None] = relationship(lazy="joined")
    attachment: Mapped[Attachment | None] = relationship(lazy="joined")
    hallmark_links: Mapped[list["ResourceHallmark"]] = relationship(
        lazy="selectin", cascade="all, delete-orphan")

    @property
    def hallmark_ids(self) -> list[int]:
        return [link.hallmark_id for link in self.hallmark_links]


class ResourceHallmark(db.Model):
    __tablename__ = "board_resource_hallmark"

    resource_id: Mapped[int] = mapped_column(
        ForeignKey("board_resource.id", ondelete="CASCADE"), primary_key=True)
    hallmark_id: Mapped[int] = mapped_column(
        ForeignKey("hallmark.id", ondelete="CASCADE"), primary_key=True, index=True)


class SearchEntry(IdMixin, db.Model):
    """The text search reads: one row per thread title, post and resource. On SQLite an FTS5
    table mirrors it (kept by triggers); on PostgreSQL an expression GIN index covers it."""

    __tablename__ = "board_search"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"),
                                           index=True)
    kind: Mapped[str] = one_of(("thread", "post", "resource"), name="kind")
    ref_id: Mapped[int]
    thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("board_thread.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("kind", "ref_id"),)


def post_link(thread: "Thread", number: int) -> dict:
    """The url_for values of the link to the thread's post `number`: the page it is on (none
    for the first) and its anchor. The one place a link to a post is worked out."""
    page = -(-number // POSTS_A_PAGE)
    return {"cohort_id": thread.cohort_id, "thread_id": thread.id,
            "page": page if page > 1 else None, "_anchor": f"post-{number}"}
