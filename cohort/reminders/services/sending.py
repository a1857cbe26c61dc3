"""Sending reminders: each due reminder becomes one delivery per recipient (a unique row, so
never two), each a message in core's outbox, which the dispatcher sends. A reminder whose time
passed while nothing ran is still sent if it is useful (before its session starts; after the
event, within REMINDER_GRACE) and never after."""

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

from flask import current_app
from sqlalchemy import inspect, select, update
from sqlalchemy.orm.attributes import set_committed_value

from cohort.accounts.services import unsubscribe_headers
from cohort.cohorts.models import Membership, Place
from cohort.core.audit import record
from cohort.core.mail import external_url, requeue, send_mail
from cohort.core.models import MailMessage
from cohort.core.pages import Page, paginate
from cohort.core.timeutil import format_local, utcnow, zone_for
from cohort.extensions import db
from cohort.programme.calendar import ics
from cohort.programme.models import LearningObjective, ProgrammeSession, visible_audiences
from cohort.programme.permissions import shows_join_link
from cohort.reminders.models import Delivery, Reminder, ReminderOptOut
from cohort.reminders.moments import Moment, kinds
from cohort.reminders.services.errors import ReminderError
from cohort.reminders.services.rules import anchor_of, due_at_of, offset_from, still_useful
from cohort.reminders.services.tallies import count_new, delivery_state

__all__ = ["send_due_reminders", "reminders_due", "recipients_for", "render", "deliveries_of",
           "session_link", "session_calendar", "resend_delivery", "why_not_again", "settings_link"]

_PLACEHOLDER = re.compile(r"\(\(([^()]*)\)\)")
DELIVERIES_A_PAGE = 50
_CLOCK_CHANGE = timedelta(hours=2)  # the most any zone's clocks move at once (Troll: 2 hours)


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
    return zone_for(member.user)


def render(reminder: Reminder, member: Membership, session: ProgrammeSession | None = None,
           moment: Moment | None = None, at: datetime | None = None) -> tuple[str, str]:
    """The reminder's subject and text for one recipient as it goes out `at` (now by default),
    placeholders filled in: times in the recipient's own zone, named; the joining link by the
    one rule the session page follows."""
    session = session or reminder.session
    values = {"name": member.user.name}
    if moment is not None:
        values |= {"moment": moment.title, "link": moment.link or ""}
    if session is not None:
        values |= {
            "session": session.title,
            "time": format_local(session.starts_at, _zone(member)),
            "join link": _join_link(session, member, at or utcnow()) or NO_JOIN_LINK,
            "session link": session_link(session),
        }
    elif moment is not None:
        values["time"] = format_local(moment.at, _zone(member))

    def fill(text: str) -> str:
        return _PLACEHOLDER.sub(lambda m: values.get(m.group(1).strip(), m.group(0)), text)

    return " ".join(fill(reminder.subject).split()), fill(reminder.body)


NO_JOIN_LINK = "not added yet: it will be on the session page"


def _join_link(session: ProgrammeSession, member: Membership, at: datetime) -> str | None:
    return session.join_url if shows_join_link(member.role, session, at) else None


def recipients_for(reminder: Reminder, session: ProgrammeSession | None = None) -> list[Membership]:
    """Who the reminder goes to: its audience among the cohort's current members, limited to
    those who may see its session; chosen people as chosen (even if they have left, or the
    session has closed to them since: their delivery is then skipped, and the log says why)."""
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


def _skip_reason(reminder: Reminder, member: Membership, opted_out: set[int],
                 session: ProgrammeSession | None = None) -> str | None:
    """Why the member is not to receive the reminder (for its session, if any), or None."""
    if member.status != "active" or not member.approved:
        place = db.session.get(Place, member.place_id) if member.place_id else None
        if place is not None and place.status == "active":
            return "no longer holds the place: it was handed over"
        return "has left the cohort"
    if session is not None and session.audience not in visible_audiences(member.role):
        return "is a team member, and the session is for members only"
    if not reminder.essential and member.id in opted_out:
        return "turned optional reminders off"
    return None


