"""The cohort's maturity at a glance, for the facilitator and the evaluator: hallmark by
place, the agreed level in the latest round with the target the place's items aim for, the
change since the first round; and the items overdue or blocked across the cohort, the first
few of each with how many there are. A fixed number of queries however many places and
items: items are counted and their targets taken in the database, never loaded one by one."""

from dataclasses import dataclass, field
from datetime import date
from itertools import chain

from sqlalchemy import Integer, bindparam, func, select
from sqlalchemy.orm import lazyload

from cohort.cohorts.models import Cohort, Organisation, Place
from cohort.core.database import prepared
from cohort.core.pages import Page, paginate
from cohort.extensions import db
from cohort.plans.models import (
    ActionItem,
    ActionPlan,
    AgreedRating,
    AssessmentRound,
    Framework,
    ItemHallmark,
)
from cohort.plans.services.assessments import rounds_in, rounds_of
from cohort.plans.services.frameworks import frameworks_of, versions_for, versions_of
from cohort.plans.services.items import is_overdue, overdue_after

__all__ = ["ATTENTION_SHOWN", "AgreedLevels", "Cell", "Heatmap", "agreed_levels", "attention_page",
           "heatmap", "place_label", "place_labels"]

ATTENTION_SHOWN = 20  # overdue or blocked items listed on the heatmap's page, of each kind


def place_label(place: Place) -> str:
    return label_of(place.id, place.organisation.name if place.organisation else None,
                    place.area_of_focus, place.slot)


def label_of(place_id: int, organisation: str | None, area_of_focus: str | None,
             slot: int | None) -> str:
    """What a place is called: its organisation, else its area of focus, else its number."""
    return organisation or area_of_focus or f"Place {slot or place_id}"


@prepared
def _labels():
    return (select(Place.id, Organisation.name, Place.area_of_focus, Place.slot)
            .outerjoin(Organisation, Organisation.id == Place.organisation_id)
            .where(Place.id.in_(bindparam("places", expanding=True))))


def place_labels(place_ids) -> dict[int, str]:
    """{place id: place_label} of the places, read as four columns (no place object built)."""
    return {row[0]: label_of(*row) for row in db.session.execute(
        _labels(), {"places": list(place_ids)})} if place_ids else {}


@dataclass
class Cell:
    position: int | None = None  # agreed in the latest round that rated it; 0: not yet
    first: int | None = None  # agreed in the first round that rated it
    target: int | None = None  # the highest target of the place's items on the hallmark
    rounds: int = 0  # how many rounds agreed a level

    @property
    def change(self) -> int | None:
        if self.position is None or self.first is None or self.rounds < 2:
            return None
        return self.position - self.first


@dataclass
class AgreedLevels:
    """The levels the cohort's active places agreed, by place and hallmark, in each round."""

    framework: Framework
    places: list[Place]
    cells: dict[tuple[int, int], Cell]
    rounds: list[AssessmentRound]

    def cell(self, place: Place, hallmark) -> Cell:
        return self.cells.get((place.id, hallmark.id), Cell())

    def level_name(self, position: int | None) -> str:
        if position is None:
            return "Not assessed"
        if position == 0:
            return "Not yet"
        return self.framework.levels[position - 1].name

    def rated_in_both(self, hallmark) -> int:
        return sum(1 for p in self.places if self.cell(p, hallmark).change is not None)

    def mean(self, hallmark, which: str) -> float | None:
        values = [getattr(self.cell(p, hallmark), which) for p in self.places]
        values = [v for v in values if v is not None]
        return round(sum(values) / len(values), 2) if values else None


@dataclass
class Heatmap(AgreedLevels):
    overdue: list[ActionItem] = field(default_factory=list)  # the most overdue first
    blocked: list[ActionItem] = field(default_factory=list)  # the earliest due first
    overdue_total: int = 0
    blocked_total: int = 0
    items_by_place: dict[int, int] = field(default_factory=dict)
    place_of_plan: dict[int, Place] = field(default_factory=dict)
    today: date | None = None

    def place_of(self, item: ActionItem) -> Place:
        return self.place_of_plan[item.plan_id]


