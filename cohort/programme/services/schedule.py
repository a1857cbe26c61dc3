"""The programme's schedule: sessions scheduled in a named zone, edited and cancelled; the
programme's objectives; what a member sees (the timeline)."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.orm import selectinload

from cohort.cohorts.services import ensure_changeable
from cohort.core import timeutil
from cohort.core.audit import record
from cohort.core.database import kept, prepared
from cohort.core.errors import check_version
from cohort.core.forms import is_web_link
from cohort.core.timeutil import is_known_zone, utcnow, zone
from cohort.extensions import db
from cohort.programme import signals
from cohort.programme.models import (
    AUDIENCES,
    SESSION_KINDS,
    LearningObjective,
    Material,
    ProgrammeObjective,
    ProgrammeSession,
    visible_audiences,
)
from cohort.programme.services.errors import ProgrammeError

__all__ = [
    "parse_clock", "local_to_utc", "SessionData", "add_session", "update_session",
    "cancel_session", "set_programme_objectives", "programme_objectives", "sessions_for",
    "Timeline", "timeline", "next_sessions",
    "session_count", "get_session",
]

# Times in a named zone ---------------------------------------------------------------------

_CLOCK = re.compile(r"([0-9]{1,2})[:.]([0-9]{2})")  # ASCII digits, as the date boxes take
_OTHER_DIGITS = re.compile(r"(\d{1,2})[:.](\d{2})")  # \d: any script's digits ('٠٩', '０９')


def parse_clock(text: str, what: str = "start time") -> time:
    """'9:30' or '14:00', in the digits 0 to 9, as a time; raise ProgrammeError (naming the
    field as `what`) for anything else."""
    text = (text or "").strip()
    match = _CLOCK.fullmatch(text)
    if match is None and _OTHER_DIGITS.fullmatch(text):
        raise ProgrammeError(f"Enter the {what} with the digits 0 to 9, like 09:30 or 14:00",
                             "start_time")
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ProgrammeError(f"Enter a {what} in 24-hour form, like 09:30 or 14:00", "start_time")
    return time(int(match.group(1)), int(match.group(2)))


def local_to_utc(day: date, clock: time, tz_name: str) -> datetime:
    """The UTC instant a session starts, typed as a wall-clock time in a zone, by core's one
    daylight-saving policy: a time the clocks skip is refused; one that happens twice is the
    earlier."""
    if not tz_name or not is_known_zone(tz_name):
        raise ProgrammeError("Choose a time zone from the list, like Europe/London", "timezone")
    try:
        return timeutil.local_to_utc(datetime.combine(day, clock), tz_name)
    except timeutil.NonexistentTime as gap:
        raise ProgrammeError(str(gap), "start_time") from None


# Sessions -----------------------------------------------------------------------------------


@dataclass
class SessionData:
    title: str
    kind: str
    starts_at: datetime
    duration_minutes: int
    timezone: str = "Europe/London"
    topics: list[str] = field(default_factory=list)
    objectives: list[str] = field(default_factory=list)
    join_url: str | None = None
    join_notes: str | None = None
    audience: str = "members"
    description: str | None = None
    facilitator_notes: str | None = None


def _lines(text) -> list[str]:
    if isinstance(text, list | tuple):
        return [str(t).strip() for t in text if str(t).strip()]
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _validate(data: SessionData) -> None:
    if not (data.title or "").strip():
        raise ProgrammeError("Enter the session's title", "title")
    if data.kind not in SESSION_KINDS:
        raise ProgrammeError("Choose the kind of session", "kind")
    if data.audience not in AUDIENCES:
        raise ProgrammeError("Choose who the session is for", "audience")
    if not is_known_zone(data.timezone or ""):
        raise ProgrammeError("Choose a time zone from the list, like Europe/London", "timezone")
    if data.duration_minutes is None or data.duration_minutes <= 0:
        raise ProgrammeError("The session must end after it starts: enter a length in minutes",
                             "duration_minutes")
    if data.duration_minutes > 12 * 60:
        raise ProgrammeError("Enter a length of 12 hours (720 minutes) or less", "duration_minutes")
    if data.join_url and not is_web_link(data.join_url):
        raise ProgrammeError("Enter a joining link that starts with https:// or http://",
                             "join_url")
    if any(len(line) > 500 for line in data.objectives):
        raise ProgrammeError("Keep each learning objective to 500 characters or fewer", "objectives")


def _check_within_dates(cohort, data: SessionData, outside_dates_ok: bool) -> None:
    """A session outside the cohort's dates is most likely a typing slip: ask first."""
    if outside_dates_ok or not (cohort.starts_on and cohort.ends_on):
        return
    day = data.starts_at.astimezone(zone(data.timezone)).date()
    if not cohort.starts_on <= day <= cohort.ends_on:
        raise ProgrammeError(
            f"{day.day} {day:%B %Y} is outside the cohort's dates ({cohort.starts_on.day} "
            f"{cohort.starts_on:%B %Y} to {cohort.ends_on.day} {cohort.ends_on:%B %Y}). Check "
            "the date, or confirm below that the session is meant to be then", "confirm_dates")


