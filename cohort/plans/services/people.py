"""How the plans pages and exports name people: by name for the people on the place and the
cohort's facilitators, by their role on the place ("Holder", "Team member 2") for the
evaluator, who reads places and roles, not people."""

import re
from dataclasses import dataclass, field

from sqlalchemy import bindparam, select

from cohort.cohorts.models import Cohort, Membership
from cohort.core.database import prepared
from cohort.extensions import db

__all__ = ["Naming", "naming"]

# An item's history says "Owner: Ada Lovelace → Ben Byron" among its other changes.
_OWNER_CHANGE = re.compile(r"(^|; )Owner: [^;]*")


@dataclass
class Naming:
    names: bool
    roles: dict[tuple[int, int], str] = field(default_factory=dict)  # (place, user): role

    def __call__(self, place_id: int, user) -> str:
        if user is None:
            return "someone who has since left"
        if self.names:
            return user.name
        return self.roles.get((place_id, user.id), "Former member")

    def summary(self, text: str) -> str:
        """An item change's summary, without the owners' names when names are not shown."""
        return text if self.names else _OWNER_CHANGE.sub(r"\1Owner changed", text)


@prepared
def _place_people():
    return select(Membership).where(
        Membership.cohort_id == bindparam("cohort"),
        Membership.place_id.in_(bindparam("places", expanding=True)),
        Membership.role.in_(("participant", "colleague"))).order_by(Membership.id)


def naming(cohort: Cohort, names: bool, place_ids: list[int]) -> Naming:
    """Naming for the places' people: their names when `names`, else their roles (one query,
    none with names)."""
    if names or not place_ids:
        return Naming(names)
    roles: dict[tuple[int, int], str] = {}
    team: dict[int, int] = {}
    for member in db.session.execute(_place_people(), {
            "cohort": cohort.id, "places": list(place_ids)}).scalars():
        if member.role == "participant":
            role = "Holder"
        else:
            team[member.place_id] = team.get(member.place_id, 0) + 1
            role = f"Team member {team[member.place_id]}"
        roles[(member.place_id, member.user_id)] = role if member.is_current else \
            f"Former {role[0].lower()}{role[1:]}"
    return Naming(False, roles)
