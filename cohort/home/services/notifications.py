"""The person's notices (core/notices.py), as the header counts them and the notifications
page shows them."""

from dataclasses import dataclass

from sqlalchemy import bindparam, func, or_, select

from cohort import modules
from cohort.cohorts.models import Membership
from cohort.core.database import prepared
from cohort.core.models import Notice
from cohort.core.pages import Page, Paged, paged, paginate
from cohort.extensions import db

NOTICES_PER_PAGE = 20


def _in_view(user):
    """Notices the person may still see: their own, of no cohort or of a cohort they are
    still a member of (a cohort they left goes quiet). `user` is an id or a bound parameter."""
    current = select(Membership.cohort_id).where(
        Membership.user_id == user, Membership.status == "active",
        Membership.approved.is_(True))
    return (Notice.user_id == user,
            or_(Notice.cohort_id.is_(None), Notice.cohort_id.in_(current)))


@prepared
def _unread():
    return select(func.count(Notice.id)).where(
        *_in_view(bindparam("user")), Notice.read_at.is_(None))


def unread_count(user) -> int:
    """How many of the person's notices are unread: one query, on every page's header."""
    return db.session.execute(_unread(), {"user": user.id}).scalar_one()


@dataclass(frozen=True)
class Shown:
    """A notice as the page shows it: `link` (endpoint, values) while the person may still
    see what it is about; None for a notice about nothing in particular."""

    notice: Notice
    link: tuple[str, dict] | None


def notices_page(user, raw_page, only_unread: bool = False) -> tuple[Page, list[Shown]]:
    """A page of the person's notices, newest first, each with its link; a notice about
    something they may no longer see (a hidden post, a survey of a place they handed on) is
    left out. One query for the page, one for its count, one per kind of subject on it."""
    page = paginate(_listed()[bool(only_unread)], raw_page, size=NOTICES_PER_PAGE,
                    params={"user": user.id})
    return page, resolved(user, page.items)


@prepared
def _listed() -> dict[bool, Paged]:
    """{only unread: the person's notices, newest first, ready for pages}."""
    every = select(Notice).where(*_in_view(bindparam("user"))).order_by(
        Notice.created_at.desc(), Notice.id.desc())
    return {False: paged(every), True: paged(every.where(Notice.read_at.is_(None)))}


def resolved(user, notices: list[Notice]) -> list[Shown]:
    """The notices the person may still see, each with its link (see core/notices.py)."""
    subjects = modules.notice_subjects()
    wanted: dict[str, set[int]] = {}
    for notice in notices:
        if notice.subject is not None:
            wanted.setdefault(notice.subject, set()).add(notice.subject_id)
    links = {subject: subjects[subject](user, ids) if subject in subjects else {}
             for subject, ids in wanted.items()}
    shown = []
    for notice in notices:
        if notice.subject is None:
            shown.append(Shown(notice, None))
        elif notice.subject_id in links[notice.subject]:
            shown.append(Shown(notice, links[notice.subject][notice.subject_id]))
    return shown


def notice_link(user, notice: Notice) -> tuple[str, dict] | None:
    """Where the notice leads, or None when the person may no longer see what it was about
    (or it was about nothing in particular)."""
    found = resolved(user, [notice])
    return found[0].link if found else None