def add_session(acting, cohort, title: str, kind: str, starts_at, duration_minutes: int,
                timezone: str = "Europe/London", topics: list[str] | None = None,
                objectives: list[str] | None = None, outside_dates_ok: bool = False,
                **fields) -> ProgrammeSession:
    """Schedule a session with its topics and learning objectives in order. A date outside
    the cohort's raises ProgrammeError unless `outside_dates_ok`."""
    ensure_changeable(cohort)
    data = SessionData(title=title, kind=kind, starts_at=starts_at,
                       duration_minutes=duration_minutes, timezone=timezone,
                       topics=_lines(topics), objectives=_lines(objectives), **fields)
    _validate(data)
    _check_within_dates(cohort, data, outside_dates_ok)
    session = ProgrammeSession(
        cohort_id=cohort.id, title=data.title.strip(), kind=data.kind, starts_at=data.starts_at,
        duration_minutes=data.duration_minutes, timezone=data.timezone,
        topics="\n".join(data.topics), join_url=(data.join_url or "").strip() or None,
        join_notes=data.join_notes, audience=data.audience, description=data.description,
        facilitator_notes=data.facilitator_notes,
    )
    session.objectives = [
        LearningObjective(position=i, text=text) for i, text in enumerate(data.objectives, 1)
    ]
    db.session.add(session)
    db.session.flush()
    record(acting, "session_created", subject=session.uid, cohort=session.cohort_id)
    signals.session_scheduled.send(session, acting=acting)
    return session


def update_session(acting, session: ProgrammeSession, data: SessionData,
                   expected_version: int | None = None,
                   outside_dates_ok: bool = False) -> ProgrammeSession:
    """Change a session (a new start reschedules it); each change raises its SEQUENCE.

    Objectives keep their identity by position, so ratings already given stay attached.
    Raises ChangedMeanwhile when `expected_version` (the version the editor loaded) is stale.
    Sends session_changed (with `moved` when its time or length changed).
    """
    ensure_changeable(session.cohort)
    if session.is_cancelled:
        raise ProgrammeError("This session has been cancelled: it cannot be edited")
    check_version(session, expected_version)
    moved = (data.starts_at, data.duration_minutes) != (session.starts_at, session.duration_minutes)
    data.topics, data.objectives = _lines(data.topics), _lines(data.objectives)
    _validate(data)
    _check_within_dates(session.cohort, data, outside_dates_ok)
    session.title, session.kind = data.title.strip(), data.kind
    session.starts_at, session.duration_minutes = data.starts_at, data.duration_minutes
    session.timezone, session.topics = data.timezone, "\n".join(data.topics)
    session.join_url = (data.join_url or "").strip() or None
    session.join_notes, session.audience = data.join_notes, data.audience
    session.description, session.facilitator_notes = data.description, data.facilitator_notes
    existing = {o.position: o for o in session.objectives}
    for position, text in enumerate(data.objectives, 1):
        if position in existing:
            existing[position].text = text
        else:
            session.objectives.append(LearningObjective(position=position, text=text))
    for position, objective in existing.items():
        if position > len(data.objectives):
            session.objectives.remove(objective)
    session.sequence += 1
    session.updated_at = utcnow()
    db.session.flush()
    record(acting, "session_updated", subject=session.uid, cohort=session.cohort_id)
    signals.session_changed.send(session, acting=acting, moved=moved)
    return session


def cancel_session(acting, session: ProgrammeSession) -> ProgrammeSession:
    ensure_changeable(session.cohort)
    if session.is_cancelled:
        raise ProgrammeError("This session has already been cancelled")
    session.status, session.sequence, session.updated_at = "cancelled", session.sequence + 1, utcnow()
    db.session.flush()
    record(acting, "session_cancelled", subject=session.uid, cohort=session.cohort_id)
    signals.session_cancelled.send(session, acting=acting)
    return session


def set_programme_objectives(acting, cohort, text, remove_all: bool = False
                             ) -> list[ProgrammeObjective]:
    """Replace the programme's objectives with one a line. Saving none when there are some
    removes them only with `remove_all` (the person confirmed it); else raises ProgrammeError."""
    ensure_changeable(cohort)
    lines = _lines(text)
    if any(len(line) > 500 for line in lines):
        raise ProgrammeError("Keep each objective to 500 characters or fewer", "objectives")
    existing = programme_objectives(cohort)
    if not lines and existing and not remove_all:
        raise ProgrammeError(
            f"The box is empty: saving it would remove all {len(existing)} objectives. Enter "
            "the objectives, or confirm below that you want to remove them all", "remove_all")
    for old in existing:
        db.session.delete(old)
    db.session.flush()
    rows = [ProgrammeObjective(cohort_id=cohort.id, position=i, text=t) for i, t in enumerate(lines, 1)]
    db.session.add_all(rows)
    db.session.flush()
    return rows


