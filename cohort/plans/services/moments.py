"""Action items' due dates, offered to reminders as moments: a facilitator can remind an
item's owner before it is due (declared in plans/moments.py). When the owner is no longer on
the item's place (they left, or handed the place over), the reminder goes to the people on the
place now, saying the item has no owner there any more. Each item is reminded of once per
reminder, whoever it reached. A done item is not a moment any more."""

from datetime import datetime, time, timedelta

from sqlalchemy import select

from cohort.cohorts.models import Cohort
from cohort.core.mail import external_url
from cohort.core.timeutil import zone
from cohort.extensions import db
from cohort.plans.models import ActionItem, ActionPlan
from cohort.plans.services.assessments import people_on_places
from cohort.reminders.moments import Moment

__all__ = ["ITEM_DUE", "NO_OWNER", "due_items"]

ITEM_DUE = "action_item_due"
DUE_AT = time(9, 0)  # a due date's moment: 9am on the day, in the cohort's zone
NO_OWNER = "emails/plans/_no_owner.txt"  # said under the reminder when the owner has gone


def _at(day, cohort: Cohort) -> datetime:
    return datetime.combine(day, DUE_AT, tzinfo=zone(cohort.timezone))


def due_items(cohort: Cohort, since: datetime, until: datetime) -> list[Moment]:
    """The cohort's open items due between `since` and `until`, each for its owner on the
    place, or else for the place's people now (none on a place given up). Two queries."""
    rows = db.session.execute(
        select(ActionItem, ActionPlan.place_id).join(ActionPlan)
        .where(ActionPlan.cohort_id == cohort.id, ActionItem.status != "done",
               ActionItem.due_on >= (since - timedelta(days=1)).date(),
               ActionItem.due_on <= (until + timedelta(days=1)).date())).all()
    rows = [(item, place_id) for item, place_id in rows
            if since <= _at(item.due_on, cohort) <= until]
    people = people_on_places({place_id for _item, place_id in rows})
    moments = []
    for item, place_id in rows:
        on_place = people.get(place_id, [])
        if not on_place:
            continue
        owner = [m for m in on_place if m.user_id == item.owner_id]  # [] once they have left
        moments.append(Moment(
            ref=item.id, at=_at(item.due_on, cohort), recipients=owner or on_place,
            # Told of once: the place's people are not told after the owner who left was
            # (an item handed to a new owner on the place reaches them as before).
            title=item.title, once=not owner, notice=None if owner else NO_OWNER,
            details={"owner": item.owner.name, "cohort_id": cohort.id, "place_id": place_id},
            link=external_url("plans.item", cohort_id=cohort.id, place_id=place_id,
                              item_id=item.id)))
    return moments
