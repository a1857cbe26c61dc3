"""Action items' due dates, offered to reminders as moments: a facilitator can remind an
item's owner before it is due (declared in plans/moments.py). A done item is not a moment any
more."""

from datetime import datetime, time, timedelta

from sqlalchemy import select

from cohort.cohorts.models import Cohort, Membership
from cohort.core.mail import external_url
from cohort.core.timeutil import zone
from cohort.extensions import db
from cohort.plans.models import ActionItem, ActionPlan
from cohort.reminders.moments import Moment

__all__ = ["ITEM_DUE", "due_items"]

ITEM_DUE = "action_item_due"
DUE_AT = time(9, 0)  # a due date's moment: 9am on the day, in the cohort's zone


def _at(day, cohort: Cohort) -> datetime:
    return datetime.combine(day, DUE_AT, tzinfo=zone(cohort.timezone))


def due_items(cohort: Cohort, since: datetime, until: datetime) -> list[Moment]:
    """The cohort's open items due between `since` and `until`, each for its owner."""
    rows = db.session.execute(
        select(ActionItem, ActionPlan.place_id).join(ActionPlan)
        .where(ActionPlan.cohort_id == cohort.id, ActionItem.status != "done",
               ActionItem.due_on >= (since - timedelta(days=1)).date(),
               ActionItem.due_on <= (until + timedelta(days=1)).date())).all()
    owners = {m.user_id: m for m in db.session.execute(select(Membership).where(
        Membership.cohort_id == cohort.id, Membership.status == "active",
        Membership.user_id.in_({item.owner_id for item, _place in rows}))).scalars()}
    moments = []
    for item, place_id in rows:
        at = _at(item.due_on, cohort)
        if since <= at <= until and item.owner_id in owners:
            moments.append(Moment(
                ref=item.id, at=at, recipients=[owners[item.owner_id]], title=item.title,
                link=external_url("plans.item", cohort_id=cohort.id, place_id=place_id,
                                  item_id=item.id)))
    return moments

