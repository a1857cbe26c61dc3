"""Telling members about new posts, through core's outbox (queued in the same transaction).

A new post notifies each follower of its thread once (never its author): at once for those
who chose immediate mail (the default), in the day's digest for those who chose a digest, not
at all for those who chose none. An @mention notifies the member mentioned unless they chose
none, once per post however often it is edited; a follower who is also mentioned gets one
message, the mention. An answer to a feedback request tells the request's author, at once or
in the digest, as they chose. Nothing in a hidden thread is mailed to anyone but the
moderators.

Each of these is also a notice in the app (core/notices.py), whatever the person chose about
mail: a mention, a reply in a thread they follow, an answer to their question, feedback on
their request. The mail follows their board email setting; the notice is always shown.
"""

from collections.abc import Callable
from datetime import timedelta
from functools import partial

from sqlalchemy import select, update

from cohort.accounts.models import User
from cohort.accounts.services import unsubscribe_headers
from cohort.board import notices
from cohort.board.models import (
    BoardMember,
    FeedbackAnswer,
    FeedbackQuestion,
    Follow,
    MentionSent,
    Post,
    Thread,
    post_link,
)
from cohort.board.permissions import can_moderate
from cohort.board.services.errors import BoardError
from cohort.board.services.members import handles
from cohort.board.services.text import mentioned, plain
from cohort.cohorts.models import Cohort, Membership
from cohort.core.database import read_apart
from cohort.core.mail import external_url, queue_mail, render_mail, send_mail
from cohort.core.notices import prune, tell
from cohort.core.timeutil import utcnow
from cohort.extensions import db

__all__ = ["resolve_mentions", "notify_new_post", "notify_feedback", "send_digests",
           "digests_due", "withdraw_notices", "DIGEST_EVERY"]

DIGEST_EVERY = timedelta(hours=24)
EXCERPT = 600


def resolve_mentions(cohort: Cohort, body: str) -> list[Membership]:
    """The members the text mentions; BoardError names a handle nobody on the board has."""
    wanted = mentioned(body)
    if not wanted:
        return []
    known = handles(cohort)
    unknown = [h for h in wanted if h not in known]
    if unknown:
        raise BoardError(f"No one on this board is called @{unknown[0]}: mention members by "
                         "the handles listed under the box", "body")
    return [known[h] for h in wanted]


def _preferences(user_ids: set[int], cohort: Cohort) -> dict[int, str]:
    if not user_ids:
        return {}
    rows = db.session.execute(select(Membership.user_id, BoardMember.notify).join(
        BoardMember, BoardMember.membership_id == Membership.id).where(
        Membership.cohort_id == cohort.id, Membership.user_id.in_(user_ids))).all()
    return dict(rows)


def _recipients(cohort: Cohort, thread: Thread, user_ids: set[int]) -> dict[int, Membership]:
    """{user id: membership} of those of `user_ids` active in the cohort; in a hidden thread,
    only the moderators: nothing of it reaches anyone else."""
    if not user_ids:
        return {}
    members = {m.user_id: m for m in db.session.execute(select(Membership).where(
        Membership.cohort_id == cohort.id, Membership.status == "active",
        Membership.user_id.in_(user_ids))).scalars()}
    if thread.hidden_at is not None:
        members = {k: m for k, m in members.items() if can_moderate(m.user, cohort)}
    return members


