"""Which uploaded files a member may download: a file is reachable only through what holds
it (a post they can see, a version of a request they can see, a resource in the library)."""

from sqlalchemy import select

from cohort.board.models import Attachment, DraftVersion, Post, Resource, Thread
from cohort.cohorts.models import Cohort
from cohort.extensions import db

__all__ = ["visible_attachment"]


def visible_attachment(cohort: Cohort, attachment_id: int, user,
                       moderator: bool) -> Attachment | None:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.cohort_id != cohort.id:
        return None
    user_id = getattr(user, "id", None)
    post = db.session.execute(select(Post, Thread).join(Thread).where(
        Post.attachment_id == attachment.id)).first()
    if post is not None:
        found, thread = post
        if found.deleted_at is not None:
            return None
        hidden = found.hidden_at is not None or thread.hidden_at is not None
        return attachment if not hidden or moderator or found.author_id == user_id else None
    version = db.session.execute(select(DraftVersion, Thread).join(
        Thread, Thread.id == DraftVersion.thread_id).where(
        DraftVersion.attachment_id == attachment.id)).first()
    if version is not None:
        thread = version[1]
        visible = thread.hidden_at is None or moderator or thread.author_id == user_id
        return attachment if visible else None
    resource = db.session.execute(select(Resource).where(
        Resource.attachment_id == attachment.id)).scalar_one_or_none()
    if resource is not None and (resource.status == "approved" or moderator
                                 or resource.added_by_id == user_id):
        return attachment
    return None
