"""A place's action plan and its items: the action, the hallmarks it moves, where the work
stands and the level it aims for, an owner on the place, a due date and a status, with dated
progress updates. Every change is kept (who, when, what), so the history says who wrote what
and a second editor whose save comes too late is shown the change they would have undone."""

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import lazyload
from sqlalchemy.orm.attributes import set_committed_value

from cohort.accounts.models import User
from cohort.cohorts.models import Cohort, Place
from cohort.cohorts.services import ensure_changeable
from cohort.core.database import prepared
from cohort.core.errors import ChangedMeanwhile
from cohort.core.pages import Page, paged, paginate
from cohort.core.timeutil import format_local, to_local, utcnow
from cohort.extensions import db
from cohort.plans.models import (
    ITEM_STATUSES,
    ActionItem,
    ActionPlan,
    Framework,
    ItemChange,
    ItemHallmark,
    ItemUpdate,
)
from cohort.plans.services.assessments import NOT_YET, level_by_key, people_on
from cohort.plans.services.errors import PlanError
from cohort.plans.services.frameworks import versions_of

__all__ = ["ItemData", "is_overdue", "plan_of", "items_of", "items_page", "PLAN_PAGE_SIZE", "add_item", "update_item", "add_progress",
           "history_of", "get_item", "local_today", "overdue_after", "MAX_LINKS"]

MAX_LINKS = 10
_LINK = re.compile(r"^https?://[^\s<>\"]{1,490}$")


@dataclass
class ItemData:
    title: str
    hallmarks: list[str]  # hallmark keys
    current_level: str  # a level key or NOT_YET
    target_level: str
    owner_id: int | None
    due_on: date | None = None
    status: str = "not_started"
    details: str | None = None
    hallmark_ids: list[int] = field(default_factory=list)  # filled in by the check


def local_today(cohort: Cohort) -> date:
    return to_local(utcnow(), cohort.timezone).date()


def overdue_after(cohort: Cohort) -> date:
    """An open item due before this day is overdue: today, or for a finished cohort the day
    its programme ended (what was still open then is not called late years later)."""
    today = local_today(cohort)
    if cohort.status == "finished" and cohort.ends_on is not None:
        return min(today, cohort.ends_on)
    return today


def is_overdue(today: date):
    """The SQL test of an overdue item: open (neither blocked nor done) and due before `today`
    (overdue_after of its cohort). The heatmap, the attention pages and the home page's to-dos
    all count with it."""
    return ActionItem.status.not_in(("blocked", "done")) & (ActionItem.due_on < today)


@prepared
def _plan_of():
    return select(ActionPlan).where(ActionPlan.place_id == bindparam("place"))


def plan_of(place: Place, create: bool = False) -> ActionPlan | None:
    plan = db.session.execute(_plan_of(), {"place": place.id}).scalar_one_or_none()
    if plan is None and create:
        plan = ActionPlan(place_id=place.id, cohort_id=place.cohort_id)
        db.session.add(plan)
        db.session.flush()
    return plan


PLAN_PAGE_SIZE = 50  # items on a page of the plan (the printable page and the CSV hold all)


def _plan_items():
    """The plan's items, open ones first by due date, the undated after them."""
    return (select(ActionItem).where(ActionItem.plan_id == bindparam("plan"))
            .options(lazyload(ActionItem.hallmark_links))
            .order_by(ActionItem.status == "done", ActionItem.due_on.is_(None),
                      ActionItem.due_on, ActionItem.id))


@prepared
def _all_items():
    return _plan_items()


@prepared
def _paged_items():
    return paged(_plan_items())


def _links_where(which):
    return select(ItemHallmark).where(ItemHallmark.item_id.in_(which)).order_by(
        ItemHallmark.item_id, ItemHallmark.hallmark_id)


@prepared
def _links_of_items():
    return _links_where(bindparam("items", expanding=True))


@prepared
def _links_of_plan():
    return _links_where(select(ActionItem.id).where(ActionItem.plan_id == bindparam("plan")))


def _with_hallmarks(items: list[ActionItem], statement, values: dict) -> list[ActionItem]:
    """Fills in the items' hallmark links from one query of the link table (`statement` with
    its `values`: _links_of_items with the items' ids, or _links_of_plan with their plan's),
    however many items there are."""
    links: dict[int, list[ItemHallmark]] = {item.id: [] for item in items}
    if items:
        for link in db.session.execute(statement, values).scalars():
            if link.item_id in links:
                links[link.item_id].append(link)
    for item in items:
        set_committed_value(item, "hallmark_links", links[item.id])
    return items


def items_of(plan: ActionPlan | None) -> list[ActionItem]:
    """All the plan's items, open ones first by due date (two queries, however many)."""
    if plan is None:
        return []
    items = list(db.session.execute(_all_items(), {"plan": plan.id}).scalars())
    return _with_hallmarks(items, _links_of_plan(), {"plan": plan.id})