def _active_places(cohort: Cohort) -> list[Place]:
    return _active_places_in([cohort])[cohort.id]


@prepared
def _active_places_of():
    return (select(Place).where(Place.cohort_id.in_(bindparam("cohorts", expanding=True)),
                                Place.status == "active")
            .order_by(Place.slot, Place.id))


def _active_places_in(cohorts: list[Cohort]) -> dict[int, list[Place]]:
    """{cohort id: its active places, in slot order}: one query however many cohorts."""
    found: dict[int, list[Place]] = {cohort.id: [] for cohort in cohorts}
    for place in db.session.execute(_active_places_of(), {"cohorts": list(found)}).scalars():
        found[place.cohort_id].append(place)
    return found


def _agreed(cohort: Cohort, framework: Framework, versions) -> AgreedLevels:
    rounds = [r for r in rounds_of(cohort) if r.framework_id in versions.ids]
    return _levels(framework, versions, rounds, _active_places(cohort), _ratings(rounds))


@prepared
def _ratings_in():
    return select(AgreedRating.round_id, AgreedRating.place_id, AgreedRating.hallmark_id,
                  AgreedRating.level_id).where(
        AgreedRating.round_id.in_(bindparam("rounds", expanding=True)))


def _ratings(rounds: list[AssessmentRound]) -> dict[int, list[tuple]]:
    """{round id: [(round id, place id, hallmark id, level id)]} agreed in the rounds (one
    query, plain rows through the connection: no ORM work for each of the thousands a pool may
    hold)."""
    found: dict[int, list[tuple]] = {r.id: [] for r in rounds}
    if rounds:
        for row in db.session.connection().execute(_ratings_in(), {"rounds": list(found)}):
            found[row[0]].append(tuple(row))
    return found


def _levels(framework: Framework, versions, rounds: list[AssessmentRound],
            places: list[Place], agreed: dict[int, list[tuple]]) -> AgreedLevels:
    """The places' agreed levels (`agreed`: see _ratings) in the rounds, in order, under a
    version of the framework (`rounds`: those alone)."""
    positions = {level_id: level.position for level_id, level in versions.levels.items()}
    cells: dict[tuple[int, int], Cell] = {}
    for _round, place_id, hallmark_id, level_id in chain.from_iterable(
            agreed.get(r.id, ()) for r in rounds):
        hallmark_id = versions.current_id(hallmark_id)
        if hallmark_id is None:
            continue
        cell = cells.setdefault((place_id, hallmark_id), Cell())
        position = positions.get(level_id, 0)
        if cell.first is None:
            cell.first = position
        cell.position, cell.rounds = position, cell.rounds + 1
    return AgreedLevels(framework, places, cells, rounds)


def agreed_levels(cohort: Cohort, framework: Framework) -> AgreedLevels:
    """The agreed levels alone (no action items read). Rounds under an earlier version of the
    framework count too, each hallmark matched to the current version's by key."""
    return _agreed(cohort, framework, versions_of(cohort, framework))


def agreed_levels_of(cohorts: list[Cohort]) -> dict[int, AgreedLevels | None]:
    """{cohort id: its agreed levels, as agreed_levels gives them under its framework (None
    without one)}: the same few queries however many cohorts."""
    frameworks = frameworks_of(cohorts)
    versions = versions_for({cid: f for cid, f in frameworks.items() if f is not None})
    rounds = {cid: [r for r in found if cid in versions and r.framework_id in versions[cid].ids]
              for cid, found in rounds_in(cohorts).items()}
    places = _active_places_in(cohorts)
    agreed = _ratings([r for found in rounds.values() for r in found])
    return {cid: _levels(frameworks[cid], versions[cid], rounds[cid], places[cid], agreed)
            if frameworks[cid] is not None else None for cid in rounds}


def _attention(cohort_id, which: str, today):
    """The statement of the active places' items overdue (the most overdue first) or blocked
    (the earliest due first, then the undated); the owner comes with each, the hallmarks not.
    `cohort_id` and `today` are values or bound parameters."""
    statement = (select(ActionItem).join(ActionPlan).join(Place, Place.id == ActionPlan.place_id)
                 .where(ActionPlan.cohort_id == cohort_id, Place.status == "active")
                 .options(lazyload(ActionItem.hallmark_links)))
    if which == "blocked":
        statement = statement.where(ActionItem.status == "blocked")
    else:
        statement = statement.where(is_overdue(today))
    return statement.order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)


