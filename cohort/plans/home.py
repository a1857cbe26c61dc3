"""What needs a person in the plans, for the home page and the cohort's overview (see
core/cards.py). A facilitator: the action items overdue or blocked across the cohort's active
places (counted as the heatmap and its attention pages count them), and the places with no
self-assessment submitted in the open round. A participant or team member: their own
self-assessment to finish in the open round, and their place's items due within 7 days or
overdue. A fixed number of queries for all the person's cohorts.

Among the people to talk to: the members of places that also work on a hallmark the person's
place works on, or stand higher on it, from the plans the person may see in outline (their own
place's, and those their people share). On a member's profile: their place's plan in outline,
to those who may see it (can_view_outline)."""

from datetime import timedelta

from flask import url_for
from sqlalchemy import and_, bindparam, func, or_, select

from cohort.cohorts.models import Place
from cohort.core.cards import NOW, SOON, STRONG, STRONGEST, Part, Reason, Todo
from cohort.core.database import get, prepared
from cohort.extensions import db
from cohort.plans.models import ActionItem, ActionPlan, AssessmentRound, SelfAssessment
from cohort.plans.permissions import can_view_outline, can_view_plan
from cohort.plans.services import (
    hallmark_words,
    latest_of,
    place_labels,
    shared_places,
    standings,
)
from cohort.plans.services.items import is_overdue, overdue_after

PLACE_ROLES = ("participant", "colleague")
DUE_WITHIN = 7  # days: an item due this soon shows on its place's people's home page


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _overdue_in(cohorts: int, day: str = "today"):
    """Overdue, each cohort's items by that cohort's day (is_overdue): `cohort<n>`'s items by
    the bound `<day><n>`, for `cohorts` cohorts (see _days)."""
    return or_(*(and_(ActionPlan.cohort_id == bindparam(f"cohort{n}"),
                      is_overdue(bindparam(f"{day}{n}")))
                 for n in range(cohorts)))


def _days(memberships: list, **later: int) -> dict:
    """The values _overdue_in binds: each cohort, its overdue_after day as `today<n>`, and
    that day `days` later as `<name><n>` for each name=days given."""
    values = {}
    for n, membership in enumerate(memberships):
        today = overdue_after(membership.cohort)
        values |= {f"cohort{n}": membership.cohort_id, f"today{n}": today}
        values |= {f"{name}{n}": today + timedelta(days=days) for name, days in later.items()}
    return values


@prepared
def _attention_counts(cohorts: int):
    return (select(ActionPlan.cohort_id, func.count().filter(_overdue_in(cohorts)),
                   func.count().filter(ActionItem.status == "blocked"))
            .select_from(ActionItem).join(ActionPlan).join(Place, Place.id == ActionPlan.place_id)
            .where(ActionPlan.cohort_id.in_(bindparam("cohorts", expanding=True)),
                   Place.status == "active")
            .group_by(ActionPlan.cohort_id))


@prepared
def _place_item_counts(cohorts: int):
    return (select(ActionPlan.cohort_id, func.count().filter(_overdue_in(cohorts)),
                   func.count().filter(_overdue_in(cohorts, "week")))
            .select_from(ActionItem).join(ActionPlan)
            .where(ActionPlan.place_id.in_(bindparam("places", expanding=True)))
            .group_by(ActionPlan.cohort_id))


def _attention(run: list) -> list[Todo]:
    """Items overdue or blocked in the active places of the cohorts the person runs."""
    found = []
    for cohort_id, overdue, blocked in db.session.execute(_attention_counts(len(run)), {
            **_days(run), "cohorts": [m.cohort_id for m in run]}).all():
        for which, count, verb in (("overdue", overdue, "overdue"),
                                   ("blocked", blocked, "blocked")):
            if count:
                found.append(Todo(
                    cohort_id, f"items_{which}",
                    _plural(count, "action item is", "action items are") + f" {verb}",
                    url_for("plans.attention", cohort_id=cohort_id, which=which), count, NOW))
    return found


@prepared
def _unsubmitted():
    submitted = select(SelfAssessment.id).where(
        SelfAssessment.round_id == AssessmentRound.id, SelfAssessment.place_id == Place.id,
        SelfAssessment.submitted_at.is_not(None)).exists()
    return (select(Place.cohort_id, AssessmentRound.name, func.count())
            .join(AssessmentRound, and_(AssessmentRound.cohort_id == Place.cohort_id,
                                        AssessmentRound.closed_at.is_(None)))
            .where(Place.cohort_id.in_(bindparam("cohorts", expanding=True)),
                   Place.status == "active", ~submitted)
            .group_by(Place.cohort_id, AssessmentRound.name))