def items_page(plan: ActionPlan | None, raw_page: str | None,
               size: int = PLAN_PAGE_SIZE) -> Page:
    """One page of the plan's items in the order of `items_of` (three queries)."""
    if plan is None:
        return Page(items=[], number=1, total=0, size=size)
    page = paginate(_paged_items(), raw_page, size, params={"plan": plan.id})
    _with_hallmarks(page.items, _links_of_items(), {"items": [item.id for item in page.items]})
    return page


def get_item(place: Place, item_id: int) -> ActionItem | None:
    item = db.session.get(ActionItem, item_id)
    if item is None or item.plan.place_id != place.id:
        return None
    return item


def _check(framework: Framework, place: Place, data: ItemData, old_due: date | None,
           today: date, old_owner: User | None = None) -> tuple:
    """Raise PlanError for an item that cannot stand; return (current, target) levels."""
    data.title = " ".join((data.title or "").split())
    if not data.title:
        raise PlanError("Enter the action", "title")
    if len(data.title) > 300:
        raise PlanError("Keep the action to 300 characters or fewer", "title")
    if data.details and len(data.details) > 4000:
        raise PlanError("Keep the details to 4,000 characters or fewer", "details")
    by_key = {h.key: h for h in framework.hallmarks}
    if not data.hallmarks:
        raise PlanError("Choose at least one hallmark the action moves", "hallmarks")
    unknown = [key for key in data.hallmarks if key not in by_key]
    if unknown:
        raise PlanError(f"Choose hallmarks of {framework.name}", "hallmarks")
    data.hallmark_ids = [by_key[key].id for key in dict.fromkeys(data.hallmarks)]
    current = level_by_key(framework, data.current_level, "the current level")
    if data.target_level == NOT_YET:
        raise PlanError("Choose the level the action aims for", "target_level")
    target = level_by_key(framework, data.target_level, "the target")
    if current is not None and target.position < current.position:
        raise PlanError(f"The target ({target.name}) is below where the work stands now "
                        f"({current.name}): an action aims at the level the work stands at or "
                        "above it", "target_level")
    if data.status not in ITEM_STATUSES:
        raise PlanError("Choose the item's status", "status")
    on_place = {m.user_id for m in people_on(place)}
    if old_owner is not None and data.owner_id == old_owner.id and data.owner_id not in on_place:
        raise PlanError(f"{old_owner.name} is no longer on this place: choose who owns the item "
                        "now, its holder or a team member", "owner_id")
    if data.owner_id not in on_place:
        raise PlanError("Choose an owner who is on this place: its holder or a team member",
                        "owner_id")
    if data.due_on is not None and data.due_on != old_due and data.due_on < today:
        raise PlanError("The due date is in the past: choose today or a later date", "due_on")
    return current, target


def add_item(acting, place: Place, framework: Framework, data: ItemData) -> ActionItem:
    ensure_changeable(place.cohort)
    current, target = _check(framework, place, data, None, local_today(place.cohort))
    plan = plan_of(place, create=True)
    now = utcnow()
    item = ActionItem(plan_id=plan.id, title=data.title, details=data.details or None,
                      current_level_id=getattr(current, "id", None), target_level_id=target.id,
                      owner_id=data.owner_id, due_on=data.due_on, status=data.status,
                      created_by_id=getattr(acting, "id", None), updated_at=now,
                      completed_at=now if data.status == "done" else None,
                      hallmark_links=[ItemHallmark(hallmark_id=h) for h in data.hallmark_ids])
    db.session.add(item)
    db.session.flush()
    db.session.add(ItemChange(item_id=item.id, version=item.version, changed_at=now,
                              changed_by_id=getattr(acting, "id", None), summary="Added"))
    db.session.flush()
    return item


def _describe(framework: Framework, item: ActionItem, data: ItemData, current,
              target) -> list[str]:
    """What the change does, in words: "Status: In progress → Done"."""
    versions = versions_of(item.plan.place.cohort, framework)  # the item's may be earlier
    levels = {level_id: level.name for level_id, level in versions.levels.items()}
    hallmarks = {h.id: h.key for h in versions.hallmarks.values()}

    def level(level_id):
        return levels.get(level_id, "Not yet at the first level")

    def day(value):
        return f"{value.day} {value:%B %Y}" if value else "none"

    pairs = [
        ("Action", item.title, data.title),
        ("Details", item.details or "", data.details or ""),
        ("Hallmarks", ", ".join(hallmarks.get(h, "?") for h in item.hallmark_ids),
         ", ".join(hallmarks[h] for h in data.hallmark_ids)),
        ("Current level", level(item.current_level_id), level(getattr(current, "id", None))),
        ("Target", level(item.target_level_id), level(target.id)),
        ("Owner", item.owner.name, next((m.user.name for m in people_on(item.plan.place)
                                         if m.user_id == data.owner_id), "")),
        ("Due", day(item.due_on), day(data.due_on)),
        ("Status", ITEM_STATUSES[item.status], ITEM_STATUSES[data.status]),
    ]
    return [f"{name}: {old or 'none'} → {new or 'none'}" if name != "Details" else
            "Details changed" for name, old, new in pairs if old != new]


