"""Who may see which sessions. Running the programme is the cohort's facilitators'
(cohorts.permissions.can_facilitate); rating sessions is for those who take part (takes_part)."""

from datetime import datetime

from cohort.cohorts.permissions import role_in
from cohort.core.timeutil import utcnow
from cohort.programme.models import AUDIENCES

__all__ = ["can_view_session", "can_see_join_link"]


def visible_audiences(role: str | None) -> tuple[str, ...]:
    """Team members see the sessions open to colleagues; everyone else who may see the cohort
    sees them all."""
    if role == "colleague":
        return ("members_and_colleagues",)
    return tuple(AUDIENCES)


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
