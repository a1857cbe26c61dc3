"""Self-assessments and action plans (cohort/demo/plan_stories.py holds what each place did).

The 2021 cohort: a start round in March and an end round in December, each place's ratings
and agreed levels, and an action plan whose items follow the report. The running cohort: an
open start round that every place but participant01's has submitted (theirs is a draft), and
plans in progress with one item overdue and one blocked. Every place but one (plans.yaml says
which) shares its plan in outline with the cohort. Everything goes through the plans
services; the timestamps are then moved to the story's dates.
"""

from datetime import date, datetime, timedelta

from sqlalchemy import select

from cohort.cohorts.models import Cohort, Membership, Place
from cohort.core.timeutil import utcnow, zone
from cohort.demo import steps
from cohort.demo.plan_stories import REFERENCE_STORIES, RUNNING_STORIES, Story
from cohort.extensions import db
from cohort.plans.models import AgreedRating, ItemChange
from cohort.plans.services import (
    NOT_YET,
    ROUND_NAMES,
    ItemData,
    add_item,
    add_progress,
    agree,
    close_round,
    cohort_framework,
    ensure_shipped,
    open_round,
    people_on,
    save_assessment,
    set_shared,
)

START_ROUND_OPENED = date(2021, 3, 23)  # the week after the first introduction session
START_ROUND_CLOSED = date(2021, 4, 16)
END_ROUND_OPENED = date(2021, 11, 29)
END_ROUND_CLOSED = date(2021, 12, 17)
RUNNING_ROUND_OPENED_DAYS_AGO = 42  # at the running cohort's first workshop


def build(facilitator, reference: Cohort, running: Cohort) -> None:
    """Both cohorts' rounds, ratings and plans; flushes only. Before the 2021 cohort closes."""
    ensure_shipped()
    _reference(facilitator, reference)
    _running(facilitator, running)


def _reference(facilitator, cohort: Cohort) -> None:
    framework = cohort_framework(cohort)
    places = _places(cohort)
    start = open_round(facilitator, cohort, ROUND_NAMES[0])
    for n, story in enumerate(REFERENCE_STORIES):
        _rate(framework, start, places[story.holder], story.start,
              steps.local(START_ROUND_OPENED + timedelta(days=n)))
    end = open_round(facilitator, cohort, ROUND_NAMES[2])
    for n, story in enumerate(REFERENCE_STORIES):
        _rate(framework, end, places[story.holder], story.end,
              steps.local(END_ROUND_OPENED + timedelta(days=n)))
    close_round(facilitator, end)
    start.opened_at, start.closed_at = (steps.local(START_ROUND_OPENED),
                                        steps.local(START_ROUND_CLOSED))
    end.opened_at, end.closed_at = steps.local(END_ROUND_OPENED), steps.local(END_ROUND_CLOSED)
    for story in REFERENCE_STORIES:
        _plan(framework, places[story.holder], story, lambda day: day)
        _share(places[story.holder], story)
    db.session.flush()


def _running(facilitator, cohort: Cohort) -> None:
    framework = cohort_framework(cohort)
    places = _places(cohort)
    today = utcnow().astimezone(zone(cohort.timezone)).date()
    opened_on = today - timedelta(days=RUNNING_ROUND_OPENED_DAYS_AGO)
    start = open_round(facilitator, cohort, ROUND_NAMES[0])
    start.opened_at = steps.local(opened_on)
    for n, story in enumerate(RUNNING_STORIES):
        people = places[story.holder]
        joined = people[0].joined_at.astimezone(zone(cohort.timezone)).date()
        _rate(framework, start, people, story.start,
              steps.local(max(opened_on, joined) + timedelta(days=2 + n % 4)))
    for story in RUNNING_STORIES:
        _plan(framework, places[story.holder], story,
              lambda days: today + timedelta(days=days))
        _share(places[story.holder], story)
    db.session.flush()


