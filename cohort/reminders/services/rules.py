"""The facilitator's reminders: adding, changing and cancelling them, and the copy of a default
each session receives (services/following.py gives it, and keeps a session's reminders in step
when it moves or is cancelled)."""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from cohort.cohorts.models import Cohort, Membership
from cohort.cohorts.services import ensure_changeable
from cohort.core.audit import record
from cohort.core.database import prepared
from cohort.core.errors import check_version
from cohort.core.timeutil import format_local, shift_days, utcnow
from cohort.extensions import db
from cohort.programme.models import ProgrammeSession, visible_audiences
from cohort.reminders.models import (
    ANCHORS,
    AUDIENCES,
    Reminder,
    ReminderOptOut,
    ReminderRecipient,
)
from cohort.reminders.moments import kinds
from cohort.reminders.services.errors import ReminderError

__all__ = [
    "PLACEHOLDERS", "ReminderData", "add_reminder", "preview_reminder", "update_reminder",
    "cancel_reminder",
    "copy_default", "copy_of", "reminders_of",
    "set_reminders_off", "reminders_off",
    "due_at_of", "offset_from", "describe_when", "kind_of", "FILLABLE", "still_useful",
    "anchor_of",
]

PLACEHOLDERS = ("name", "session", "time", "join link", "session link", "moment", "link")
_PLACEHOLDER = re.compile(r"\(\(([^()]*)\)\)")
MAX_OFFSET = timedelta(days=365)


@dataclass
class ReminderData:
    """What a facilitator sets. `session_id` None with a session anchor is a default, which
    every new session receives."""

    anchor: str
    offset_minutes: int = 0
    session_id: int | None = None
    fixed_at: datetime | None = None
    moment_key: str | None = None
    audience: str = "everyone"
    chosen: list[int] = field(default_factory=list)  # membership ids, for "chosen"
    subject: str = ""
    body: str = ""
    essential: bool = False


def _check(cohort: Cohort, data: ReminderData) -> ProgrammeSession | None:
    """Raise ReminderError for settings that cannot stand; return the reminder's session."""
    if data.anchor not in ANCHORS:
        raise ReminderError("Choose when the reminder is sent", "anchor")
    if data.audience not in AUDIENCES:
        raise ReminderError("Choose who the reminder is for", "audience")
    if abs(data.offset_minutes) > MAX_OFFSET.total_seconds() // 60:
        raise ReminderError("Choose a time within a year of the session", "days")
    if not (data.subject or "").strip():
        raise ReminderError("Enter the subject of the reminder", "subject")
    if not (data.body or "").strip():
        raise ReminderError("Enter the text of the reminder", "body")
    unknown = sorted({name.strip() for name in _PLACEHOLDER.findall(data.subject + data.body)}
                     - set(PLACEHOLDERS))
    if unknown:
        allowed = ", ".join(f"(({name}))" for name in PLACEHOLDERS)
        raise ReminderError(f"(({unknown[0]})) is not a placeholder Cohort knows. Use {allowed}",
                            "body")
    if data.audience == "chosen":
        if not data.chosen:
            raise ReminderError("Choose at least one person", "chosen")
        members = set(db.session.execute(select(Membership.id).where(
            Membership.cohort_id == cohort.id, Membership.status == "active",
            Membership.id.in_(data.chosen))).scalars())
        if members != set(data.chosen):
            raise ReminderError("Choose people who are in this cohort", "chosen")
    session = None
    if data.anchor in ("session_start", "session_end") and data.session_id is not None:
        session = db.session.get(ProgrammeSession, data.session_id)
        if session is None or session.cohort_id != cohort.id:
            raise ReminderError("Choose a session of this cohort", "session")
        if session.is_cancelled:
            raise ReminderError("That session is cancelled: choose another", "session")
        base = anchor_of(data.anchor, session)
        due = offset_from(base, data.offset_minutes, cohort.timezone)
        if not still_useful(data.offset_minutes, due, utcnow(), base):
            raise ReminderError(
                f"A reminder at that time would have gone on "
                f"{format_local(due, cohort.timezone)}, too long ago to be sent: choose a "
                "session still to come, or a time still ahead", "session")
    if data.anchor == "fixed":
        if data.fixed_at is None:
            raise ReminderError("Enter the date and time to send it", "fixed_day")
        if data.fixed_at <= utcnow():
            raise ReminderError("Choose a time in the future", "fixed_day")
    if data.anchor == "moment" and data.moment_key not in kinds():
        raise ReminderError("Choose the moment the reminder is counted from", "moment_key")
    if data.anchor == "moment" and data.audience != "everyone":
        others = {"chosen": "chosen people", "participants": "the participants",
                  "colleagues": "the team members"}[data.audience]
        raise ReminderError(
            "A reminder of a moment goes to the people each moment concerns (an action "
            f"item's owner, say), not to {others}: choose "
            f"{AUDIENCES['everyone']}, which for a moment means them", "audience")
    _check_who_may_see(data, session)
    _check_placeholders(data, session)
    return session