@prepared
def _programme_objectives():
    return (select(ProgrammeObjective)
            .where(ProgrammeObjective.cohort_id == bindparam("cohort"))
            .order_by(ProgrammeObjective.position))


def programme_objectives(cohort) -> list[ProgrammeObjective]:
    return list(db.session.execute(_programme_objectives(), {"cohort": cohort.id}).scalars())


# What a member sees ---------------------------------------------------------------------------


def sessions_for(cohort, role: str | None = None) -> list[ProgrammeSession]:
    """Every session the role may see, in time order, with its objectives (a second query)."""
    return sessions_of([cohort.id], role)


def sessions_of(cohort_ids: list[int], role: str | None = None) -> list[ProgrammeSession]:
    """Every session of the cohorts the role may see, in time order, with their objectives:
    two queries however many cohorts."""
    return list(db.session.execute(_sessions_of(), {
        "cohorts": list(cohort_ids), "audiences": list(visible_audiences(role))}).scalars())


@prepared
def _sessions_of():
    return (select(ProgrammeSession)
            .where(ProgrammeSession.cohort_id.in_(bindparam("cohorts", expanding=True)),
                   ProgrammeSession.audience.in_(bindparam("audiences", expanding=True)))
            .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
            .options(selectinload(ProgrammeSession.objectives)))


@dataclass
class Timeline:
    next: ProgrammeSession | None
    upcoming: list[ProgrammeSession]
    past: list[ProgrammeSession]


def timeline(cohort, role: str | None, now: datetime | None = None) -> Timeline:
    """Past sessions (newest first) and upcoming ones; the next is the first not yet ended."""
    now = now or utcnow()
    sessions = sessions_for(cohort, role)
    upcoming = [s for s in sessions if s.ends_at > now]
    past = [s for s in sessions if s.ends_at <= now][::-1]
    live = [s for s in upcoming if not s.is_cancelled]
    return Timeline(next=live[0] if live else None, upcoming=upcoming, past=past)


def next_sessions(cohort_ids: list[int], roles: dict[int, str] | None = None
                  ) -> dict[int, ProgrammeSession]:
    """The next scheduled session of each cohort, in one query; with `roles` (the person's
    role in each cohort), the next one each role may see (a team member: those open to
    colleagues)."""
    upcoming: dict[int, ProgrammeSession] = {}
    for session, _has_materials in scheduled_ahead(cohort_ids, utcnow()):
        if roles is not None and session.audience not in visible_audiences(
                roles.get(session.cohort_id)):
            continue
        upcoming.setdefault(session.cohort_id, session)
    return upcoming


def scheduled_ahead(cohort_ids: list[int], now: datetime) -> list[tuple[ProgrammeSession, bool]]:
    """(session, whether it has materials) for each scheduled session of the cohorts starting
    at `now` or later, soonest first: one query, kept for the rest of the transaction (the
    home asks for the next sessions and for the sessions of its to-dos)."""
    if not cohort_ids:
        return []
    asked = tuple(sorted(set(cohort_ids)))
    known = kept("programme.scheduled_ahead")
    if asked not in known or known[asked][0] > now:
        known[asked] = (now, db.session.execute(
            _scheduled_ahead(), {"cohorts": list(asked), "now": now}).all())
    return [(session, has_materials) for session, has_materials in known[asked][1]
            if session.starts_at >= now]


@prepared
def _scheduled_ahead():
    has_materials = exists().where(Material.session_id == ProgrammeSession.id)
    return (select(ProgrammeSession, has_materials)
            .where(ProgrammeSession.cohort_id.in_(bindparam("cohorts", expanding=True)),
                   ProgrammeSession.status == "scheduled",
                   ProgrammeSession.starts_at >= bindparam("now"))
            .order_by(ProgrammeSession.starts_at, ProgrammeSession.id))


def session_count(cohort) -> int:
    return db.session.execute(_session_count(), {"cohort": cohort.id}).scalar_one()


@prepared
def _session_count():
    return select(func.count(ProgrammeSession.id)).where(
        ProgrammeSession.cohort_id == bindparam("cohort"))


def get_session(cohort, session_id: int) -> ProgrammeSession | None:
    """The cohort's session with its objectives and materials; None for another cohort's."""
    return db.session.execute(
        select(ProgrammeSession)
        .where(ProgrammeSession.id == session_id, ProgrammeSession.cohort_id == cohort.id)
        .options(selectinload(ProgrammeSession.objectives), selectinload(ProgrammeSession.materials))
    ).scalar_one_or_none()
