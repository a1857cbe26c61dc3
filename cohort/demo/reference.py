"""The 2021 cohort from the project report, as a finished run would have left it.

Facts from the report (Phase 3, "Local Authority wellbeing policy making cohort"): the offer
was made in January 2021 for "a cohort of up to 12"; ten councils were recruited, with the
listed areas of focus and professional backgrounds; "at the end of the programme, six months
after its commencement, only three of the original practitioners were in post", and "many
areas chose to bring colleagues along ... and built a 'team'". The councils' strategies follow
the report's account of each council's work. People, dates within the report's months, the
waitlisted and declined applications and their councils are invented.
"""

from dataclasses import dataclass
from datetime import date, time, timedelta

from cohort.cohorts.services import create_cohort, update_cohort
from cohort.core.timeutil import utcnow
from cohort.demo import steps
from cohort.demo.sessions import REFERENCE_SESSIONS
from cohort.demo.steps import Answers, Person

REFERENCE = {
    "title": "Local authority wellbeing policy making cohort 2021",
    "focus": "Wellbeing policy making",
    "capacity": 12,
    "starts_on": date(2021, 3, 16),
    "ends_on": date(2021, 12, 17),
    "description": (
        "Ten local authority policy makers, each preparing or refreshing a wellbeing strategy, "
        "framework or programme, met online over nine months. Short expert sessions were "
        "followed by discussion in a facilitated learning community, with one-to-one support "
        "between workshops and an action plan and blog from each participant at the end."
    ),
}
CREATED_ON = date(2021, 1, 4)
CALL_OPENS_ON = date(2021, 1, 11)
CALL_CLOSES_AFTER = date(2021, 2, 12)  # the last day applications were taken
DECIDED_ON = date(2021, 2, 23)


@dataclass(frozen=True)
class PlaceStory:
    """One council's place: who applied for it, and who held it at the end.

    Without a successor, the original holder stayed in post. A successor who was on the team
    first has `team_from`. With `proposed_on`, the holder proposed them (with `note`) and the
    facilitator approved on `handed_over_on`; otherwise the facilitator handed the place over.
    """

    original: Person
    answers: Answers
    applied_on: date
    successor: Person | None = None
    team_from: date | None = None
    handed_over_on: date | None = None
    proposed_on: date | None = None
    note: str | None = None


def _place(data: dict) -> PlaceStory:
    people = {k: Person(**data[k]) for k in ("original", "successor") if k in data}
    return PlaceStory(**{**data, **people, "answers": Answers(**data["answers"])})


# cohort/demo/story/reference.yaml: the places in the report's order of councils and of areas
# of focus; the demo accounts participant01 to participant10 are the places' holders at the end.
_STORY = steps.story("reference")
GROUND_RULES = tuple(_STORY["ground_rules"])  # agreed by the 2021 participants in Workshop 1
PLACES = tuple(_place(place) for place in _STORY["places"])
# Brought onto the Blackburn with Darwen team by its first holder; still a team member.
COLLEAGUE = Person(**_STORY["colleague"])
COLLEAGUE_FROM = date(2021, 6, 1)
COLLEAGUE_OF = 1  # index in PLACES
# (person, answers, applied on, decision, message)
OTHER_APPLICATIONS = tuple(
    (Person(**a["person"]), Answers(**a["answers"]), a["applied_on"], a["decision"], a["message"])
    for a in _STORY["other_applications"])


def build(admin, facilitator, evaluator, password: str, locked_hash: str) -> list[tuple[str, str]]:
    """Create the 2021 cohort with its call, places, team and handovers; flushes only.

    Demo accounts get `password`; the former holders `locked_hash`, which no password opens.
    Returns the demo accounts it created, as (email, description).
    """
    # The call is open while the applications are sent; the cohort then gets its 2021 window.
    now = utcnow()
    cohort = create_cohort(admin, facilitate=False, ground_rules="\n".join(GROUND_RULES),
                           timezone=steps.TIMEZONE,
                           status="recruiting", applications_open_at=now - timedelta(days=1),
                           applications_close_at=now + timedelta(days=1), **REFERENCE)
    created = steps.local(CREATED_ON)
    cohort.created_at = created
    steps.add_staff(admin, cohort, facilitator, evaluator, since=created)

    holders = []
    for story in PLACES:
        in_post = story.successor is None
        steps.create_person(story.original, password=password if in_post else None,
                            password_hash=None if in_post else locked_hash)
        application = steps.apply(cohort, story.original, story.answers,
                                  steps.local(story.applied_on))
        holders.append(steps.accept(facilitator, application, steps.local(DECIDED_ON)))
    for person, answers, applied_on, decision, message in OTHER_APPLICATIONS:
        application = steps.apply(cohort, person, answers, steps.local(applied_on))
        if decision == "waitlist":
            steps.waitlist(facilitator, application, message)
        else:
            steps.decline(facilitator, application, message, steps.local(DECIDED_ON))

    for story, holder in zip(PLACES, holders, strict=True):
        if story.successor is not None:
            steps.create_person(story.successor, password=password)
        if story.team_from is not None:
            steps.join_team(facilitator, holder, story.successor, steps.local(story.team_from))
    steps.create_person(COLLEAGUE, password=password)
    steps.join_team(facilitator, holders[COLLEAGUE_OF], COLLEAGUE, steps.local(COLLEAGUE_FROM))
    for story, holder in zip(PLACES, holders, strict=True):
        if story.handed_over_on is not None:
            steps.hand_over_place(
                facilitator, holder, story.successor, steps.local(story.handed_over_on),
                proposed_on=steps.local(story.proposed_on) if story.proposed_on else None,
                note=story.note,
            )

    steps.add_programme(facilitator, cohort, REFERENCE_SESSIONS,
                        [day for _title, _kind, day, *_rest in REFERENCE_SESSIONS])
    update_cohort(admin, cohort, status="running",
                  applications_open_at=steps.local(CALL_OPENS_ON, time(0)),
                  applications_close_at=steps.local(CALL_CLOSES_AFTER + timedelta(days=1), time(0)))
    return accounts()


def finish(admin, cohort) -> None:
    """Close the 2021 cohort once its programme is in place: from then on it is read-only."""
    update_cohort(admin, cohort, status="finished")


def accounts() -> list[tuple[str, str]]:
    """The 2021 cohort's demo accounts, as (email, description), participant01 first."""
    rows = []
    for story in PLACES:
        holder = story.successor or story.original
        council = holder.organisation
        if story.successor is None:
            what = f"participant in the 2021 cohort ({council}), in post from the start"
        else:
            month = f"{story.handed_over_on:%B %Y}"
            what = f"participant in the 2021 cohort ({council}), took the place over in {month}"
        rows.append((holder.email, what))
    rows.append((COLLEAGUE.email, f"team member in the 2021 cohort ({COLLEAGUE.organisation})"))
    return rows
