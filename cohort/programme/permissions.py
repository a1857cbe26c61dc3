"""Who may see which sessions. Running the programme is the cohort's facilitators'
(cohorts.permissions.can_facilitate); rating sessions is for those who take part (takes_part)."""

from cohort.cohorts.permissions import role_in
from cohort.programme.models import AUDIENCES

__all__ = ["can_view_session"]


def visible_audiences(role: str | None) -> tuple[str, ...]:
    """Team members see the sessions open to colleagues; everyone else who may see the cohort
    sees them all."""
    if role == "colleague":
        return ("members_and_colleagues",)
    return tuple(AUDIENCES)


def can_view_session(user, session) -> bool:
    return session.audience in visible_audiences(role_in(user, session.cohort))
