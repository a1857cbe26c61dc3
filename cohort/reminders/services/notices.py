"""A session added, moved or cancelled: its reminders follow it, and its members get one
message with the calendar entry: published (METHOD:PUBLISH, which asks for no reply) when it is
added or moved, or METHOD:CANCEL when cancelled, always with the same UID and a higher SEQUENCE,
so calendar programs add the event or change the one they already have. The receivers below
are connected to the programme's signals by reminders/receivers.py; the programme knows
nothing of them."""

from sqlalchemy import select

from cohort.cohorts.models import Membership
from cohort.core.mail import send_mail
from cohort.core.timeutil import format_local, zone_for
from cohort.extensions import db
from cohort.programme.models import ProgrammeSession, visible_audiences
from cohort.reminders.services.following import apply_defaults, cancel_with_session, follow_session
from cohort.reminders.services.sending import session_calendar, session_link, settings_link

__all__ = ["notify_members"]


def _members_who_see(session: ProgrammeSession, acting) -> list[Membership]:
    query = select(Membership).where(
        Membership.cohort_id == session.cohort_id, Membership.status == "active",
        Membership.approved.is_(True))
    if session.audience not in visible_audiences("colleague"):
        query = query.where(Membership.role != "colleague")
    if acting is not None:
        query = query.where(Membership.user_id != acting.id)  # they made the change
    return list(db.session.execute(query.order_by(Membership.id)).scalars())


def notify_members(session: ProgrammeSession, change: str, acting=None) -> int:
    """Mail each member who may see the session one message about the change ("added",
    "moved" or "cancelled"), with the calendar update attached; return how many."""
    method = "CANCEL" if change == "cancelled" else "PUBLISH"
    members = _members_who_see(session, acting)
    settings = settings_link(session.cohort_id)
    for member in members:
        zone = zone_for(member.user)
        send_mail(member.user.email, "emails/reminders/session_notice.txt", member=member,
                  session=session, change=change, link=session_link(session),
                  when=format_local(session.starts_at, zone), settings_url=settings,
                  attachments=[session_calendar(session, member, method)])
    return len(members)


def on_session_scheduled(session: ProgrammeSession, acting=None, **_extra) -> None:
    apply_defaults(session)
    notify_members(session, "added", acting)


def on_session_changed(session: ProgrammeSession, acting=None, moved: bool = False, **_extra) -> None:
    if moved:
        follow_session(session)
        notify_members(session, "moved", acting)


def on_session_cancelled(session: ProgrammeSession, acting=None, **_extra) -> None:
    cancel_with_session(session)
    notify_members(session, "cancelled", acting)