def _check_who_may_see(data: ReminderData, session: ProgrammeSession | None) -> None:
    """A session reminder tells the session's title, time and joining link: refuse team
    members for a session they may not see (the sender skips any the session closes to
    later)."""
    if session is None or session.audience in visible_audiences("colleague"):
        return
    if data.audience == "colleagues":
        raise ReminderError(f"Team members cannot see {session.title}: it is for members "
                            "only. Choose members to send it to, or open the session to team "
                            "members first", "audience")
    if data.audience == "chosen":
        barred = db.session.execute(select(Membership).where(
            Membership.id.in_(data.chosen), Membership.role == "colleague")
            .order_by(Membership.id)).scalars().first()
        if barred is not None:
            raise ReminderError(
                f"{barred.user.name} is a team member, and {session.title} is for members "
                "only: they cannot see it. Choose members, or open the session to team "
                "members first", "chosen")


def kind_of(anchor: str, offset_minutes: int, session: ProgrammeSession | None) -> str:
    """Which placeholders a reminder can fill: "before" a session ends (its joining link still
    helps), "after" it, "fixed" or "moment"."""
    if anchor in ("fixed", "moment"):
        return anchor
    if anchor == "session_end":
        return "after" if offset_minutes >= 0 else "before"
    return "after" if session is not None and offset_minutes >= session.duration_minutes \
        else "before"


# What each kind of reminder can fill in, and how the refusal names the kind.
FILLABLE = {
    "before": (("name", "session", "time", "join link", "session link"), "a session reminder"),
    "after": (("name", "session", "time", "session link"),
              "a reminder after the session, when there is nothing left to join"),
    "fixed": (("name",), "a reminder at a date and time, which belongs to no session"),
    "moment": (("name", "moment", "time", "link"), "a reminder of a moment"),
}


def _check_placeholders(data: ReminderData, session: ProgrammeSession | None) -> None:
    fillable, label = FILLABLE[kind_of(data.anchor, data.offset_minutes, session)]
    for where in ("subject", "body"):
        for name in _PLACEHOLDER.findall(getattr(data, where)):
            if name.strip() not in fillable:
                allowed = ", ".join(f"(({n}))" for n in fillable)
                raise ReminderError(f"(({name.strip()})) cannot be filled in for {label}. "
                                    f"Use {allowed}", where)


def due_at_of(reminder: Reminder, session: ProgrammeSession | None = None) -> datetime | None:
    """When a session or fixed reminder falls due; None for a default or a moment reminder
    (each moment has its own time)."""
    if reminder.anchor == "fixed":
        return reminder.fixed_at
    session = session or reminder.session
    if session is None:
        return None
    base = session.starts_at if reminder.anchor == "session_start" else session.ends_at
    return offset_from(base, reminder.offset_minutes, session.cohort.timezone)


