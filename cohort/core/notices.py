"""Notices: what happened for a person, shown in the app whatever they chose about mail.

A module tells a person something (`tell`) in the transaction that made it happen. What a
notice is about (`subject`, `subject_id`) is declared by the module that owns it, in its
notices.py: `SUBJECTS = {subject: resolve}`, where `resolve(user, ids)` answers {id: link} for
the ids the person may still see (see cohort/modules.py). The notifications page and the
header's count show only those, so a notice never reveals what the person may no longer see;
when a module hides something, `prune` drops the unread notices of those who lost sight of it.
"""

from collections.abc import Callable

from sqlalchemy import delete, select, update

from cohort.core.models import Notice
from cohort.core.timeutil import utcnow
from cohort.extensions import db

__all__ = ["tell", "prune", "mark_read", "mark_all_read", "TEXT_LIMIT"]

TEXT_LIMIT = 400


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TEXT_LIMIT else text[:TEXT_LIMIT - 1].rstrip() + "…"


def tell(user_id: int, kind: str, text: str, *, cohort_id: int | None = None,
         subject: str | None = None, subject_id: int | None = None) -> Notice:
    """Add a notice for the person (flushed with the caller's work). An unread notice of the
    same kind about the same subject is brought up to date instead of repeated (a second
    answer to a feedback request is one notice, not two)."""
    found = None
    if subject is not None:
        found = db.session.execute(select(Notice).where(
            Notice.user_id == user_id, Notice.kind == kind, Notice.subject == subject,
            Notice.subject_id == subject_id, Notice.read_at.is_(None))).scalar_one_or_none()
    if found is None:
        found = Notice(user_id=user_id, kind=kind, cohort_id=cohort_id, subject=subject,
                       subject_id=subject_id, text=_clip(text))
        db.session.add(found)
    else:
        found.text, found.created_at = _clip(text), utcnow()
    db.session.flush()
    return found


def prune(subject: str, ids, still_sees: Callable) -> int:
    """Delete the unread notices about `ids` whose person may no longer see them;
    `still_sees(user_id, ids)` answers the ids that person may still see (the subject's own
    resolver). Returns how many went. Called when something is hidden or deleted, so the
    header's count never counts what the page would not show."""
    ids = list(ids)
    if not ids:
        return 0
    unread = db.session.execute(select(Notice).where(
        Notice.subject == subject, Notice.subject_id.in_(ids), Notice.read_at.is_(None))
    ).scalars().all()
    by_user: dict[int, list[Notice]] = {}
    for notice in unread:
        by_user.setdefault(notice.user_id, []).append(notice)
    gone = []
    for user_id, notices in by_user.items():
        seen = still_sees(user_id, [n.subject_id for n in notices])
        gone += [n.id for n in notices if n.subject_id not in seen]
    if gone:
        db.session.execute(delete(Notice).where(Notice.id.in_(gone)))
    return len(gone)


def mark_read(notice: Notice) -> None:
    if notice.read_at is None:
        notice.read_at = utcnow()
        db.session.flush()


def mark_all_read(user) -> int:
    """Mark every unread notice of the person read; returns how many."""
    result = db.session.execute(update(Notice).where(
        Notice.user_id == user.id, Notice.read_at.is_(None)).values(read_at=utcnow()))
    return result.rowcount or 0
