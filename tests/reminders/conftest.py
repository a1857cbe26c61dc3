"""A running cohort with a facilitator, two participants (one in New York) and a team
member, and helpers to read the reminders they receive."""

import smtplib
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from cohort import modules
from cohort.core import outbox as core_outbox
from cohort.core.database import commit
from cohort.core.timeutil import utcnow
from cohort.extensions import db
from cohort.programme import services as programme
from cohort.programme.services import SessionData
from cohort.reminders import services
from cohort.reminders.models import Delivery, Reminder
from cohort.reminders.moments import MomentKind
from cohort.reminders.services import ReminderData


@dataclass
class Group:
    cohort: Any
    facilitator: Any  # Membership
    pat: Any  # Membership: a participant in London
    ny: Any  # Membership: a participant whose own zone is America/New_York
    colleague: Any  # Membership: a team member


@pytest.fixture
def offer_moment(monkeypatch):
    """offer(key, label, moments): a kind of moment for one test, declared as a module's
    moments.py declares one, so the registry finds it beside the modules' own."""
    offered: list[MomentKind] = []
    declared = modules.parts

    def parts(name: str):
        found = declared(name)
        return [*found, ("test", SimpleNamespace(MOMENTS=offered))] if name == "moments" else found

    monkeypatch.setattr(modules, "parts", parts)
    return lambda key, label, moments: offered.append(MomentKind(key, label, moments))


@pytest.fixture
def group(make_cohort, make_member, make_holder, make_user) -> Group:
    cohort = make_cohort("Data maturity 2026")
    abroad = make_user("nia@example.org", "Nia York")
    abroad.timezone = "America/New_York"
    commit()
    return Group(
        cohort,
        make_member(cohort, "facilitator", user=make_user("fay@example.org", "Fay Facilitator")),
        make_holder(cohort, user=make_user("pat@example.org", "Pat Participant")),
        make_holder(cohort, user=abroad),
        make_member(cohort, "colleague", user=make_user("cal@example.org", "Cal Colleague")),
    )


class _Refused(smtplib.SMTPResponseException):
    def __str__(self) -> str:
        return f"{self.smtp_code} {self.smtp_error}"


@dataclass
class MailServer:
    refused: set[str]  # refused for good (550)
    deferred: set[str]  # refused for now (451): the dispatcher tries again later


@pytest.fixture
def mail_server(monkeypatch) -> MailServer:
    """The mail server's answers as the dispatcher meets them: add an address to a set to
    have it refused, remove it to have it accepted again."""
    server = MailServer(set(), set())
    send = core_outbox.Transport.send

    def _send(transport, message, data):
        if message.recipient in server.refused:
            raise _Refused(550, "5.1.1 Mailbox unavailable")
        if message.recipient in server.deferred:
            raise _Refused(451, "4.3.0 Try again later")
        return send(transport, message, data)

    monkeypatch.setattr(core_outbox.Transport, "send", _send)
    return server


@pytest.fixture
def refusing(mail_server) -> set[str]:
    """The addresses the mail server refuses for good (550)."""
    return mail_server.refused


def remind(group: Group, **fields) -> Reminder:
    """Add a reminder as the facilitator (1 day before the given session, to everyone)."""
    fields.setdefault("anchor", "session_start")
    fields.setdefault("offset_minutes", -24 * 60)
    fields.setdefault("subject", "Reminder: ((session)) on ((time))")
    fields.setdefault("body", "Hello ((name)), join at ((join link)).")
    reminder = services.add_reminder(group.facilitator.user, group.cohort, ReminderData(**fields))
    commit()
    return reminder


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def calendar_of(message) -> str:
    parts = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1, "the message carries one calendar entry"
    content = parts[0].get_content()
    return content.decode() if isinstance(content, bytes) else content


def by_recipient(outbox) -> dict[str, Any]:
    return {message["To"]: message for message in outbox}


def deliveries() -> list[Delivery]:
    db.session.rollback()
    return list(db.session.execute(select(Delivery).order_by(Delivery.id)).scalars())


def fresh(reminder: Reminder) -> Reminder:
    db.session.rollback()
    return db.session.get(Reminder, reminder.id)


def days_from(at: datetime, days: int, tz: str = "Europe/London") -> datetime:
    """The same wall-clock time in the zone `days` days away, as a person counts days (the
    hours between differ by one across a change of the clocks)."""
    local = at.astimezone(ZoneInfo(tz)).replace(tzinfo=None) + timedelta(days=days)
    return local.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)


def after_next_clock_change(tz: str, days_after: int, clock: time) -> datetime:
    """A wall-clock time in the zone `days_after` days after its clocks next change."""
    day = utcnow().astimezone(ZoneInfo(tz)).date() + timedelta(days=1)
    while True:
        before, after = (datetime.combine(d, time(12), tzinfo=ZoneInfo(tz))
                         for d in (day, day + timedelta(days=1)))
        if before.utcoffset() != after.utcoffset():
            return datetime.combine(day + timedelta(days=days_after), clock,
                                    tzinfo=ZoneInfo(tz))
        day += timedelta(days=1)


def reschedule(session, starts_at=None, duration_minutes=None) -> None:
    """The facilitator moves the session (to `starts_at`) or changes its length (committed)."""
    session = programme.get_session(session.cohort, session.id)
    programme.update_session(None, session, replace(SessionData(
        title=session.title, kind=session.kind, starts_at=starts_at or session.starts_at,
        duration_minutes=duration_minutes or session.duration_minutes)))
    commit()
