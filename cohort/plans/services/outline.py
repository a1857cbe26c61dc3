"""A place's plan in outline, for the people of the cohort who do not see the plan itself: the
hallmarks it works on, where the place stands on each, and a member's latest action or progress
note. A place's people choose to share it with the cohort (off until they do); the plan's own
people and the cohort's staff always see it. Each function takes a fixed number of queries
however many places, items and ratings there are."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import lazyload

from cohort.cohorts.models import Membership, Place
from cohort.core.database import kept_by, prepared
from cohort.core.words import listed
from cohort.extensions import db
from cohort.plans.models import (
    ActionItem,
    ActionPlan,
    AgreedRating,
    AssessmentRound,
    FrameworkLevel,
    Hallmark,
    ItemHallmark,
    ItemUpdate,
)
from cohort.plans.services.errors import PlanError
from cohort.plans.services.items import plan_of

__all__ = ["Latest", "Standing", "hallmark_words", "is_shared", "item_hallmarks", "latest_of",
           "set_shared", "shared_places", "standings"]

PLACE_ROLES = ("participant", "colleague")


def hallmark_words(keys: list[str]) -> str:
    """"hallmark 2", "hallmarks 1, 2 and 3a"."""
    return ("hallmark " if len(keys) == 1 else "hallmarks ") + listed(keys)


@dataclass
class Standing:
    """Where a place stands on one hallmark: whether its plan has an action on it, and its
    level (0: not yet at the first; None: not known), the one it agreed most recently, or else
    the one its actions say the work stands at."""

    key: str
    name: str
    order: int
    works_on: bool = False
    position: int | None = None
    level: str | None = None
    agreed: bool = False

    @property
    def level_text(self) -> str:
        if self.position is None:
            return "Not assessed"
        return "Not yet at the first level" if self.position == 0 else self.level


@dataclass(frozen=True)
class Latest:
    """A member's latest action on their place's plan, or their latest progress note on one."""

    item: ActionItem
    note: ItemUpdate | None
    at: datetime


def set_shared(membership: Membership, on: bool) -> ActionPlan:
    """Share the outline of the member's place's plan with the cohort, or stop sharing it. Any
    of the place's people may, at any time (even once the cohort has finished: it only narrows
    what others see, or widens it by their choice). Raises PlanError for someone on no place."""
    if membership is None or membership.place_id is None or not membership.is_current \
            or membership.role not in PLACE_ROLES:
        raise PlanError("Only the people on a place share its plan")
    plan = plan_of(db.session.get(Place, membership.place_id), create=True)
    plan.shared = bool(on)
    db.session.flush()
    return plan


@prepared
def _shared():
    return select(ActionPlan.shared).where(ActionPlan.place_id == bindparam("place"))


def is_shared(place: Place) -> bool:
    return bool(db.session.execute(_shared(), {"place": place.id}).scalar())


@prepared
def _shared_in():
    return select(ActionPlan.cohort_id, ActionPlan.place_id).where(
        ActionPlan.cohort_id.in_(bindparam("cohorts", expanding=True)),
        ActionPlan.shared.is_(True))


def shared_places(cohort_ids: list[int]) -> set[int]:
    """The places of the cohorts whose people share their plan's outline (one query, none for
    cohorts the page has asked about already)."""
    known = kept_by("plans.shared_places", cohort_ids, _shared_of)
    return set().union(*(known[cohort_id] for cohort_id in cohort_ids))


def _shared_of(cohort_ids: list[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {cohort_id: set() for cohort_id in cohort_ids}
    for cohort_id, place_id in db.session.execute(_shared_in(), {"cohorts": cohort_ids}):
        found[cohort_id].add(place_id)
    return found


@prepared
def _worked_on():
    return (select(ActionPlan.place_id, Hallmark.key, Hallmark.name, Hallmark.position,
                   FrameworkLevel.position, FrameworkLevel.name)
            .select_from(ActionItem).join(ActionPlan, ActionPlan.id == ActionItem.plan_id)
            .join(ItemHallmark, ItemHallmark.item_id == ActionItem.id)
            .join(Hallmark, Hallmark.id == ItemHallmark.hallmark_id)
            .outerjoin(FrameworkLevel, FrameworkLevel.id == ActionItem.current_level_id)
            .where(ActionPlan.place_id.in_(bindparam("places", expanding=True))))


@prepared
def _agreed_on():
    return (select(AgreedRating.place_id, Hallmark.key, Hallmark.name, Hallmark.position,
                   FrameworkLevel.position, FrameworkLevel.name)
            .join(AssessmentRound, AssessmentRound.id == AgreedRating.round_id)
            .join(Hallmark, Hallmark.id == AgreedRating.hallmark_id)
            .outerjoin(FrameworkLevel, FrameworkLevel.id == AgreedRating.level_id)
            .where(AgreedRating.place_id.in_(bindparam("places", expanding=True)))
            .order_by(AssessmentRound.opened_at, AssessmentRound.id))


def standings(place_ids) -> dict[int, dict[str, Standing]]:
    """{place id: {hallmark key: Standing}} for the hallmarks each place's plan has an action
    on or the place has agreed a level for, in the framework's order (two queries, none for
    places the page has asked about already). Hallmarks are matched by key, so rounds and items
    under an earlier version of the framework count. Read them; do not change them."""
    place_ids = list(dict.fromkeys(place_ids))
    known = kept_by("plans.standings", place_ids, _standings)
    return {place_id: known[place_id] for place_id in place_ids}


def _standings(place_ids: list[int]) -> dict[int, dict[str, Standing]]:
    found: dict[int, dict[str, Standing]] = {place_id: {} for place_id in place_ids}

    def standing(place_id, key, name, order) -> Standing:
        return found[place_id].setdefault(key, Standing(key, name, order))

    for place_id, key, name, order, position, level in db.session.execute(
            _worked_on(), {"places": place_ids}).all():
        row = standing(place_id, key, name, order)
        row.works_on = True
        if row.position is None or (position or 0) > row.position:
            row.position, row.level = position or 0, level
    agreed: dict[tuple[int, str], tuple] = {}
    for place_id, key, name, order, position, level in db.session.execute(
            _agreed_on(), {"places": place_ids}).all():
        agreed[(place_id, key)] = (name, order, position or 0, level)  # the latest round's
    for (place_id, key), (name, order, position, level) in agreed.items():
        row = standing(place_id, key, name, order)
        row.position, row.level, row.agreed = position, level, True
    return {place_id: dict(sorted(rows.items(), key=lambda pair: pair[1].order))
            for place_id, rows in found.items()}


@prepared
def _item_hallmarks():
    return (select(ActionItem.id, ActionPlan.place_id, Hallmark.key)
            .join(ActionPlan, ActionPlan.id == ActionItem.plan_id)
            .join(ItemHallmark, ItemHallmark.item_id == ActionItem.id)
            .join(Hallmark, Hallmark.id == ItemHallmark.hallmark_id)
            .where(ActionItem.id.in_(bindparam("items", expanding=True)))
            .order_by(Hallmark.position))


def item_hallmarks(item_ids) -> dict[int, tuple[int, list[str]]]:
    """{item id: (its place's id, the keys of the hallmarks it moves)} (one query)."""
    item_ids = [item_id for item_id in item_ids if item_id is not None]
    found: dict[int, tuple[int, list[str]]] = {}
    if not item_ids:
        return found
    for item_id, place_id, key in db.session.execute(
            _item_hallmarks(), {"items": item_ids}).all():
        found.setdefault(item_id, (place_id, []))[1].append(key)
    return found


def _on_place():
    return select(ActionItem.id).join(ActionPlan).where(
        ActionPlan.place_id == bindparam("place"))


@prepared
def _latest_item():
    return (select(ActionItem).where(ActionItem.id.in_(_on_place()),
                                     ActionItem.owner_id == bindparam("user"))
            .options(lazyload(ActionItem.hallmark_links))
            .order_by(func.coalesce(ActionItem.updated_at, ActionItem.created_at).desc(),
                      ActionItem.id.desc()).limit(1))


@prepared
def _latest_note():
    return (select(ItemUpdate, ActionItem).join(ActionItem, ActionItem.id == ItemUpdate.item_id)
            .options(lazyload(ActionItem.hallmark_links))
            .where(ItemUpdate.item_id.in_(_on_place()), ItemUpdate.author_id == bindparam("user"))
            .order_by(ItemUpdate.created_at.desc(), ItemUpdate.id.desc()).limit(1))


def latest_of(place: Place, member: Membership) -> Latest | None:
    """The member's latest on their place's plan: the newest action they own, or their newest
    progress note, whichever came last (two queries)."""
    values = {"place": place.id, "user": member.user_id}
    item = db.session.execute(_latest_item(), values).scalar()
    note = db.session.execute(_latest_note(), values).first()
    item_at = (item.updated_at or item.created_at) if item is not None else None
    if note is not None and (item_at is None or note[0].created_at >= item_at):
        return Latest(note[1], note[0], note[0].created_at)
    if item is not None:
        return Latest(item, None, item_at)
    return None
