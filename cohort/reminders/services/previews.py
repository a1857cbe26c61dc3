"""A reminder shown before it goes: the form's preview (when it will go out, to how many, and
the mail as the facilitator would receive it), a test sent to the facilitator alone, and the
title of its delivery log."""

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from cohort.cohorts.models import Membership
from cohort.core.mail import render_mail, send_mail
from cohort.core.models import MailMessage
from cohort.core.timeutil import format_local, utcnow
from cohort.extensions import db
from cohort.programme.models import ProgrammeSession
from cohort.reminders.models import Reminder
from cohort.reminders.services.rules import anchor_of, describe_when, due_at_of, still_useful
from cohort.reminders.services.sending import (
    TEMPLATE,
    _attachments,
    _mail_context,
    _opted_out,
    _skip_reason,
    _zone,
    recipients_for,
    render,
)

__all__ = ["Preview", "preview_of", "send_test", "title_of"]

_PLACEHOLDER = re.compile(r"\(\(([^()]*)\)\)")


def _example_session(reminder: Reminder) -> ProgrammeSession | None:
    """The reminder's session; for one every session receives, the next to come."""
    if reminder.session is not None or not reminder.is_default:
        return reminder.session
    return db.session.execute(select(ProgrammeSession).where(
        ProgrammeSession.cohort_id == reminder.cohort_id, ProgrammeSession.status == "scheduled",
        ProgrammeSession.starts_at > utcnow()).order_by(ProgrammeSession.starts_at)
    ).scalars().first()


def _going_out(reminder: Reminder, session: ProgrammeSession | None) -> datetime | None:
    """When the reminder goes out: its due time, or now if that has passed; None for a moment
    reminder or a default with no session to come."""
    due = reminder.fixed_at if reminder.anchor == "fixed" else (
        due_at_of(reminder, session) if session is not None else None)
    return max(due, utcnow()) if due is not None else None


def send_test(reminder: Reminder, member: Membership) -> MailMessage:
    """Send the reminder, as it will go out, to the facilitator alone (marked a test)."""
    session = _example_session(reminder)
    at = _going_out(reminder, session) or utcnow()
    context = _mail_context(reminder, member, session, None, at)
    context["subject"], context["body"] = map(_in_words, (context["subject"], context["body"]))
    context["subject"] = f"[Test] {context['subject']}"
    return send_mail(member.user.email, TEMPLATE, attachments=_attachments(session, at),
                     **context)


@dataclass(frozen=True)
class Preview:
    subject: str
    body: str  # the whole text, as the mail has it
    summary: str  # when it goes out, and to how many people


def preview_of(draft: Reminder, member: Membership) -> Preview:
    """The reminder as `member` would receive it, when it will go out and to how many people;
    sends and saves nothing. One every session receives is shown with the next session."""
    session = _example_session(draft)
    at = _going_out(draft, session)
    context = _mail_context(draft, member, session, None, at or utcnow())
    context["subject"], context["body"] = map(_in_words, (context["subject"], context["body"]))
    subject, body = render_mail(TEMPLATE, **context)
    return Preview(subject, body, _summary(draft, member, session, at))


def _summary(draft: Reminder, member: Membership, session: ProgrammeSession | None,
             at: datetime | None) -> str:
    if draft.anchor == "moment":
        return (f"It will go out {describe_when(draft)}, each time, to the people concerned.")
    if at is None:
        return f"It will go out {describe_when(draft)}, once a session is scheduled."
    zone_name = _zone(member)
    if draft.is_default and at <= utcnow():
        return (f"It is too late for the next session, {session.title}: its copy will be "
                "marked missed, not sent. Sessions further ahead, and those scheduled later, "
                f"receive it {describe_when(draft)}.")
    if at > utcnow():
        when = f"It will go out at {format_local(at, zone_name)}"
    elif still_useful(draft.offset_minutes, at, utcnow(), anchor_of(draft.anchor, session)):
        when = "Its time has passed: it will go out as soon as it is saved"
    else:
        return "Its time has passed and its session has started: it would not be sent."
    if draft.is_default:
        when += f" for the next session, {session.title},"
    opted_out = _opted_out(draft.cohort_id)
    recipients = recipients_for(draft, session)
    reached = [m for m in recipients if _skip_reason(draft, m, opted_out, session) is None]
    people = f"{len(reached)} {'person' if len(reached) == 1 else 'people'}"
    left_out = len(recipients) - len(reached)
    if left_out:
        people += (f" ({left_out} more {'is' if left_out == 1 else 'are'} left out: they "
                   "turned optional reminders off, have left, or may not see the session)")
    return f"{when} to {people}."


# What a placeholder stands for where no one session or moment fills it in.
_IN_WORDS = {"session": "each session", "time": "its time", "moment": "each moment",
             "join link": "the joining link", "session link": "the session's page",
             "link": "its page"}


def title_of(reminder: Reminder, member: Membership) -> str:
    """The reminder's subject as its log shows it: filled in as `member` received it, and any
    placeholder no session or moment fills in put in words."""
    return _in_words(render(reminder, member, reminder.session, None, reminder.due_at)[0])


def _in_words(text: str) -> str:
    return _PLACEHOLDER.sub(lambda m: _IN_WORDS.get(m.group(1).strip(), m.group(0)), text)

