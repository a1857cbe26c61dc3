"""Telling members about new posts, through core's outbox (queued in the same transaction).

A new post notifies each follower of its thread once (never its author): at once for those
who chose immediate mail (the default), in the day's digest for those who chose a digest, not
at all for those who chose none. An @mention notifies the member mentioned unless they chose
none; a follower who is also mentioned gets one message, the mention.
"""

from datetime import timedelta

from sqlalchemy import select

from cohort.accounts.services import unsubscribe_headers
from cohort.board.models import BoardMember, Follow, Post, Thread
from cohort.board.services.errors import BoardError
from cohort.board.services.members import handles
from cohort.board.services.text import mentioned, plain
from cohort.cohorts.models import Cohort, Membership
from cohort.core.mail import external_url, send_mail
from cohort.core.timeutil import utcnow
from cohort.extensions import db

__all__ = ["resolve_mentions", "notify_new_post", "send_digests", "DIGEST_EVERY"]

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


def notify_new_post(cohort: Cohort, thread: Thread, post: Post, acting,
                    mentions: list[Membership], edited: bool = False) -> int:
    """Queue the messages a post causes; returns how many. An edit tells only the members it
    newly mentions."""
    link = external_url("board.thread", cohort_id=cohort.id, thread_id=thread.id,
                        _anchor=f"post-{post.number}")
    settings = external_url("accounts.settings", _anchor=f"cohort-{cohort.id}-board")
    excerpt = plain(post.body)
    excerpt = excerpt if len(excerpt) <= EXCERPT else excerpt[:EXCERPT].rsplit(" ", 1)[0] + " …"
    mentioned_ids = {m.user_id for m in mentions} - {acting.id}
    followers = set() if edited else set(db.session.execute(select(Follow.user_id).where(
        Follow.thread_id == thread.id)).scalars()) - {acting.id}
    members = {m.user_id: m for m in db.session.execute(select(Membership).where(
        Membership.cohort_id == cohort.id, Membership.status == "active",
        Membership.user_id.in_(followers | mentioned_ids))).scalars()}
    preferences = _preferences(set(members), cohort)
    sent = 0
    for user_id, membership in members.items():
        choice = preferences.get(user_id, "immediate")
        is_mentioned = user_id in mentioned_ids
        if choice == "none" or (not is_mentioned and choice != "immediate"):
            continue
        send_mail(membership.user.email, "emails/board/new_post.txt",
                  headers=unsubscribe_headers(membership.user, cohort.id, "board"),
                  user=membership.user,
                  cohort=cohort, thread=thread, author=acting, excerpt=excerpt, link=link,
                  settings=settings, mentioned=is_mentioned)
        sent += 1
    return sent


def send_digests(now=None) -> int:
    """One message to each member whose digest is due and who has something new in the
    threads they follow; returns how many were queued."""
    now = now or utcnow()
    due = db.session.execute(select(BoardMember).where(
        BoardMember.notify == "digest",
        (BoardMember.digest_sent_at.is_(None)) | (BoardMember.digest_sent_at <= now - DIGEST_EVERY)
    )).scalars().all()
    sent = 0
    for member in due:
        membership = member.membership
        since = member.digest_sent_at or now - DIGEST_EVERY
        member.digest_sent_at = now
        if membership.status != "active":
            continue
        rows = db.session.execute(
            select(Thread, Post).join(Post, Post.thread_id == Thread.id)
            .join(Follow, (Follow.thread_id == Thread.id) & (Follow.user_id == membership.user_id))
            .where(Thread.cohort_id == membership.cohort_id, Post.created_at > since,
                   Post.created_at <= now, Post.author_id != membership.user_id,
                   Post.deleted_at.is_(None), Post.hidden_at.is_(None),
                   Thread.hidden_at.is_(None))
            .order_by(Thread.last_post_at.desc(), Post.number)).all()
        if not rows:
            continue
        threads: dict[int, list] = {}
        for thread, _post in rows:
            threads.setdefault(thread.id, [thread, 0])[1] += 1
        cohort = membership.cohort
        send_mail(membership.user.email, "emails/board/digest.txt",
                  headers=unsubscribe_headers(membership.user, cohort.id, "board"),
                  user=membership.user, cohort=cohort, threads=list(threads.values()),
                  posts=len(rows),
                  settings=external_url("accounts.settings", _anchor=f"cohort-{cohort.id}-board"))
        sent += 1
    db.session.flush()
    return sent
