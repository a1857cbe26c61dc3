"""Sending reminders: each due reminder becomes one delivery per recipient (a unique row, so
never two), each a message in core's outbox, which the dispatcher sends. A reminder whose time
passed while nothing ran is still sent if it is useful (before its session starts; after the
event, within REMINDER_GRACE) and never after."""

import re
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import inspect, select, update
from sqlalchemy.orm.attributes import set_committed_value

from cohort.accounts.services import unsubscribe_headers
from cohort.cohorts.models import Membership, Place
from cohort.core.mail import external_url, send_mail
from cohort.core.models import MailMessage
from cohort.core.timeutil import format_local, utcnow
from cohort.extensions import db
from cohort.programme.calendar import ics
from cohort.programme.models import LearningObjective, ProgrammeSession
from cohort.programme.permissions import visible_audiences
from cohort.reminders.models import Delivery, Reminder, ReminderOptOut
from cohort.reminders.moments import Moment, kinds
from cohort.reminders.services.rules import delivery_state

__all__ = ["send_due_reminders", "recipients_for", "render", "send_test", "deliveries_of",
           "session_link", "session_calendar", "settings_link"]

_PLACEHOLDER = re.compile(r"\(\(([^()]*)\)\)")


def settings_link(cohort_id: int) -> str:
    """Where a member sets how reminders from the cohort reach them: their settings page."""
    return external_url("accounts.settings", _anchor=f"cohort-{cohort_id}-reminders")


def session_link(session: ProgrammeSession) -> str:
    return external_url("programme.session", cohort_id=session.cohort_id, session_id=session.id)


def session_calendar(session: ProgrammeSession, member: Membership | None = None,
                     method: str = "PUBLISH") -> tuple[str, str, bytes]:
    """The session's .ics, as an attachment: calendar programs add the event, or update the
    one they have (the same UID, a higher SEQUENCE). PUBLISH, the entry as the feed has it,
    asks no one to reply (there is no organiser to answer: mail comes from a no-reply
    address); CANCEL, with the member as attendee, removes a cancelled session."""
    organizer = None
    if method == "CANCEL":  # RFC 5546 needs the organiser on a CANCEL; nobody replies to one
        organizer = current_app.config["MAIL_DEFAULT_SENDER"].rpartition("<")[2].rstrip(">")
    if "objectives" in inspect(session).unloaded:
        set_committed_value(session, "objectives", list(db.session.execute(
            select(LearningObjective).where(LearningObjective.session_id == session.id)
            .order_by(LearningObjective.position)).scalars()))
    body = ics([session], session.cohort.title, session_link, method=method,
               organizer=organizer,
               attendee=member.user.email if member and organizer else None)
    return f"session-{session.id}.ics", f"text/calendar; method={method}", body


def _zone(member: Membership) -> str:
    return member.user.timezone or current_app.config["TIMEZONE"]


def render(reminder: Reminder, member: Membership, session: ProgrammeSession | None = None,
           moment: Moment | None = None) -> tuple[str, str]:
    """The reminder's subject and text for one recipient, placeholders filled in: times in
    the recipient's own zone, named."""
    session = session or reminder.session
    values = {"name": member.user.name, "moment": moment.title if moment else "",
              "link": (moment.link or "") if moment else ""}
    if session is not None:
        values |= {
            "session": session.title,
            "time": format_local(session.starts_at, _zone(member)),
            "join link": session.join_url or "on the session page, shortly before it starts",
            "session link": session_link(session),
        }
    elif moment is not None:
        values["time"] = format_local(moment.at, _zone(member))

    def fill(text: str) -> str:
        return _PLACEHOLDER.sub(lambda m: values.get(m.group(1).strip(), m.group(0)), text)

    return " ".join(fill(reminder.subject).split()), fill(reminder.body)


def recipients_for(reminder: Reminder, session: ProgrammeSession | None = None) -> list[Membership]:
    """Who the reminder goes to: its audience among the cohort's current members, limited to
    those who may see its session; chosen people as chosen (even if they have left: their
    delivery is then skipped, and the log says why)."""
    session = session or reminder.session
    if reminder.audience == "chosen":
        ids = [c.membership_id for c in reminder.chosen]
        return list(db.session.execute(select(Membership).where(Membership.id.in_(ids))
                                       .order_by(Membership.id)).scalars()) if ids else []
    query = select(Membership).where(Membership.cohort_id == reminder.cohort_id,
                                     Membership.status == "active", Membership.approved.is_(True))
    roles = {"participants": ["participant"], "colleagues": ["colleague"]}.get(reminder.audience)
    if roles:
        query = query.where(Membership.role.in_(roles))
    if session is not None and session.audience not in visible_audiences("colleague"):
        query = query.where(Membership.role != "colleague")  # a session not open to them
    return list(db.session.execute(query.order_by(Membership.id)).scalars())


def _skip_reason(reminder: Reminder, member: Membership, opted_out: set[int]) -> str | None:
    if member.status != "active" or not member.approved:
        place = db.session.get(Place, member.place_id) if member.place_id else None
        if place is not None and place.status == "active":
            return "no longer holds the place: it was handed over"
        return "has left the cohort"
    if not reminder.essential and member.id in opted_out:
        return "turned optional reminders off"
    return None


