"""Who may see which sessions. Running the programme is the cohort's facilitators'
(cohorts.permissions.can_facilitate); rating sessions is for those who take part (takes_part)."""

from datetime import datetime

from cohort.cohorts.permissions import role_in
from cohort.core.guard import Loader
from cohort.core.timeutil import utcnow
from cohort.programme.models import visible_audiences
from cohort.programme.services import get_material, get_session

__all__ = ["can_view_session", "can_see_join_link"]


def can_view_session(user, session) -> bool:
    return session.audience in visible_audiences(role_in(user, session.cohort))


def shows_join_link(role: str | None, session, now: datetime | None = None) -> bool:
    """The one rule for the joining link, on the session page and in reminders alike: a
    facilitator sees it whenever it is set (they set it); a member who may see the session sees
    it as soon as it is set, as a meeting invitation carries it, until the session ends, and
    not once the session is cancelled. Someone with no role in the cohort never does."""
    if not session.join_url or role is None or session.audience not in visible_audiences(role):
        return False
    if role == "facilitator":
        return True
    return not session.is_cancelled and (now or utcnow()) < session.ends_at


def can_see_join_link(user, session, now: datetime | None = None) -> bool:
    return shows_join_link(role_in(user, session.cohort), session, now)


def find_session(user, session_id: int, cohort):
    """The cohort's session with its objectives and materials; a session whose audience does
    not include the user is not shown to exist."""
    session = get_session(cohort, session_id)
    return session if session is not None and can_view_session(user, session) else None


LOADERS = (
    Loader("session_id", "session", find_session, parent="cohort"),
    Loader("material_id", "material", lambda _user, material_id, session: get_material(
        session, material_id), parent="session"),
)
