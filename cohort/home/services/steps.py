"""What each member should do next, by their role and the cohort's state."""

from dataclasses import dataclass

from cohort.cohorts.models import Membership


@dataclass(frozen=True)
class NextStep:
    """Either a session to join or prepare for (`verb` and `session`), or a `message`."""

    verb: str | None = None
    session: object | None = None
    message: str | None = None


def next_step(membership: Membership, next_session) -> NextStep:
    """The next step shown on the home page for one membership."""
    role, status = membership.role, membership.cohort.status
    if next_session is not None:
        return NextStep(verb="Prepare for" if role == "facilitator" else "Join",
                        session=next_session)
    if status == "finished":
        if role == "evaluator":
            return NextStep(message="The programme has finished: review what it achieved.")
        return NextStep(message="The programme has finished. Look back over its sessions and "
                                "what you learned.")
    if status in ("draft", "recruiting"):
        if role == "facilitator":
            return NextStep(message="Plan the programme and finish recruiting.")
        return NextStep(message="The programme has not started yet. Read the ground rules "
                                "before the first session.")
    return NextStep(message="No session is scheduled yet.")


def counts_by_role(members: list[Membership]) -> list[tuple[str, int]]:
    """How many members hold each role, in the order roles first appear: what a site admin who
    is no member sees of a cohort's people."""
    counts: dict[str, int] = {}
    for member in members:
        counts[member.role_label] = counts.get(member.role_label, 0) + 1
    return list(counts.items())


def live_todos(memberships: list[Membership], todos: dict[int, list]) -> dict[int, list]:
    """The to-dos of each cohort the person is in; a finished cohort's are quiet."""
    return {m.cohort_id: todos.get(m.cohort_id, []) for m in memberships
            if m.cohort.status != "finished"}