def _deliver(reminder: Reminder, members: list[Membership], ref: int,
             session: ProgrammeSession | None, moment: Moment | None) -> int:
    """One delivery per member (queued, or skipped with its reason), except to those who have
    theirs already; return how many were queued. The unique (reminder, moment, person) row
    stands behind the check: a second writer's whole run would fail, not send twice."""
    done = set(db.session.execute(select(Delivery.membership_id).where(
        Delivery.reminder_id == reminder.id, Delivery.ref == ref)).scalars())
    opted_out = _opted_out(reminder.cohort_id)
    settings = settings_link(reminder.cohort_id)
    # The same calendar entry for everyone: made once.
    attachments = [session_calendar(session, method="PUBLISH")] if session is not None else []
    link = session_link(session) if session is not None else None
    queued = 0
    for member in members:
        if member.id in done:
            continue
        reason = _skip_reason(reminder, member, opted_out)
        delivery = Delivery(reminder_id=reminder.id, ref=ref, membership_id=member.id,
                            status="skipped" if reason else "queued", reason=reason)
        if reason is None:
            subject, body = render(reminder, member, session, moment)
            delivery.message = send_mail(
                member.user.email, "emails/reminders/reminder.txt", subject=subject, body=body,
                member=member, reminder=reminder, session=session, moment=moment,
                when=_when(member, session, moment), link=link, settings_url=settings,
                attachments=attachments, headers=None if reminder.essential else
                unsubscribe_headers(member.user, reminder.cohort_id, "reminders"))
            queued += 1
        db.session.add(delivery)
    db.session.flush()
    return queued


def _when(member: Membership, session, moment) -> str | None:
    at = session.starts_at if session is not None else (moment.at if moment else None)
    return format_local(at, _zone(member)) if at else None


def _useful(reminder: Reminder, due: datetime, now: datetime, starts: datetime | None) -> bool:
    """A reminder before an event is useful until the event; one after it, for a while."""
    if reminder.offset_minutes < 0 and starts is not None:
        return now < starts
    return now - due <= current_app.config["REMINDER_GRACE"]


def _opted_out(cohort_id: int) -> set[int]:
    return set(db.session.execute(
        select(ReminderOptOut.membership_id).join(Membership).where(
            Membership.cohort_id == cohort_id)).scalars())


def send_due_reminders(now: datetime | None = None) -> int:
    """Turn every reminder that is due into deliveries; return how many were queued. Each
    reminder is claimed with a guarded update first, so two runs never both send it."""
    now = now or utcnow()
    queued = 0
    due = db.session.execute(select(Reminder.id).where(
        Reminder.status == "active", Reminder.is_default.is_(False),
        Reminder.anchor != "moment", Reminder.due_at <= now).order_by(Reminder.due_at)
    ).scalars().all()
    for reminder_id in due:
        reminder = db.session.get(Reminder, reminder_id)
        session = reminder.session
        starts = session.starts_at if session is not None else None
        useful = (session is None or not session.is_cancelled) and _useful(
            reminder, reminder.due_at, now, starts)
        claimed = db.session.execute(
            update(Reminder).where(Reminder.id == reminder.id, Reminder.status == "active")
            .values(status="sent" if useful else "missed", sent_at=now,
                    version=Reminder.version + 1)
            .execution_options(synchronize_session=False)).rowcount
        db.session.expire(reminder)
        if claimed and useful:
            queued += _deliver(reminder, recipients_for(reminder, session), 0, session, None)
    return queued + _send_moment_reminders(now)


def _send_moment_reminders(now: datetime) -> int:
    """Moment reminders: for each moment whose time (plus the offset) has come, once."""
    queued = 0
    grace = current_app.config["REMINDER_GRACE"]
    registered = kinds()
    templates = db.session.execute(select(Reminder).where(
        Reminder.status == "active", Reminder.anchor == "moment")).scalars().all()
    for reminder in templates:
        kind = registered.get(reminder.moment_key)
        if kind is None:
            continue
        offset = timedelta(minutes=reminder.offset_minutes)
        # Due (moment + offset <= now) and still useful: before a moment, until it happens;
        # after one, within the grace.
        since = now if reminder.offset_minutes < 0 else now - offset - grace
        for moment in kind.moments(reminder.cohort, since, now - offset):
            due = moment.at + offset
            if due <= now and _useful(reminder, due, now, moment.at):
                queued += _deliver(reminder, moment.recipients, moment.ref, None, moment)
    return queued


def send_test(reminder: Reminder, member: Membership) -> MailMessage:
    """Send the reminder, as it would go out, to the facilitator alone (marked a test)."""
    session = reminder.session
    if session is None and reminder.is_default:
        session = db.session.execute(select(ProgrammeSession).where(
            ProgrammeSession.cohort_id == reminder.cohort_id,
            ProgrammeSession.status == "scheduled").order_by(
            ProgrammeSession.starts_at.desc())).scalars().first()
    subject, body = render(reminder, member, session)
    settings = settings_link(reminder.cohort_id)
    return send_mail(member.user.email, "emails/reminders/reminder.txt", subject=f"[Test] {subject}",
                     body=body, member=member, reminder=reminder, session=session, moment=None,
                     settings_url=settings, when=_when(member, session, None),
                     link=session_link(session) if session else None,
                     attachments=[session_calendar(session, method="PUBLISH")] if session else [])


def deliveries_of(reminder: Reminder) -> list[tuple[Delivery, str]]:
    """Every delivery of the reminder with its state (pending, sent, failed, skipped)."""
    return [(delivery, state) for delivery, state in db.session.execute(
        select(Delivery, delivery_state()).outerjoin(
            MailMessage, MailMessage.id == Delivery.message_id)
        .where(Delivery.reminder_id == reminder.id).order_by(Delivery.id)).all()]