def notify_new_post(cohort: Cohort, thread: Thread, post: Post, acting,
                    mentions: list[Membership], edited: bool = False) -> int:
    """Queue the messages a post causes; returns how many. An edit tells only the members it
    mentions who have not been told of this post before (board_mention_sent holds who was)."""
    link = external_url("board.thread", **post_link(thread, post.number))
    settings = external_url("accounts.settings", _anchor=f"cohort-{cohort.id}-board")
    excerpt = plain(post.body)
    excerpt = excerpt if len(excerpt) <= EXCERPT else excerpt[:EXCERPT].rsplit(" ", 1)[0] + " …"
    mentioned_ids = {m.user_id for m in mentions} - {acting.id}
    if mentioned_ids:
        mentioned_ids -= set(db.session.execute(select(MentionSent.user_id).where(
            MentionSent.post_id == post.id, MentionSent.user_id.in_(mentioned_ids))).scalars())
    followers = set() if edited else set(db.session.execute(select(Follow.user_id).where(
        Follow.thread_id == thread.id)).scalars()) - {acting.id}
    members = _recipients(cohort, thread, followers | mentioned_ids)
    preferences = _preferences(set(members), cohort)
    sent = 0
    for user_id, membership in members.items():
        choice = preferences.get(user_id, "immediate")
        is_mentioned = user_id in mentioned_ids
        _tell_of_post(user_id, cohort, thread, post, acting, is_mentioned)
        if is_mentioned:
            db.session.add(MentionSent(post_id=post.id, user_id=user_id))
        if choice == "none" or (not is_mentioned and choice != "immediate"):
            continue
        send_mail(membership.user.email, "emails/board/new_post.txt",
                  headers=unsubscribe_headers(membership.user, cohort.id, "board"),
                  user=membership.user,
                  cohort=cohort, thread=thread, author=acting, excerpt=excerpt, link=link,
                  settings=settings, mentioned=is_mentioned)
        sent += 1
    db.session.flush()
    return sent


def withdraw_notices(post_ids=(), thread_ids=()) -> int:
    """Drop the unread notices about these posts and threads of those who may no longer see
    them (a post hidden or deleted, a thread hidden); returns how many went."""

    def still_sees(resolve):
        return lambda user_id, ids: resolve(db.session.get(User, user_id), ids)

    return (prune("post", post_ids, still_sees(notices.posts))
            + prune("thread", thread_ids, still_sees(notices.threads)))


def _tell_of_post(user_id: int, cohort: Cohort, thread: Thread, post: Post, acting,
                  is_mentioned: bool) -> None:
    if is_mentioned:
        kind, text = "mention", f"{acting.name} mentioned you in “{thread.title}”"
    elif thread.kind == "question" and thread.author_id == user_id:
        kind, text = "answer", f"{acting.name} answered your question “{thread.title}”"
    else:
        kind, text = "reply", f"{acting.name} replied in “{thread.title}”"
    tell(user_id, kind, text, cohort_id=cohort.id, subject="post", subject_id=post.id)


def notify_feedback(cohort: Cohort, thread: Thread, acting, new: int, changed: int) -> int:
    """Tell a request's author that a member answered (`new`) or changed (`changed`) answers:
    at once if they chose immediate mail; their digest carries it if they chose one. Returns
    how many messages were queued (0 or 1)."""
    members = _recipients(cohort, thread, {thread.author_id} - {acting.id, None})
    membership = members.get(thread.author_id)
    if membership is not None:
        what = "gave feedback on" if new else "changed their feedback on"
        tell(membership.user_id, "feedback", f"{acting.name} {what} “{thread.title}”",
             cohort_id=cohort.id, subject="thread", subject_id=thread.id)
    if membership is None or _preferences({thread.author_id}, cohort).get(
            thread.author_id, "immediate") != "immediate":
        return 0
    settings = external_url("accounts.settings", _anchor=f"cohort-{cohort.id}-board")
    send_mail(membership.user.email, "emails/board/feedback.txt",
              headers=unsubscribe_headers(membership.user, cohort.id, "board"),
              user=membership.user, cohort=cohort, thread=thread, giver=acting, new=new,
              changed=changed, questions=len(thread.questions), settings=settings)
    return 1


