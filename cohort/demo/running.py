"""The running cohort: workplace wellbeing, between its second workshop and its deep dive.

The report suggests a next cohort with a single focus, such as workplace wellbeing. Its call
opened ten weeks ago and is still open: nine of the twelve places are taken and three
applications wait for the facilitator, who can fill the last places. Everyone but the demo's
participant01 is invented, and their accounts are not for signing in.
"""

from datetime import date, time, timedelta

from cohort.cohorts.services import create_cohort
from cohort.core.timeutil import utcnow, zone
from cohort.demo import reminders, steps
from cohort.demo.reference import GROUND_RULES
from cohort.demo.sessions import RUNNING_SESSIONS
from cohort.demo.steps import Answers, Person

RUNNING = {
    "title": "Workplace wellbeing cohort",
    "focus": "Workplace wellbeing",
    "status": "running",
    "capacity": 12,
    "description": (
        "For public-sector policy makers writing or refreshing a staff wellbeing strategy. "
        "With one shared focus, participants can compare their approaches in depth, test each "
        "other's drafts and build a set of measures that show whether the strategy works."
    ),
}
CALL_OPENED_DAYS_AGO = 70
CALL_CLOSES_IN_DAYS = 14

# cohort/demo/story/running.yaml: (person, answers, applied days ago, accepted days ago) of
# each participant, participant01 first, and (person, answers, applied days ago) of the
# applications sent recently, on which the facilitator has not decided yet.
_STORY = steps.story("running")
PARTICIPANTS = tuple(
    (Person(**p["person"]), Answers(**p["answers"]), p["applied_days_ago"], p["accepted_days_ago"])
    for p in _STORY["participants"])
WAITING = tuple((Person(**p["person"]), Answers(**p["answers"]), p["applied_days_ago"])
                for p in _STORY["waiting"])


def build(admin, facilitator, evaluator, password_hash: str) -> None:
    """Create the running cohort with its open call, nine places and three applications.

    participant01's account already exists; the others get `password_hash` (one nobody knows).
    """
    now = utcnow()
    today = now.astimezone(zone(steps.TIMEZONE)).date()
    days = [steps.weekday(today + timedelta(weeks=weeks)) for _t, _k, weeks, *_ in RUNNING_SESSIONS]
    cohort = create_cohort(
        admin, facilitate=False, ground_rules="\n".join(GROUND_RULES), timezone=steps.TIMEZONE,
        starts_on=days[0], ends_on=days[-1] + timedelta(weeks=4),
        applications_open_at=_midnight(today - timedelta(days=CALL_OPENED_DAYS_AGO)),
        applications_close_at=_midnight(today + timedelta(days=CALL_CLOSES_IN_DAYS)), **RUNNING,
    )
    created = _midnight(today - timedelta(days=CALL_OPENED_DAYS_AGO + 7))
    cohort.created_at = created
    steps.add_staff(admin, cohort, facilitator, evaluator, since=created)

    for person, answers, applied, accepted in PARTICIPANTS:
        if not person.email.startswith("participant"):
            steps.create_person(person, password_hash=password_hash)
        application = steps.apply(cohort, person, answers, _days_ago(today, applied))
        steps.accept(facilitator, application, _days_ago(today, accepted))
    for person, answers, applied in WAITING:
        steps.apply(cohort, person, answers, _days_ago(today, applied))

    reminders.add_defaults(facilitator, cohort)
    steps.add_programme(facilitator, cohort, RUNNING_SESSIONS, days)


def invented_participants() -> list[str]:
    return [person.email for person, *_ in PARTICIPANTS if not person.email.startswith("participant")]


def _midnight(day: date):
    return steps.local(day, time(0))


def _days_ago(today: date, days: int):
    return steps.local(today - timedelta(days=days))
