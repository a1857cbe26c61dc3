"""People to talk to: for a participant or team member, up to LIMIT members of each of their
cohorts they might talk to, each with the reasons in words, the strongest first.

The reasons come from the modules that own the data (each one's home.py `reasons`, read through
cohort/modules.py), and each is drawn only from what the person may see: their own place's
plan, the plans other places share with the cohort, the board as its members see it, the
member list. Who may be suggested: the cohort's current participants and approved team members
who have not turned suggestions about themselves off; never the person, nor the people on their
own place (their team knows them), nor anyone of another cohort. Someone is ranked by their
strongest reason, then by all their reasons together; a place's holder comes before its team
members when they are level. A fixed number of queries however many cohorts, members, posts
and items there are."""

from dataclasses import dataclass

from cohort import modules
from cohort.cohorts.models import Membership
from cohort.core.cards import Reason

LIMIT = 5  # people suggested in a cohort (the home page shows the first HOME_LIMIT)
HOME_LIMIT = 3
REASONS_SHOWN = 3  # reasons given for each person, the strongest
PLACE_ROLES = ("participant", "colleague")


@dataclass(frozen=True)
class Suggestion:
    member: Membership
    reasons: list[Reason]  # the strongest REASONS_SHOWN, strongest first
    score: tuple  # for ranking: the strongest reason's strength, then all of them together


def asking(memberships: list[Membership]) -> list[Membership]:
    """The memberships in which the person is shown people to talk to: where they are on a
    place (the staff follow every place already)."""
    return [m for m in memberships if m is not None and m.is_current and m.role in PLACE_ROLES]


def _others(user, mine: dict[int, Membership], people: list[Membership]) -> list[Membership]:
    return [p for p in people if p.cohort_id in mine and p.user_id != user.id and p.suggest_me
            and p.is_current and p.role in PLACE_ROLES
            and (p.place_id is None or p.place_id != mine[p.cohort_id].place_id)]


def _ranked(found: dict[int, list[Reason]], others: list[Membership]) -> list[Suggestion]:
    suggested = []
    for other in others:
        reasons = sorted(found.get(other.id, ()), key=lambda reason: -reason.strength)
        if reasons:
            suggested.append(Suggestion(other, reasons[:REASONS_SHOWN], (
                reasons[0].strength, sum(reason.strength for reason in reasons))))
    return sorted(suggested, key=lambda s: (-s.score[0], -s.score[1], s.member.role != "participant",
                                            s.member.user.name.casefold(), s.member.id))


def suggestions(user, memberships: list[Membership],
                people: list[Membership]) -> dict[int, list[Suggestion]]:
    """{cohort id: up to LIMIT suggestions} for the person's memberships on a place, from
    `people`, the current members of those cohorts (cohorts.services.people_in)."""
    mine = {m.cohort_id: m for m in asking(memberships)}
    others = _others(user, mine, people)
    if not others:
        return {}
    found = modules.people_reasons(user, list(mine.values()), others)
    by_cohort: dict[int, list[Suggestion]] = {}
    for suggestion in _ranked(found, others):
        shown = by_cohort.setdefault(suggestion.member.cohort_id, [])
        if len(shown) < LIMIT:
            shown.append(suggestion)
    return by_cohort


def reasons_for(user, membership: Membership | None, member: Membership) -> list[Reason]:
    """Why the person might talk to this member, the strongest first (on the member's
    profile): nothing when they may not be suggested to the person."""
    mine = {m.cohort_id: m for m in asking([membership])}
    if not _others(user, mine, [member]):
        return []
    found = modules.people_reasons(user, list(mine.values()), [member])
    return sorted(found.get(member.id, ()), key=lambda reason: -reason.strength)