def anchor_of(anchor: str, session: ProgrammeSession | None) -> datetime | None:
    """The time a session reminder is counted from: the session's start or its end."""
    if session is None:
        return None
    return session.starts_at if anchor == "session_start" else session.ends_at


def still_useful(offset_minutes: int, due: datetime, now: datetime,
                 starts: datetime | None) -> bool:
    """Whether a reminder falling due at `due` is still worth sending at `now`: one before an
    event (`starts`: the session's start, or its end for one counted from the end) until
    then, one after it for REMINDER_GRACE. The sender sends by it, and
    a new reminder that would not be sent is refused by it."""
    if offset_minutes < 0 and starts is not None:
        return now < starts
    return now - due <= current_app.config["REMINDER_GRACE"]


def offset_from(base: datetime, offset_minutes: int, tz: str) -> datetime:
    """`base` moved by the offset: whole days in the cohort's wall-clock time (a reminder a
    week before a 10:00 session goes at 10:00 though the clocks change between), the hours
    left over as they pass."""
    days, minutes = divmod(abs(offset_minutes), 24 * 60)
    sign = -1 if offset_minutes < 0 else 1
    return shift_days(base, sign * days, tz) + timedelta(minutes=sign * minutes)


def _apply(reminder: Reminder, data: ReminderData, session) -> None:
    reminder.anchor, reminder.offset_minutes = data.anchor, data.offset_minutes
    reminder.fixed_at = data.fixed_at if data.anchor == "fixed" else None
    reminder.moment_key = data.moment_key if data.anchor == "moment" else None
    reminder.audience, reminder.essential = data.audience, data.essential
    reminder.subject, reminder.body = data.subject.strip(), data.body.strip()
    reminder.session_id = session.id if session is not None else None
    reminder.is_default = data.anchor in ("session_start", "session_end") and session is None
    _choose(reminder, data.chosen if data.audience == "chosen" else [])
    reminder.due_at = due_at_of(reminder, session)


def _choose(reminder: Reminder, chosen: list[int]) -> None:
    """Set the chosen people, each once: those still chosen keep their row, so no new row
    meets an old one for the same person (the unique constraint checks inserts first)."""
    wanted = list(dict.fromkeys(chosen))
    kept = [c for c in reminder.chosen if c.membership_id in wanted]
    have = {c.membership_id for c in kept}
    reminder.chosen = kept + [ReminderRecipient(membership_id=m) for m in wanted
                              if m not in have]


def add_reminder(acting, cohort: Cohort, data: ReminderData) -> Reminder:
    """Schedule a reminder. A default is also given to every session still to come."""
    ensure_changeable(cohort)
    session = _check(cohort, data)
    reminder = Reminder(cohort_id=cohort.id, created_by_id=getattr(acting, "id", None))
    _apply(reminder, data, session)
    db.session.add(reminder)
    db.session.flush()
    if reminder.is_default:
        for upcoming in db.session.execute(select(ProgrammeSession).where(
                ProgrammeSession.cohort_id == cohort.id, ProgrammeSession.status == "scheduled",
                ProgrammeSession.starts_at > utcnow())).scalars():
            copy_default(reminder, upcoming)
    record(acting, "reminder_added", subject=cohort.slug, detail=reminder.subject[:200],
           cohort=cohort)
    return reminder


def preview_reminder(cohort: Cohort, data: ReminderData) -> Reminder:
    """The reminder as it would be saved, not saved: for the form's preview (see
    previews.preview_of). Raises ReminderError as add_reminder does."""
    session = _check(cohort, data)
    draft = Reminder(cohort_id=cohort.id)
    _apply(draft, data, session)
    draft.cohort, draft.session = cohort, session
    return draft


def update_reminder(acting, reminder: Reminder, data: ReminderData,
                    seen_version: int | None = None) -> Reminder:
    """Change a reminder still waiting to be sent. Changing a default changes what sessions
    scheduled from now on receive; the reminders sessions already have keep their own."""
    ensure_changeable(reminder.cohort)
    check_version(reminder, seen_version)
    if reminder.status != "active":
        raise ReminderError("This reminder has been sent or cancelled: it cannot change")
    was_default = reminder.is_default
    session = _check(reminder.cohort, data)
    _apply(reminder, data, session)
    if was_default != reminder.is_default:
        raise ReminderError("A reminder for every session stays one: add a new reminder "
                            "for a single session", "session")
    db.session.flush()
    return reminder


