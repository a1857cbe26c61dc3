"""Who sees and acts on a cohort's board. The board is for the people learning together: its
participants, their team members and its facilitators. The evaluator and site admins do not
see it (unfinished work is shared there on trust); nobody sees another cohort's board.

A locked thread takes no change but the moderators' (hiding, showing, unlocking, pinning,
moving); a hidden one takes no replies or answers. The services refuse what these predicates
say no to, with a message; pages offer only what they say yes to.

The board's URL arguments load here (LOADERS): a thread of the cohort (a hidden one only for
its author and the moderators), a post of the thread (not once its author deleted it), a draft
version of the thread, a file of the cohort that this user may see, a resource of the cohort."""

from sqlalchemy import select

from cohort.board.models import Attachment, DraftVersion, Post, Resource, Thread
from cohort.cohorts.models import Cohort
from cohort.cohorts.permissions import role_in
from cohort.core.database import get
from cohort.core.guard import Loader, child, hides
from cohort.extensions import db

__all__ = ["can_view_board", "can_post", "can_moderate", "can_manage_resources", "can_reply",
           "can_change_post", "can_change_request", "can_answer_request", "wrote_post",
           "started_thread", "is_feedback_request"]

BOARD_ROLES = ("participant", "colleague", "facilitator")


def can_view_board(user, cohort: Cohort) -> bool:
    return role_in(user, cohort) in BOARD_ROLES


def can_post(user, cohort: Cohort) -> bool:
    """Write on the board: its members, while the cohort runs (a finished one is read-only)."""
    return can_view_board(user, cohort) and not cohort.is_finished


def can_moderate(user, cohort: Cohort) -> bool:
    """Hide posts, lock, pin and move threads, approve resources: the facilitators."""
    return role_in(user, cohort) == "facilitator"


def can_manage_resources(user, cohort: Cohort) -> bool:
    return can_moderate(user, cohort) and not cohort.is_finished


def can_reply(user, cohort: Cohort, thread) -> bool:
    """Reply to a thread or quote one of its posts: not while it is locked or hidden."""
    return can_post(user, cohort) and thread.locked_at is None and thread.hidden_at is None


def wrote_post(user, post) -> bool:
    """The post is the user's own: only its author changes or deletes it, and sees it when
    hidden (as the moderators do)."""
    return post.author_id == getattr(user, "id", None)


def started_thread(user, thread) -> bool:
    """The thread is the user's own: only who asked for feedback shares a new version of the
    draft and resolves the request, and sees who gave feedback."""
    return thread.author_id == getattr(user, "id", None)


@hides
def is_feedback_request(_user, thread) -> bool:
    """Drafts and their versions belong to a request for feedback; another thread has none."""
    return thread.kind == "feedback"


def can_change_post(user, cohort: Cohort, thread, post) -> bool:
    """Change or delete one's own post: not once deleted or hidden, nor in a locked thread.
    (The post's own facts first: a page of others' posts asks nothing of the cohort.)"""
    return (wrote_post(user, post) and post.deleted_at is None and post.hidden_at is None
            and thread.locked_at is None and can_post(user, cohort))


def can_change_request(user, cohort: Cohort, thread) -> bool:
    """Share a new version of one's own feedback request, resolve or reopen it: not while it
    is locked."""
    return (can_post(user, cohort) and is_feedback_request(user, thread)
            and started_thread(user, thread) and thread.locked_at is None)


def can_answer_request(user, cohort: Cohort, thread) -> bool:
    """Answer the questions of someone else's feedback request: not while it is locked or
    hidden."""
    return (can_post(user, cohort) and is_feedback_request(user, thread)
            and not started_thread(user, thread)
            and thread.locked_at is None and thread.hidden_at is None)


# Loaders for routes (see cohort/core/guard.py) ---------------------------------------------


def sees_thread(user, cohort: Cohort, thread: Thread) -> bool:
    """A thread a facilitator has hidden: only its author and the moderators see it."""
    return (thread.hidden_at is None or started_thread(user, thread)
            or can_moderate(user, cohort))


def find_thread(user, thread_id: int, cohort: Cohort) -> Thread | None:
    thread = get(Thread, thread_id)
    if thread is None or thread.cohort_id != cohort.id or not sees_thread(user, cohort, thread):
        return None
    return thread


def find_attachment(user, attachment_id: int, cohort: Cohort) -> Attachment | None:
    """A file of the cohort's board, reachable only through what holds it: a post the user can
    see (not deleted; when hidden, to its author and the moderators), a version of a request
    they can see, a resource in the library (or their own suggestion, or to a moderator)."""
    attachment = get(Attachment, attachment_id)
    if attachment is None or attachment.cohort_id != cohort.id:
        return None
    moderator = can_moderate(user, cohort)
    post = db.session.execute(select(Post, Thread).join(Thread).where(
        Post.attachment_id == attachment.id)).first()
    if post is not None:
        found, thread = post
        if found.deleted_at is not None:
            return None
        hidden = found.hidden_at is not None or thread.hidden_at is not None
        return attachment if not hidden or moderator or wrote_post(user, found) else None
    version = db.session.execute(select(DraftVersion, Thread).join(
        Thread, Thread.id == DraftVersion.thread_id).where(
        DraftVersion.attachment_id == attachment.id)).first()
    if version is not None:
        return attachment if sees_thread(user, cohort, version[1]) else None
    resource = db.session.execute(select(Resource).where(
        Resource.attachment_id == attachment.id)).scalar_one_or_none()
    if resource is not None and (resource.status == "approved" or moderator
                                 or resource.added_by_id == getattr(user, "id", None)):
        return attachment
    return None


LOADERS = (
    Loader("thread_id", "thread", find_thread, parent="cohort"),
    # A post its author deleted is gone for everyone.
    Loader("post_id", "post", child(Post, "thread_id", visible=lambda _user, post:
                                    post.deleted_at is None), parent="thread"),
    Loader("version_id", "version", child(DraftVersion, "thread_id"), parent="thread"),
    Loader("attachment_id", "attachment", find_attachment, parent="cohort"),
    Loader("resource_id", "resource", child(Resource, "cohort_id"), parent="cohort"),
)