def _not_submitted(run: list) -> list[Todo]:
    """The active places with no submitted self-assessment in each cohort's open round."""
    rows = db.session.execute(_unsubmitted(), {"cohorts": [m.cohort_id for m in run]}).all()
    return [Todo(cohort_id, "assessments_missing",
                 _plural(count, "place has", "places have")
                 + f" not submitted a self-assessment in {name}",
                 url_for("plans.rounds", cohort_id=cohort_id), count, SOON)
            for cohort_id, name, count in rows]


@prepared
def _own_drafts():
    return (select(AssessmentRound.cohort_id, AssessmentRound.name, SelfAssessment.id)
            .outerjoin(SelfAssessment, and_(
                SelfAssessment.round_id == AssessmentRound.id,
                SelfAssessment.membership_id.in_(bindparam("memberships", expanding=True))))
            .where(AssessmentRound.cohort_id.in_(bindparam("cohorts", expanding=True)),
                   AssessmentRound.closed_at.is_(None), SelfAssessment.submitted_at.is_(None)))


def _own_assessment(placed: list) -> list[Todo]:
    """The person's own self-assessment in each open round: not started, or a draft."""
    rows = db.session.execute(_own_drafts(), {
        "memberships": [m.id for m in placed], "cohorts": [m.cohort_id for m in placed]}).all()
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
    for cohort_id, overdue, by_week in db.session.execute(_place_item_counts(len(placed)), {
            **_days(placed, week=DUE_WITHIN + 1), "places": list(place_of.values())}).all():
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


LEVELS_APART = {1: "one level", 2: "two levels", 3: "three levels"}


def _higher(mine, theirs) -> int:
    """How many levels higher the other place stands on the hallmark (0 when not, or not
    known)."""
    if theirs is None or mine.position is None or theirs.position is None:
        return 0
    return max(theirs.position - mine.position, 0)


def _rated_higher(higher: dict[str, int], named: bool = True) -> str:
    """"rated itself one level higher (on hallmark 3b)", "higher on hallmarks 1 and 6", or,
    unnamed, "higher on each"."""
    if len(higher) == 1:
        (key, apart), = higher.items()
        words = LEVELS_APART.get(apart, f"{apart} levels")
        return f"rated itself {words} higher" + (f" on {hallmark_words([key])}" if named else "")
    return "rated itself higher on " + (hallmark_words(list(higher)) if named else "each")


def _place_reasons(label: str, own: dict, theirs: dict, member_id: int) -> list[Reason]:
    """At most two reasons for a place: the hallmarks both plans work on (with those it stands
    higher on), and those it stands higher on that only the person's plan works on. More
    hallmarks in common make a slightly stronger reason."""
    mine = [key for key, standing in own.items() if standing.works_on]
    both = [key for key in mine if key in theirs and theirs[key].works_on]
    higher = {key: apart for key in mine if (apart := _higher(own[key], theirs.get(key)))}
    found = []
    if both:
        along = {key: apart for key, apart in higher.items() if key in both}
        text = f"{label} also works on {hallmark_words(both)}"
        if along:
            text += " and " + _rated_higher(along, named=along.keys() != set(both))
        found.append(Reason(member_id, text, (STRONGEST if along else STRONG)
                            + min(len(both) - 1, 4)))
    alone = {key: apart for key, apart in higher.items() if key not in both}
    if alone:
        found.append(Reason(member_id, f"{label} {_rated_higher(alone)}, which your place "
                                       f"works on", STRONG + min(len(alone) - 1, 4)))
    return found


def reasons(_user, memberships: list, others: list) -> list[Reason]:
    """The others on places whose plan the person may see in outline (shared with the cohort)
    that work on a hallmark the person's place works on, or stand higher on it (four queries
    for all the person's cohorts)."""
    mine = {m.cohort_id: m.place_id for m in memberships
            if m.is_current and m.role in PLACE_ROLES and m.place_id is not None}
    shared = shared_places(list(mine)) if mine else set()
    theirs = [o for o in others if o.cohort_id in mine and o.place_id in shared
              and o.place_id != mine[o.cohort_id]]
    if not theirs:
        return []
    stands = standings(set(mine.values()) | {o.place_id for o in theirs})
    labels = place_labels({o.place_id for o in theirs})
    return [reason for other in theirs for reason in _place_reasons(
        labels[other.place_id], stands[mine[other.cohort_id]], stands[other.place_id], other.id)]


def profile(user, cohort, member) -> list[Part]:
    """The member's place's plan in outline: the hallmarks it works on with where the place
    stands, and the member's latest action or progress note; to those who may not see it, a
    word that it is not shared."""
    if member.place_id is None:
        return []
    place = get(Place, member.place_id)
    if not can_view_outline(user, cohort, place):
        return [Part("plans/_profile.html", {"shown": False})]
    return [Part("plans/_profile.html", {
        "shown": True, "place": place, "standings": standings([place.id])[place.id],
        "latest": latest_of(place, member), "plan_link": can_view_plan(user, cohort, place)})]