def cancel_reminder(acting, reminder: Reminder) -> None:
    """Cancel a reminder not yet sent (a default: new sessions no longer receive it)."""
    ensure_changeable(reminder.cohort)
    if reminder.status != "active":
        raise ReminderError("This reminder has already been sent or cancelled")
    reminder.status = "cancelled"
    db.session.flush()


def copy_default(default: Reminder, session: ProgrammeSession) -> Reminder:
    """The session's own copy of a default (see copy_of)."""
    return copy_of(default, session, default_id=default.id)


def copy_of(template: Reminder, session: ProgrammeSession, **links) -> Reminder:
    """A reminder for the session with the template's settings (when, to whom, what), added
    to the database session: missed at once if its time has already passed ("in a week" for
    a session tomorrow would be untrue)."""
    copy = Reminder(cohort_id=template.cohort_id, session_id=session.id,
                    anchor=template.anchor, offset_minutes=template.offset_minutes,
                    audience=template.audience, subject=template.subject, body=template.body,
                    essential=template.essential, created_by_id=template.created_by_id,
                    chosen=[ReminderRecipient(membership_id=c.membership_id)
                            for c in template.chosen], **links)
    copy.due_at = due_at_of(copy, session)
    if copy.due_at <= utcnow():
        copy.status = "missed"  # sent_at stays None: missed when set, not by the sender
    db.session.add(copy)
    return copy


def reminders_of(cohort: Cohort) -> list[Reminder]:
    """The cohort's reminders: defaults first, then by when they are due."""
    return list(db.session.execute(_reminders_of(), {"cohort": cohort.id}).scalars())


@prepared
def _reminders_of():
    return (select(Reminder).where(Reminder.cohort_id == bindparam("cohort"))
            .options(joinedload(Reminder.session))  # a reminder's one session, in the same row
            .order_by(Reminder.is_default.desc(), Reminder.due_at.is_(None), Reminder.due_at,
                      Reminder.id))


def set_reminders_off(membership: Membership, off: bool) -> None:
    """Turn the member's optional reminders in this cohort off (or back on)."""
    existing = db.session.get(ReminderOptOut, membership.id)
    if off and existing is None:
        db.session.add(ReminderOptOut(membership_id=membership.id))
    elif not off and existing is not None:
        db.session.delete(existing)
    db.session.flush()


def reminders_off(membership: Membership) -> bool:
    return bool(reminders_off_among([membership]))


def reminders_off_among(memberships: list[Membership]) -> set[int]:
    """The ids of the memberships whose optional reminders are off: one query however many."""
    ids = [membership.id for membership in memberships]
    if not ids:
        return set()
    return set(db.session.execute(select(ReminderOptOut.membership_id).where(
        ReminderOptOut.membership_id.in_(ids))).scalars())


def describe_when(reminder: Reminder) -> str:
    """'7 days before the session starts', 'at 9:00am on 3 March 2027', ..."""
    if reminder.anchor == "fixed":
        return "at a fixed time"
    minutes = abs(reminder.offset_minutes)
    days, rest = divmod(minutes, 24 * 60)
    hours = rest // 60
    parts = [f"{days} day{'s' if days != 1 else ''}"] if days else []
    parts += [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
    amount = " and ".join(parts) or "right"
    side = "before" if reminder.offset_minutes < 0 else "after"
    if reminder.anchor == "moment":
        label = kinds().get(reminder.moment_key)
        what = label.label if label else reminder.moment_key
    else:
        what = "the session starts" if reminder.anchor == "session_start" else "the session ends"
    return f"{amount} {side} {what}" if parts else f"when {what}"
