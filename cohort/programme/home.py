"""What needs the person in the programme, for the home page and the cohort's overview (see
core/cards.py): to a facilitator, what is not ready for the next session; to a participant or
a team member, the next session they may see, to join."""

from datetime import timedelta

from flask import url_for

from cohort.core.cards import SOON, Todo
from cohort.core.timeutil import format_local, utcnow, zone_for
from cohort.programme.models import visible_audiences
from cohort.programme.permissions import shows_join_link
from cohort.programme.services.schedule import scheduled_ahead

AHEAD_DAYS = 14  # the next session is a to-do from this many days before it
ROLES = ("facilitator", "participant", "colleague")


def _upcoming(cohort_ids: list[int], now):
    """(session, has materials) of each scheduled session of the cohorts in the next days,
    soonest first (the query the home's next sessions run too)."""
    until = now + timedelta(days=AHEAD_DAYS)
    return [(session, has_materials) for session, has_materials in
            scheduled_ahead(cohort_ids, now) if session.starts_at < until]


def _not_ready(session, has_materials: bool) -> list[str]:
    missing = []
    if not session.join_url:
        missing.append("no joining link")
    if not has_materials:
        missing.append("no materials")
    return missing


def _todo(role: str, session, has_materials: bool, now, tz: str) -> Todo | None:
    page = url_for("programme.session", cohort_id=session.cohort_id, session_id=session.id)
    when = f"{session.title} on {format_local(session.starts_at, tz)}"
    if role == "facilitator":
        missing = _not_ready(session, has_materials)
        if not missing:
            return None
        return Todo(session.cohort_id, "next_session_not_ready",
                    f"{when} has {' and '.join(missing)} yet", page, len(missing), SOON)
    if shows_join_link(role, session, now):
        return Todo(session.cohort_id, "next_session", f"Join {when}", page, None, SOON)
    return Todo(session.cohort_id, "next_session", f"Next session: {when}", page, None, SOON)


def todos(user, memberships: list) -> list[Todo]:
    """The next session of each cohort the person facilitates, takes part in or is on a team
    of, among those their role may see: one query for all of them."""
    roles = {m.cohort_id: m.role for m in memberships if m.role in ROLES}
    if not roles:
        return []
    now, tz = utcnow(), zone_for(user)
    found: dict[int, Todo | None] = {}
    for session, has_materials in _upcoming(list(roles), now):
        role = roles[session.cohort_id]
        if session.cohort_id in found or session.audience not in visible_audiences(role):
            continue
        found[session.cohort_id] = _todo(role, session, has_materials, now, tz)
    return [todo for todo in found.values() if todo is not None]