def _new_feedback(membership: Membership, since, now) -> list[tuple[Thread, int, list[str]]]:
    """(request, answers, who gave them) for the member's own requests, since `since`."""
    rows = db.session.execute(
        select(Thread, User.name).join(FeedbackQuestion, FeedbackQuestion.thread_id == Thread.id)
        .join(FeedbackAnswer, FeedbackAnswer.question_id == FeedbackQuestion.id)
        .join(User, User.id == FeedbackAnswer.author_id)
        .where(Thread.cohort_id == membership.cohort_id,
               Thread.author_id == membership.user_id, Thread.hidden_at.is_(None),
               FeedbackAnswer.author_id != membership.user_id,
               FeedbackAnswer.updated_at > since, FeedbackAnswer.updated_at <= now)
        .order_by(Thread.last_post_at.desc(), FeedbackAnswer.id)).all()
    found: dict[int, list] = {}
    for thread, name in rows:
        entry = found.setdefault(thread.id, [thread, 0, []])
        entry[1] += 1
        if name not in entry[2]:
            entry[2].append(name)
    return [tuple(entry) for entry in found.values()]


def send_digests(now=None) -> int:
    """One message to each member whose digest is due and who has something new in the
    threads they follow or feedback on their own requests, in one transaction (the caller's);
    returns how many were queued. The scheduler does the same a member at a time
    (digests_due)."""
    return sum(piece() for piece in digests_due(now))


def _due(now):
    return (BoardMember.notify == "digest") & (
        BoardMember.digest_sent_at.is_(None) | (BoardMember.digest_sent_at <= now - DIGEST_EVERY))


def digests_due(now=None) -> list[Callable[[], int]]:
    """Each member whose digest is due by `now`, as a piece of work: called, it notes the
    digest as sent and queues it if there is anything to say (1), else 0."""
    now = now or utcnow()
    return [partial(_send_digest, membership_id, now) for membership_id in db.session.execute(
        select(BoardMember.membership_id).where(_due(now)).order_by(BoardMember.membership_id)
    ).scalars()]


def _send_digest(membership_id: int, now) -> int:
    # What the digest says is read apart (on SQLite without the write lock, held then only for
    # the note and the message, so people's posts go on between the digests). The note is a
    # guarded update: a digest sent meanwhile, or no longer wanted, is not sent again.
    with read_apart():
        member = db.session.execute(select(BoardMember).where(
            BoardMember.membership_id == membership_id, _due(now))).scalar_one_or_none()
        mail = _digest_of(member, now) if member is not None else None
    if member is None:
        return 0
    noted = db.session.execute(
        update(BoardMember).where(BoardMember.membership_id == membership_id, _due(now))
        .values(digest_sent_at=now).execution_options(synchronize_session=False)).rowcount
    if not noted or mail is None:
        return 0
    queue_mail(*mail)
    db.session.flush()
    return 1


def _digest_of(member: BoardMember, now) -> tuple | None:
    """The member's digest as queue_mail takes it, or None when there is nothing to say."""
    membership = member.membership
    since = member.digest_sent_at or now - DIGEST_EVERY
    if membership.status != "active":
        return None
    rows = db.session.execute(
        select(Thread, Post).join(Post, Post.thread_id == Thread.id)
        .join(Follow, (Follow.thread_id == Thread.id) & (Follow.user_id == membership.user_id))
        .where(Thread.cohort_id == membership.cohort_id, Post.created_at > since,
               Post.created_at <= now, Post.author_id != membership.user_id,
               Post.deleted_at.is_(None), Post.hidden_at.is_(None),
               Thread.hidden_at.is_(None))
        .order_by(Thread.last_post_at.desc(), Post.number)).all()
    feedback = _new_feedback(membership, since, now)
    if not rows and not feedback:
        return None
    threads: dict[int, list] = {}
    for thread, _post in rows:
        threads.setdefault(thread.id, [thread, 0])[1] += 1
    cohort = membership.cohort
    subject, body = render_mail(
        "emails/board/digest.txt", user=membership.user, cohort=cohort,
        threads=list(threads.values()), posts=len(rows), feedback=feedback,
        settings=external_url("accounts.settings", _anchor=f"cohort-{cohort.id}-board"))
    return (membership.user.email, subject, body, (),
            unsubscribe_headers(membership.user, cohort.id, "board"))
