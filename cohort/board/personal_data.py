"""The board's part of a person's data: the threads they started and the posts they wrote
(with earlier versions, drafts and files), the feedback they gave and received, the resources
they suggested, what they follow and have read, their board settings, the mentions they were
mailed about and the posts they hid as a facilitator (see core/personal.py)."""

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.orm import aliased, undefer

from cohort.board.models import (
    THREAD_KINDS,
    Attachment,
    BoardMember,
    BoardVisit,
    DraftVersion,
    FeedbackAnswer,
    FeedbackQuestion,
    Follow,
    MentionSent,
    Post,
    PostRevision,
    Resource,
    SearchEntry,
    Thread,
    ThreadRead,
)
from cohort.cohorts.models import Cohort, Membership
from cohort.core.personal import cleared, purged, when
from cohort.extensions import db

COVERS = (Attachment, Thread, Post, MentionSent, FeedbackAnswer, Follow, ThreadRead, BoardVisit,
          BoardMember, Resource)


def _memberships(user):
    return select(Membership.id).where(Membership.user_id == user.id)


def _file_name(attachment: Attachment) -> str:
    return f"board/files/{attachment.id}-{attachment.filename}"


def export(user) -> dict:
    threads = select(Thread.id).where(Thread.author_id == user.id)
    return {
        "threads_you_started": [{
            "cohort": title, "title": t.title, "kind": THREAD_KINDS[t.kind],
            "started": when(t.created_at)} for t, title in db.session.execute(
            select(Thread, Cohort.title).join(Cohort, Cohort.id == Thread.cohort_id)
            .where(Thread.author_id == user.id).order_by(Thread.created_at)).all()],
        "posts": [{
            "thread": title, "number": p.number, "written": when(p.created_at), "text": p.body,
            "edited": when(p.edited_at), "deleted": when(p.deleted_at),
            "hidden": when(p.hidden_at), "why_hidden": p.hidden_reason,
            "file": _file_name(p.attachment) if p.attachment else None}
            for p, title in db.session.execute(
            select(Post, Thread.title).join(Thread, Thread.id == Post.thread_id)
            .where(Post.author_id == user.id).order_by(Post.created_at)).all()],
        "earlier_versions_of_your_posts": [{
            "thread": title, "post": number, "written": when(r.written_at), "text": r.body}
            for r, number, title in db.session.execute(
            select(PostRevision, Post.number, Thread.title)
            .join(Post, Post.id == PostRevision.post_id).join(Thread, Thread.id == Post.thread_id)
            .where(Post.author_id == user.id).order_by(PostRevision.written_at)).all()],
        "drafts_you_shared": [{
            "thread": title, "version": d.number, "shared": when(d.created_at), "text": d.text,
            "what_changed": d.changes, "file": _file_name(d.attachment) if d.attachment else None}
            for d, title in db.session.execute(
            select(DraftVersion, Thread.title).join(Thread, Thread.id == DraftVersion.thread_id)
            .where(DraftVersion.thread_id.in_(threads)).order_by(DraftVersion.created_at)).all()],
        "feedback_you_gave": _answers(FeedbackAnswer.author_id == user.id),
        # Others' answers to your questions: what they said, not who said it.
        "feedback_you_received": _answers(and_(FeedbackQuestion.thread_id.in_(threads),
                                               FeedbackAnswer.author_id != user.id)),
        "files_you_uploaded": [{
            "name": a.filename, "type": a.content_type, "size": a.size,
            "uploaded": when(a.created_at), "file": _file_name(a)}
            for a in _attachments(user, with_data=False)],
        "resources_you_suggested": [{
            "cohort": title, "title": r.title, "link": r.url, "status": r.status,
            "suggested": when(r.created_at)} for r, title in db.session.execute(
            select(Resource, Cohort.title).join(Cohort, Cohort.id == Resource.cohort_id)
            .where(Resource.added_by_id == user.id).order_by(Resource.created_at)).all()],
        **_bookkeeping(user),
    }


def _answers(condition) -> list[dict]:
    return [{"thread": title, "question": question, "written": when(a.created_at),
             "text": a.body} for a, question, title in db.session.execute(
        select(FeedbackAnswer, FeedbackQuestion.text, Thread.title)
        .join(FeedbackQuestion, FeedbackQuestion.id == FeedbackAnswer.question_id)
        .join(Thread, Thread.id == FeedbackQuestion.thread_id)
        .where(condition).order_by(FeedbackAnswer.created_at)).all()]


