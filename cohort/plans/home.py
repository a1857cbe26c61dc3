"""What needs a person in the plans, for the home page and the cohort's overview (see
core/cards.py). A facilitator: the action items overdue or blocked across the cohort's active
places (counted as the heatmap and its attention pages count them), and the places with no
self-assessment submitted in the open round. A participant or team member: their own
self-assessment to finish in the open round, and their place's items due within 7 days or
overdue. A fixed number of queries for all the person's cohorts."""

from datetime import timedelta

from flask import url_for
from sqlalchemy import and_, func, or_, select

from cohort.cohorts.models import Place
from cohort.core.cards import NOW, SOON, Todo
from cohort.extensions import db
from cohort.plans.models import ActionItem, ActionPlan, AssessmentRound, SelfAssessment
from cohort.plans.services.items import is_overdue, overdue_after

PLACE_ROLES = ("participant", "colleague")
DUE_WITHIN = 7  # days: an item due this soon shows on its place's people's home page


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _overdue_in(memberships: list, days: int = 0):
    """Overdue, each cohort's items by that cohort's day (is_overdue): `days` later than it
    for the items falling due within that many days as well."""
    return or_(*(and_(ActionPlan.cohort_id == m.cohort_id,
                      is_overdue(overdue_after(m.cohort) + timedelta(days=days)))
                 for m in memberships))


def _attention(run: list) -> list[Todo]:
    """Items overdue or blocked in the active places of the cohorts the person runs."""
    found = []
    for cohort_id, overdue, blocked in db.session.execute(
            select(ActionPlan.cohort_id, func.count().filter(_overdue_in(run)),
                   func.count().filter(ActionItem.status == "blocked"))
            .select_from(ActionItem).join(ActionPlan).join(Place, Place.id == ActionPlan.place_id)
            .where(ActionPlan.cohort_id.in_([m.cohort_id for m in run]),
                   Place.status == "active")
            .group_by(ActionPlan.cohort_id)).all():
        for which, count, verb in (("overdue", overdue, "overdue"),
                                   ("blocked", blocked, "blocked")):
            if count:
                found.append(Todo(
                    cohort_id, f"items_{which}",
                    _plural(count, "action item is", "action items are") + f" {verb}",
                    url_for("plans.attention", cohort_id=cohort_id, which=which), count, NOW))
    return found


def _not_submitted(run: list) -> list[Todo]:
    """The active places with no submitted self-assessment in each cohort's open round."""
    submitted = select(SelfAssessment.id).where(
        SelfAssessment.round_id == AssessmentRound.id, SelfAssessment.place_id == Place.id,
        SelfAssessment.submitted_at.is_not(None)).exists()
    rows = db.session.execute(
        select(Place.cohort_id, AssessmentRound.name, func.count())
        .join(AssessmentRound, and_(AssessmentRound.cohort_id == Place.cohort_id,
                                    AssessmentRound.closed_at.is_(None)))
        .where(Place.cohort_id.in_([m.cohort_id for m in run]), Place.status == "active",
               ~submitted)
        .group_by(Place.cohort_id, AssessmentRound.name)).all()
    return [Todo(cohort_id, "assessments_missing",
                 _plural(count, "place has", "places have")
                 + f" not submitted a self-assessment in {name}",
                 url_for("plans.rounds", cohort_id=cohort_id), count, SOON)
            for cohort_id, name, count in rows]


def _own_assessment(placed: list) -> list[Todo]:
    """The person's own self-assessment in each open round: not started, or a draft."""
    rows = db.session.execute(
        select(AssessmentRound.cohort_id, AssessmentRound.name, SelfAssessment.id)
        .outerjoin(SelfAssessment, and_(
            SelfAssessment.round_id == AssessmentRound.id,
            SelfAssessment.membership_id.in_([m.id for m in placed])))
        .where(AssessmentRound.cohort_id.in_([m.cohort_id for m in placed]),
               AssessmentRound.closed_at.is_(None), SelfAssessment.submitted_at.is_(None))
    ).all()
    return [Todo(cohort_id, "own_assessment",
                 f"Your self-assessment for {name} is a draft: finish and submit it"
                 if draft is not None else f"Start your self-assessment for {name}",
                 url_for("plans.my_assessment", cohort_id=cohort_id), None, NOW)
            for cohort_id, name, draft in rows]


def _due(count_overdue: int, count_soon: int) -> str:
    parts = []
    if count_overdue:
        parts.append(_plural(count_overdue, "action item is", "action items are") + " overdue")
    if count_soon:
        verb = ("is" if count_soon == 1 else "are") if parts else None
        parts.append(f"{count_soon} {verb} due within {DUE_WITHIN} days" if verb else
                     _plural(count_soon, "action item is", "action items are")
                     + f" due within {DUE_WITHIN} days")
    return ", ".join(parts)


def _place_items(placed: list) -> list[Todo]:
    """The items of the person's place overdue, and those due within DUE_WITHIN days."""
    place_of = {m.cohort_id: m.place_id for m in placed}
    found = []
    for cohort_id, overdue, by_week in db.session.execute(
            select(ActionPlan.cohort_id, func.count().filter(_overdue_in(placed)),
                   func.count().filter(_overdue_in(placed, DUE_WITHIN + 1)))
            .select_from(ActionItem).join(ActionPlan)
            .where(ActionPlan.place_id.in_(list(place_of.values())))
            .group_by(ActionPlan.cohort_id)).all():
        if by_week:
            found.append(Todo(
                cohort_id, "items_due", _due(overdue, by_week - overdue),
                url_for("plans.plan", cohort_id=cohort_id, place_id=place_of[cohort_id]),
                by_week, SOON))
    return found


def todos(user, memberships: list) -> list[Todo]:
    current = [m for m in memberships if m.is_current]
    run = [m for m in current if m.role == "facilitator"]
    placed = [m for m in current if m.role in PLACE_ROLES and m.place_id is not None]
    found = []
    if run:
        found += _attention(run) + _not_submitted(run)
    if placed:
        found += _own_assessment(placed) + _place_items(placed)
    return found