def _changes_since(item: ActionItem, seen_version: int) -> str:
    changes = db.session.execute(select(ItemChange).where(
        ItemChange.item_id == item.id, ItemChange.version > seen_version)
        .order_by(ItemChange.version)).scalars().all()
    if not changes:
        return ChangedMeanwhile.MESSAGE
    told = "; ".join(
        f"{c.changed_by.name if c.changed_by else 'Someone'} at "
        f"{format_local(c.changed_at, item.plan.place.cohort.timezone)}: {c.summary}"
        for c in changes)
    return (f"Someone else saved this item while you were editing it. {told}. Your changes "
            "are below and are not saved: check them against theirs and save again.")


def update_item(acting, item: ActionItem, framework: Framework, data: ItemData,
                seen_version: int | None) -> ActionItem:
    """Change the item; raises ChangedMeanwhile (saying what the other person changed) when
    it was saved after `seen_version` was loaded."""
    place = item.plan.place
    ensure_changeable(place.cohort)
    if seen_version is not None and seen_version != item.version:
        raise ChangedMeanwhile(_changes_since(item, seen_version))
    current, target = _check(framework, place, data, item.due_on, local_today(place.cohort),
                             item.owner)
    summary = _describe(framework, item, data, current, target)
    if not summary:
        return item
    now = utcnow()
    if data.status == "done" and item.status != "done":
        item.completed_at = now
    elif data.status != "done":
        item.completed_at = None
    item.title, item.details = data.title, data.details or None
    item.current_level_id, item.target_level_id = getattr(current, "id", None), target.id
    item.owner_id, item.due_on, item.status, item.updated_at = (
        data.owner_id, data.due_on, data.status, now)
    if set(item.hallmark_ids) != set(data.hallmark_ids):
        item.hallmark_links = [ItemHallmark(hallmark_id=h) for h in data.hallmark_ids]
    db.session.flush()
    db.session.add(ItemChange(item_id=item.id, version=item.version, changed_at=now,
                              changed_by_id=getattr(acting, "id", None),
                              summary="; ".join(summary)))
    db.session.flush()
    return item


def add_progress(acting, item: ActionItem, text: str, evidence: str | None,
                 status: str | None) -> ItemUpdate:
    """A dated progress note with links to its evidence, optionally moving the status."""
    ensure_changeable(item.plan.place.cohort)
    text = (text or "").strip()
    if not text:
        raise PlanError("Say what has happened", "text")
    if len(text) > 4000:
        raise PlanError("Keep the update to 4,000 characters or fewer", "text")
    links = [line.strip() for line in (evidence or "").splitlines() if line.strip()]
    if len(links) > MAX_LINKS:
        raise PlanError(f"Add {MAX_LINKS} links at most", "evidence")
    bad = next((link for link in links if not _LINK.match(link)), None)
    if bad is not None:
        raise PlanError(f"Evidence links start with https:// or http://, one a line: "
                        f"'{bad[:60]}' is not a link", "evidence")
    if status and status not in ITEM_STATUSES:
        raise PlanError("Choose the item's status", "status")
    now = utcnow()
    update = ItemUpdate(item_id=item.id, author_id=getattr(acting, "id", None), text=text,
                        evidence="\n".join(links) or None,
                        status=status if status and status != item.status else None)
    db.session.add(update)
    if update.status:
        before = ITEM_STATUSES[item.status]
        item.status, item.updated_at = status, now
        item.completed_at = now if status == "done" else None
        db.session.flush()
        db.session.add(ItemChange(item_id=item.id, version=item.version, changed_at=now,
                                  changed_by_id=getattr(acting, "id", None),
                                  summary=f"Status: {before} → {ITEM_STATUSES[status]}"))
    db.session.flush()
    return update


def history_of(item: ActionItem) -> tuple[list[ItemUpdate], list[ItemChange]]:
    updates = list(db.session.execute(select(ItemUpdate).where(ItemUpdate.item_id == item.id)
                                      .order_by(ItemUpdate.created_at.desc(),
                                                ItemUpdate.id.desc())).scalars())
    changes = list(db.session.execute(select(ItemChange).where(ItemChange.item_id == item.id)
                                      .order_by(ItemChange.version.desc())).scalars())
    return updates, changes