def _bookkeeping(user) -> dict:
    """What the board keeps to serve the person: follows, reads, settings, mentions mailed,
    and the posts they hid as a facilitator."""
    hidden = aliased(Post)
    return {
        "threads_you_follow": [title for (title,) in db.session.execute(
            select(Thread.title).join(Follow, Follow.thread_id == Thread.id)
            .where(Follow.user_id == user.id)).all()],
        "read_up_to": [{"thread": title, "post": number} for title, number in db.session.execute(
            select(Thread.title, ThreadRead.last_number)
            .join(ThreadRead, ThreadRead.thread_id == Thread.id)
            .where(ThreadRead.user_id == user.id)).all()],
        "board_settings": [{
            "cohort": title, "ground_rules_accepted": when(member.acknowledged_at),
            "email": member.notify, "last_digest": when(member.digest_sent_at),
            "last_visit": when(visit.last_visit_at) if visit else None}
            for member, visit, title in db.session.execute(
            select(BoardMember, BoardVisit, Cohort.title)
            .join(Membership, Membership.id == BoardMember.membership_id)
            .join(Cohort, Cohort.id == Membership.cohort_id)
            .outerjoin(BoardVisit, BoardVisit.membership_id == BoardMember.membership_id)
            .where(Membership.user_id == user.id)).all()],
        "mentions_mailed_to_you": [{"thread": title, "post": number, "sent": when(sent)}
                                   for title, number, sent in db.session.execute(
            select(Thread.title, Post.number, MentionSent.sent_at)
            .join(Post, Post.id == MentionSent.post_id).join(Thread, Thread.id == Post.thread_id)
            .where(MentionSent.user_id == user.id)).all()],
        "posts_you_hid": [{"thread": title, "post": number, "at": when(at), "why": reason}
                          for title, number, at, reason in db.session.execute(
            select(Thread.title, hidden.number, hidden.hidden_at, hidden.hidden_reason)
            .join(Thread, Thread.id == hidden.thread_id)
            .where(hidden.hidden_by_id == user.id)).all()],
    }


def _attachments(user, with_data: bool) -> list[Attachment]:
    query = select(Attachment).where(Attachment.uploaded_by_id == user.id).order_by(Attachment.id)
    return list(db.session.execute(query.options(undefer(Attachment.data)) if with_data
                                   else query).scalars())


def files(user) -> list[tuple[str, bytes]]:
    """The files they uploaded, as the download holds them."""
    return [(_file_name(a), a.data) for a in _attachments(user, with_data=True)]


def erase(user) -> None:
    """Their posts, threads, drafts, answers, files and resources stay for the cohort, written
    by "a former member", until a facilitator hides them; the earlier versions of their posts
    go (what they took out stays out), and so does what the board kept to serve them: follows,
    reads, settings, visits and the mentions mailed to them."""
    db.session.execute(delete(PostRevision).where(PostRevision.post_id.in_(
        select(Post.id).where(Post.author_id == user.id))))
    for table in (MentionSent, Follow, ThreadRead):
        db.session.execute(delete(table).where(table.user_id == user.id))
    for table in (BoardMember, BoardVisit):
        db.session.execute(delete(table).where(table.membership_id.in_(_memberships(user))))
    db.session.flush()


def expire(cohort, dry_run: bool) -> dict[str, int]:
    """The board's threads go, with every post, earlier version, draft, question, answer,
    follow and read, and the files members shared on it; so do members' board settings. Free
    text cannot be made anonymous (it names people), so it is purged. Each session's thread
    keeps its opening post (the programme's words about the session, which the board makes
    for every session), and the resource library stays, without who suggested each."""
    threads = select(Thread.id).where(Thread.cohort_id == cohort.id, Thread.kind != "session")
    sessions = select(Thread.id).where(Thread.cohort_id == cohort.id, Thread.kind == "session")
    posts = or_(Post.thread_id.in_(threads), and_(Post.thread_id.in_(sessions), Post.number > 1))
    questions = select(FeedbackQuestion.id).where(FeedbackQuestion.thread_id.in_(threads))
    kept_files = select(Resource.attachment_id).where(Resource.cohort_id == cohort.id,
                                                      Resource.attachment_id.is_not(None))
    members = select(Membership.id).where(Membership.cohort_id == cohort.id)
    if not dry_run:  # the search index's copies of what goes (not counted: they are copies)
        db.session.execute(delete(SearchEntry).where(SearchEntry.kind == "post",
                                                     SearchEntry.ref_id.in_(
                                                         select(Post.id).where(posts))))
    counts = purged({
        "feedback answers": (FeedbackAnswer, FeedbackAnswer.question_id.in_(questions)),
        "posts": (Post, posts),
        "threads": (Thread, Thread.id.in_(threads)),
        "files shared on the board": (Attachment, and_(Attachment.cohort_id == cohort.id,
                                                       Attachment.id.not_in(kept_files))),
        "board settings of members": (BoardMember, BoardMember.membership_id.in_(members)),
        "board visits of members": (BoardVisit, BoardVisit.membership_id.in_(members)),
    }, dry_run)
    if not dry_run:
        db.session.execute(update(Thread).where(Thread.id.in_(sessions)).values(post_count=1)
                           .execution_options(synchronize_session=False))
    return counts | cleared({"names on resources": (Resource, and_(
        Resource.cohort_id == cohort.id, Resource.added_by_id.is_not(None)),
        {"added_by_id": None})}, dry_run)
