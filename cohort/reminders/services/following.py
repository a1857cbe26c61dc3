"""A session's reminders kept in step with it: a new session receives its cohort's defaults,
a moved one takes its waiting reminders along (and schedules again, for a later time, those
that went already), a cancelled one cancels them. Called by the receivers of the programme's
signals (services/notices.py)."""

from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import aliased

from cohort.core.timeutil import utcnow
from cohort.extensions import db
from cohort.programme.models import ProgrammeSession
from cohort.reminders.models import Reminder
from cohort.reminders.services.rules import copy_default, copy_of, due_at_of

__all__ = ["apply_defaults", "follow_session", "cancel_with_session"]


def apply_defaults(session: ProgrammeSession) -> list[Reminder]:
    """Give a new session its cohort's default reminders."""
    defaults = db.session.execute(select(Reminder).where(
        Reminder.cohort_id == session.cohort_id, Reminder.is_default.is_(True),
        Reminder.status == "active")).scalars().all()
    copies = [copy_default(default, session) for default in defaults]
    db.session.flush()
    return copies


def _waiting(session: ProgrammeSession) -> list[Reminder]:
    return list(db.session.execute(select(Reminder).where(
        Reminder.session_id == session.id, Reminder.status == "active")).scalars())


def follow_session(session: ProgrammeSession) -> None:
    """A session moved: its reminders still to send move with it. One whose new time has
    already passed is missed (not sent late, saying what is no longer true); one missed only
    because of where the session was waits again if its new time is ahead."""
    now = utcnow()
    for reminder in db.session.execute(select(Reminder).where(
            Reminder.session_id == session.id,
            (Reminder.status == "active")
            | ((Reminder.status == "missed") & Reminder.sent_at.is_(None)))).scalars():
        due = due_at_of(reminder, session)
        if reminder.status == "active" and due == reminder.due_at:
            continue  # its time did not move (the session's length did): the sender decides
        reminder.due_at = due
        reminder.status = "active" if due > now else "missed"
    _schedule_again(session, now)
    db.session.flush()


def _schedule_again(session: ProgrammeSession, now: datetime) -> None:
    """Each reminder that went (or was missed by the sender) for the session's old time, and
    whose time for the new one is still ahead, scheduled again for it with the same settings:
    once (a unique link to the one it repeats); the new one then follows the session."""
    repeated = aliased(Reminder)
    done = db.session.execute(select(Reminder).where(
        Reminder.session_id == session.id, Reminder.status.in_(("sent", "missed")),
        Reminder.sent_at.is_not(None),
        ~exists().where(repeated.again_of_id == Reminder.id)).order_by(Reminder.id)).scalars()
    for reminder in list(done):
        if due_at_of(reminder, session) > now:
            copy_of(reminder, session, default_id=reminder.default_id, again_of_id=reminder.id)


def cancel_with_session(session: ProgrammeSession) -> None:
    """A session cancelled: its reminders still to send are cancelled."""
    for reminder in _waiting(session):
        reminder.status = "cancelled"
    db.session.flush()