def _deliver(reminder: Reminder, members: list[Membership], ref: int,
             session: ProgrammeSession | None, moment: Moment | None, now: datetime) -> int:
    """One delivery per member (queued, or skipped with its reason), except to those who have
    theirs already (for a moment that goes `once`, to nobody once anyone has); return how many
    were queued. The unique (reminder, moment, person) row stands behind the check: a second
    writer's whole run would fail, not send twice."""
    had = dict(db.session.execute(select(Delivery.membership_id, Delivery.status).where(
        Delivery.reminder_id == reminder.id, Delivery.ref == ref)).all())
    done = set(had)
    if moment is not None and moment.once and any(s != "skipped" for s in had.values()):
        return 0  # someone was told: a skipped delivery told nobody
    opted_out = _opted_out(reminder.cohort_id)
    # The same calendar entry for everyone: made once.
    attachments, shared = _attachments(session, now), _shared(reminder, session, now)
    queued = skipped = 0
    for member in members:
        if member.id in done:
            continue
        reason = _skip_reason(reminder, member, opted_out, session)
        skipped += reason is not None
        delivery = Delivery(reminder_id=reminder.id, ref=ref, membership_id=member.id,
                            status="skipped" if reason else "queued", reason=reason)
        if reason is None:
            delivery.message = send_mail(
                member.user.email, TEMPLATE, attachments=attachments, headers=_headers(reminder, member),
                **_mail_context(reminder, member, session, moment, now, shared))
            queued += 1
        db.session.add(delivery)
    db.session.flush()
    count_new(reminder, queued, skipped)
    return queued


TEMPLATE = "emails/reminders/reminder.txt"


def _attachments(session: ProgrammeSession | None, at: datetime) -> list:
    """The session's calendar entry, while there is a session to come to."""
    return [session_calendar(session, method="PUBLISH")] \
        if session is not None and at < session.ends_at else []


def _headers(reminder: Reminder, member: Membership) -> dict | None:
    """An optional reminder's one-click unsubscribe, for that person in that cohort."""
    return None if reminder.essential else unsubscribe_headers(member.user, reminder.cohort_id,
                                                                "reminders")


def _shared(reminder: Reminder, session: ProgrammeSession | None, at: datetime) -> dict:
    """The part of the mail's context that is the same for every recipient: made once. The
    template adds under the facilitator's text only what that text leaves out (`used`), and
    nothing to join or add to a calendar once the session is over."""
    return {"reminder": reminder, "session": session,
            "link": session_link(session) if session is not None else None,
            "over": session is not None and at >= session.ends_at,
            "used": {name.strip() for name in
                     _PLACEHOLDER.findall(reminder.subject + reminder.body)},
            "settings_url": settings_link(reminder.cohort_id)}


def _mail_context(reminder: Reminder, member: Membership, session: ProgrammeSession | None,
                  moment: Moment | None, at: datetime, shared: dict | None = None) -> dict:
    """What the reminder's mail template needs for one recipient, the mail going out `at`."""
    subject, body = render(reminder, member, session, moment, at)
    return {**(shared or _shared(reminder, session, at)), "subject": subject, "body": body,
            "member": member, "moment": moment, "when": _when(member, session, moment),
            "join": _join_link(session, member, at) if session is not None else None}


def _when(member: Membership, session, moment) -> str | None:
    at = session.starts_at if session is not None else (moment.at if moment else None)
    return format_local(at, _zone(member)) if at else None


def _opted_out(cohort_id: int) -> set[int]:
    return set(db.session.execute(
        select(ReminderOptOut.membership_id).join(Membership).where(
            Membership.cohort_id == cohort_id)).scalars())


def send_due_reminders(now: datetime | None = None) -> int:
    """Turn every reminder that is due into deliveries, in the caller's one transaction;
    return how many were queued. The scheduler does it a reminder at a time (reminders_due)."""
    return sum(piece() for piece in reminders_due(now))


def reminders_due(now: datetime | None = None) -> list[Callable[[], int]]:
    """Each reminder that is due by `now` as a piece of work, and the moment reminders as one
    more: called, it queues the deliveries and returns how many. Each reminder is claimed with
    a guarded update first, so two runs never both send it."""
    now = now or utcnow()
    due = db.session.execute(select(Reminder.id).where(
        Reminder.status == "active", Reminder.is_default.is_(False),
        Reminder.anchor != "moment", Reminder.due_at <= now).order_by(Reminder.due_at)
    ).scalars().all()
    return [partial(_send_reminder, reminder_id, now) for reminder_id in due] + [
        partial(_send_moment_reminders, now)]


