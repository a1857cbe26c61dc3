"""Places: how many are taken, who holds one, and its team."""


from sqlalchemy import func, select

from cohort.cohorts.models import (
    Cohort,
    Membership,
    Place,
    PlaceHolding,
)
from cohort.extensions import db

__all__ = [
    "places_taken", "free_places", "current_holding", "holder_of", "team_of",
]

# Places --------------------------------------------------------------------------------------


def places_taken(cohort: Cohort) -> int:
    return db.session.execute(
        select(func.count(Place.id)).where(Place.cohort_id == cohort.id, Place.slot.is_not(None))
    ).scalar_one()


def free_places(cohort: Cohort) -> int:
    return max(0, cohort.capacity - places_taken(cohort))


def current_holding(place: Place) -> PlaceHolding | None:
    return db.session.execute(
        select(PlaceHolding).where(PlaceHolding.place_id == place.id, PlaceHolding.ended_at.is_(None))
    ).scalar_one_or_none()


def holder_of(place: Place) -> Membership | None:
    return db.session.execute(
        select(Membership).where(
            Membership.place_id == place.id,
            Membership.role == "participant",
            Membership.status == "active",
        )
    ).scalar_one_or_none()


def team_of(place: Place, include_pending: bool = False) -> list[Membership]:
    query = select(Membership).where(
        Membership.place_id == place.id,
        Membership.role == "colleague",
        Membership.status == "active",
    )
    if not include_pending:
        query = query.where(Membership.approved.is_(True))
    return list(db.session.execute(query.order_by(Membership.id)).scalars())
