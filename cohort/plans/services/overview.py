"""The cohort's maturity at a glance, for the facilitator and the evaluator: hallmark by
place, the agreed level in the latest round with the target the place's items aim for, the
change since the first round; and the items overdue or blocked across the cohort. A fixed
number of queries however many places and items."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from cohort.cohorts.models import Cohort, Place
from cohort.extensions import db
from cohort.plans.models import ActionItem, ActionPlan, AgreedRating, AssessmentRound, Framework
from cohort.plans.services.assessments import rounds_of
from cohort.plans.services.frameworks import versions_of
from cohort.plans.services.items import overdue_after

__all__ = ["Cell", "Heatmap", "heatmap", "place_label"]


def place_label(place: Place) -> str:
    if place.organisation is not None:
        return place.organisation.name
    return place.area_of_focus or f"Place {place.slot or place.id}"


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
class Heatmap:
    framework: Framework
    places: list[Place]
    cells: dict[tuple[int, int], Cell]
    rounds: list[AssessmentRound]
    overdue: list[ActionItem] = field(default_factory=list)
    blocked: list[ActionItem] = field(default_factory=list)
    items_by_place: dict[int, int] = field(default_factory=dict)
    place_of_plan: dict[int, Place] = field(default_factory=dict)
    today: date | None = None

    def place_of(self, item: ActionItem) -> Place:
        return self.place_of_plan[item.plan_id]

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


def heatmap(cohort: Cohort, framework: Framework) -> Heatmap:
    """Rounds and items under an earlier version of the framework count too, each hallmark
    matched to the current version's by key (a version keeps the levels and the hallmarks
    in use)."""
    versions = versions_of(cohort, framework)
    positions = {level_id: level.position for level_id, level in versions.levels.items()}
    places = list(db.session.execute(select(Place).where(
        Place.cohort_id == cohort.id, Place.status == "active")
        .order_by(Place.slot, Place.id)).scalars())
    rounds = [r for r in rounds_of(cohort) if r.framework_id in versions.ids]
    order = {r.id: n for n, r in enumerate(rounds)}
    cells: dict[tuple[int, int], Cell] = {}
    agreed = db.session.execute(select(AgreedRating).where(
        AgreedRating.round_id.in_(list(order)))).scalars().all() if order else []
    for row in sorted(agreed, key=lambda a: order[a.round_id]):
        hallmark_id = versions.current_id(row.hallmark_id)
        if hallmark_id is None:
            continue
        cell = cells.setdefault((row.place_id, hallmark_id), Cell())
        position = positions.get(row.level_id, 0)
        if cell.first is None:
            cell.first = position
        cell.position, cell.rounds = position, cell.rounds + 1
    items = list(db.session.execute(
        select(ActionItem).join(ActionPlan).where(ActionPlan.cohort_id == cohort.id)
        .options(selectinload(ActionItem.hallmark_links))
        .order_by(ActionItem.due_on, ActionItem.id)).scalars())
    by_id = {place.id: place for place in places}
    plans = {plan_id: by_id[place_id] for plan_id, place_id in db.session.execute(
        select(ActionPlan.id, ActionPlan.place_id).where(ActionPlan.cohort_id == cohort.id)
    ).all() if place_id in by_id}
    today = overdue_after(cohort)
    result = Heatmap(framework, places, cells, rounds, place_of_plan=plans, today=today)
    for item in items:
        if item.plan_id not in plans:
            continue  # a place given up: its plan stays, out of the cohort's picture
        place_id = plans[item.plan_id].id
        result.items_by_place[place_id] = result.items_by_place.get(place_id, 0) + 1
        target = positions.get(item.target_level_id)
        for hallmark_id in filter(None, map(versions.current_id, item.hallmark_ids)):
            cell = cells.setdefault((place_id, hallmark_id), Cell())
            cell.target = max(cell.target or 0, target or 0)
        if item.status == "blocked":
            result.blocked.append(item)
        elif item.status != "done" and item.due_on is not None and item.due_on < today:
            result.overdue.append(item)
    return result