def _send_reminder(reminder_id: int, now: datetime) -> int:
    reminder = db.session.get(Reminder, reminder_id)
    if reminder is None:
        return 0
    session = reminder.session
    useful = (session is None or not session.is_cancelled) and still_useful(
        reminder.offset_minutes, reminder.due_at, now, anchor_of(reminder.anchor, session))
    claimed = db.session.execute(  # still due: a session moved later since the list was read
        update(Reminder).where(Reminder.id == reminder.id, Reminder.status == "active",
                               Reminder.due_at <= now)
        .values(status="sent" if useful else "missed", sent_at=now,
                version=Reminder.version + 1)
        .execution_options(synchronize_session=False)).rowcount
    db.session.expire(reminder)
    if claimed and useful:
        return _deliver(reminder, recipients_for(reminder, session), 0, session, None, now)
    return 0


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
        # after one, within the grace. Whole days keep the wall-clock time, so a change of
        # the clocks between moves a moment's due time by up to an hour: look that much wider.
        since = now if reminder.offset_minutes < 0 else now - offset - grace - _CLOCK_CHANGE
        tz = reminder.cohort.timezone
        for moment in kind.moments(reminder.cohort, since, now - offset + _CLOCK_CHANGE):
            due = offset_from(moment.at, reminder.offset_minutes, tz)
            if due <= now and still_useful(reminder.offset_minutes, due, now, moment.at):
                queued += _deliver(reminder, moment.recipients, moment.ref, None, moment, now)
    return queued


def deliveries_of(reminder: Reminder, raw_page: str | None = None) -> Page:
    """A page of the reminder's deliveries, each (delivery, its state: pending, sent, failed
    or skipped), DELIVERIES_A_PAGE a page in the order they were made."""
    return paginate(select(Delivery, delivery_state()).outerjoin(
        MailMessage, MailMessage.id == Delivery.message_id)
        .where(Delivery.reminder_id == reminder.id).order_by(Delivery.id),
        raw_page, DELIVERIES_A_PAGE)


def why_not_again(reminder: Reminder) -> str | None:
    """Why the reminder's messages, written when it was sent, would no longer be true if they
    went again now (the session cancelled, moved, started or over, or the time too long past
    to help); None while they would."""
    session, now = reminder.session, utcnow()
    if session is None or reminder.sent_at is None:
        return None
    if session.is_cancelled:
        return "The session was cancelled: this reminder is not sent again"
    if due_at_of(reminder, session) != reminder.due_at:
        again = db.session.execute(select(Reminder.id).where(
            Reminder.again_of_id == reminder.id,
            Reminder.status.in_(("active", "sent")))).first()
        return "The session has moved since this reminder was written: " + (
            "it is scheduled again for the new time" if again
            else "add a reminder for its new time")
    if still_useful(reminder.offset_minutes, reminder.due_at, now,
                    anchor_of(reminder.anchor, session)):
        if reminder.sent_at < session.ends_at <= now:  # it offers joining and the calendar
            return ("The session is over: this reminder, written before it ended, is not "
                    "sent again")
        return None
    if reminder.offset_minutes < 0 and reminder.anchor == "session_end":
        return "The session is over: this reminder, written for before its end, is not sent again"
    if reminder.offset_minutes < 0:
        return "The session has started: this reminder, written for before it, is not sent again"
    return (f"This reminder was due on {format_local(reminder.due_at, reminder.cohort.timezone)},"
            " too long ago to help: it is not sent again")


def resend_delivery(acting, reminder: Reminder, delivery_id: int | None) -> Delivery:
    """Give a failed delivery of the reminder one more attempt through the outbox: the same
    message, to the person's address now; recorded in the audit log. Raises ReminderError for
    a delivery that is not the reminder's or has not failed, a message no longer true
    (why_not_again), or a person who should no longer receive it."""
    delivery = db.session.get(Delivery, delivery_id) if delivery_id is not None else None
    if delivery is None or delivery.reminder_id != reminder.id:
        raise ReminderError("Choose a delivery of this reminder to send again")
    member, message = delivery.membership, delivery.message
    if message is None or message.status != "failed":
        raise ReminderError(f"The reminder to {member.user.name} has not failed: there is "
                            "nothing to send again")
    untrue = why_not_again(reminder)
    if untrue is not None:
        raise ReminderError(untrue)
    reason = _skip_reason(reminder, member, _opted_out(reminder.cohort_id), reminder.session)
    if reason is not None:
        raise ReminderError(f"{member.user.name} {reason}: it is not sent again")
    error = message.error or ""
    if not requeue(message, member.user.email):
        raise ReminderError(f"The reminder to {member.user.name} is already being sent again")
    record(acting, "reminder_resent", subject=reminder.cohort.slug,
           detail=f"reminder {reminder.id} to {member.user.email}, which failed: {error}"[:200],
           cohort=reminder.cohort_id)
    return delivery