def _places(cohort: Cohort) -> dict[str, list[Membership]]:
    """{holder's email: the people on the place, holder first}."""
    places = db.session.execute(select(Place).where(Place.cohort_id == cohort.id,
                                                    Place.status == "active")).scalars()
    found = {}
    for place in places:
        people = people_on(place)
        if people:
            found[people[0].user.email] = people
    return found


def _levels(framework, digits: str) -> dict[str, str]:
    """{hallmark key: level key or NOT_YET} for the first len(digits) hallmarks."""
    keys = [NOT_YET] + [level.key for level in framework.levels]
    return {h.key: keys[int(d)] for h, d in zip(framework.hallmarks, digits, strict=False)}


def _rate(framework, assessment_round, people: list[Membership], digits: str,
          when: datetime) -> None:
    """Each person on the place rates; a team's holder then records the agreed levels. A
    colleague's ratings differ by a level on two hallmarks, so the spread shows. Fewer digits
    than hallmarks make a draft."""
    agreed = _levels(framework, digits)
    complete = len(agreed) == len(framework.hallmarks)
    for n, person in enumerate(people):
        own = dict(agreed)
        if n and complete:
            for key in list(own)[n:n + 2]:
                own[key] = _step(framework, own[key])
        answers = {key: (level, _evidence(key, n)) for key, level in own.items()}
        assessment = save_assessment(person.user, assessment_round, person, answers,
                                     submit=complete)
        assessment.updated_at = when + timedelta(hours=n)
        if complete:
            assessment.submitted_at = assessment.updated_at
    if complete and len(people) > 1:
        agree(people[0].user, assessment_round, db.session.get(Place, people[0].place_id),
              people[0], {key: (level, None) for key, level in agreed.items()})
    if complete:
        for row in db.session.execute(select(AgreedRating).where(
                AgreedRating.round_id == assessment_round.id,
                AgreedRating.place_id == people[0].place_id)).scalars():
            row.agreed_at = when + timedelta(days=1)


def _step(framework, key: str) -> str:
    """The next level up, or one down from the top."""
    keys = [NOT_YET] + [level.key for level in framework.levels]
    at = keys.index(key)
    return keys[at + 1] if at + 1 < len(keys) else keys[at - 1]


def _evidence(key: str, person: int) -> str | None:
    if key == "1" and person == 0:
        return "Our definition of wellbeing is written down; partners have not all seen it yet."
    if key == "5" and person == 0:
        return "We measure some outcomes, mostly objective ones."
    return None


def _plan(framework, people: list[Membership], story: Story, day) -> None:
    """Add the story's items as the place's holder and record their progress, dated."""
    place = db.session.get(Place, people[0].place_id)
    levels = _levels(framework, story.start.ljust(len(framework.hallmarks), "0"))
    for entry in story.items:
        keys = entry.hallmarks.split()
        current = levels[keys[0]]
        target = _step(framework, current) if current != framework.levels[-1].key else current
        owner = people[min(entry.owner, len(people) - 1)]
        added = steps.local(day(entry.added))
        item = add_item(people[0].user, place, framework, ItemData(
            title=entry.title, hallmarks=keys, current_level=current, target_level=target,
            owner_id=owner.user_id))
        item.due_on = day(entry.due)  # the story's date, which may have passed
        item.created_at = item.updated_at = added
        if entry.update:
            when = steps.local(day(entry.update_on))
            update = add_progress(owner.user, item, entry.update, entry.evidence, entry.status)
            update.created_at = when
            item.updated_at = when
            item.completed_at = when if entry.status == "done" else None
        _date_changes(item, added)
        item.plan.created_at = min(item.plan.created_at, added)


def _share(people: list[Membership], story: Story) -> None:
    """The place's holder shares its plan in outline with the cohort, as most did."""
    if story.shared:
        set_shared(people[0], True)


def _date_changes(item, added: datetime) -> None:
    for change in db.session.execute(select(ItemChange).where(
            ItemChange.item_id == item.id)).scalars():
        change.changed_at = added if change.summary == "Added" else item.updated_at
    db.session.flush()