@prepared
def _overdue_shown():
    return _attention(bindparam("cohort"), "overdue", bindparam("today")).limit(
        bindparam("shown", type_=Integer))


@prepared
def _blocked_shown():
    return _attention(bindparam("cohort"), "blocked", bindparam("today")).limit(
        bindparam("shown", type_=Integer))


@prepared
def _plans_of():
    return select(ActionPlan.id, ActionPlan.place_id).where(
        ActionPlan.cohort_id == bindparam("cohort"))


def _plan_places(cohort: Cohort, places: list[Place]) -> dict[int, Place]:
    """The active places by their plan's id (a place given up keeps its plan, out of the
    cohort's picture)."""
    by_id = {place.id: place for place in places}
    return {plan_id: by_id[place_id] for plan_id, place_id in db.session.execute(
        _plans_of(), {"cohort": cohort.id}).all() if place_id in by_id}


def attention_page(cohort: Cohort, which: str, raw_page: str | None
                   ) -> tuple[Page, list[Place], dict[int, Place]]:
    """One page of the cohort's items overdue or blocked (`which`) as the heatmap lists them,
    with the active places and the place of each plan."""
    places = _active_places(cohort)
    page = paginate(_attention(cohort.id, which, overdue_after(cohort)), raw_page)
    return page, places, _plan_places(cohort, places)


def _in_cohort():
    return select(ActionPlan.id).where(ActionPlan.cohort_id == bindparam("cohort"))


@prepared
def _item_counts():
    return (select(ActionItem.plan_id, func.count(),
                   func.count().filter(ActionItem.status == "blocked"),
                   func.count().filter(is_overdue(bindparam("today"))))
            .where(ActionItem.plan_id.in_(_in_cohort())).group_by(ActionItem.plan_id))


@prepared
def _targets():
    # The highest target on each hallmark: one row per plan, hallmark and target level.
    return (select(ActionItem.plan_id, ItemHallmark.hallmark_id, ActionItem.target_level_id)
            .join(ItemHallmark, ItemHallmark.item_id == ActionItem.id)
            .where(ActionItem.plan_id.in_(_in_cohort())).distinct())


def heatmap(cohort: Cohort, framework: Framework, shown: int | None = None) -> Heatmap:
    """Rounds and items under an earlier version of the framework count too, each hallmark
    matched to the current version's by key (a version keeps the levels and the hallmarks
    in use). Lists the first `shown` (ATTENTION_SHOWN) items overdue and blocked."""
    shown = ATTENTION_SHOWN if shown is None else shown
    versions = versions_of(cohort, framework)
    positions = {level_id: level.position for level_id, level in versions.levels.items()}
    agreed = _agreed(cohort, framework, versions)
    plans = _plan_places(cohort, agreed.places)
    today = overdue_after(cohort)
    result = Heatmap(framework, agreed.places, agreed.cells, agreed.rounds,
                     place_of_plan=plans, today=today)
    for plan_id, items, blocked, overdue in db.session.execute(
            _item_counts(), {"cohort": cohort.id, "today": today}).all():
        if plan_id in plans:
            result.items_by_place[plans[plan_id].id] = items
            result.blocked_total += blocked
            result.overdue_total += overdue
    for plan_id, hallmark_id, level_id in db.session.execute(
            _targets(), {"cohort": cohort.id}).all():
        hallmark_id = versions.current_id(hallmark_id)
        if plan_id not in plans or hallmark_id is None:
            continue
        cell = result.cells.setdefault((plans[plan_id].id, hallmark_id), Cell())
        cell.target = max(cell.target or 0, positions.get(level_id) or 0)
    values = {"cohort": cohort.id, "today": today, "shown": shown}
    if shown:
        if result.overdue_total:
            result.overdue = list(db.session.execute(
                _overdue_shown(), values).unique().scalars())
        if result.blocked_total:
            result.blocked = list(db.session.execute(
                _blocked_shown(), values).unique().scalars())
    return result
