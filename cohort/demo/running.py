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

# (person, answers, applied days ago, accepted days ago); participant01 applies first.
PARTICIPANTS = (
    (Person("participant01@example.org", "Priya Shah", "Southampton City Council",
            "HR Business Partner", "Human Resources Business Partner leading on employee wellbeing"),
     Answers("Employee wellbeing",
             "The next version of 'The Way We Work', our employee wellbeing strategy, with "
             "measures that show whether it is working.",
             "The 2021 cohort helped us support our wellbeing champions; this time I want to "
             "compare measures with councils doing the same work."),
     69, 66),
    (Person("workplace02@example.org", "Megan Foster", "Oakbridge City Council",
            "HR Business Partner", "HR Business Partner for the council's frontline services"),
     Answers("Staff wellbeing strategy",
             "Our first staff wellbeing strategy, due to Cabinet in the spring.",
             "To test a first draft with peers before it goes to senior leaders."),
     69, 66),
    (Person("workplace03@example.org", "Jamal Reid", "Thornfield District Council",
            "Organisational Development Manager", "Organisational Development Manager"),
     Answers("Line managers and wellbeing",
             "A line manager wellbeing toolkit and the training that goes with it.",
             "Line managers are where our staff survey says wellbeing is won or lost."),
     68, 66),
    (Person("workplace04@example.org", "Eilidh Fraser", "Greystone Combined Authority",
            "Workforce Strategy Lead", "Workforce Strategy Lead for a new combined authority"),
     Answers("Hybrid working and wellbeing",
             "The wellbeing part of our hybrid working policy.",
             "To learn what the evidence says about wellbeing and hybrid working."),
     67, 65),
    (Person("workplace05@example.org", "Kwame Mensah", "Brackenridge Borough Council",
            "Occupational Health Adviser", "Occupational Health Adviser and mental health first aid lead"),
     Answers("Mental health at work",
             "A mental health at work plan that joins up occupational health and our first aiders.",
             "To move from supporting people who are unwell to preventing harm at work."),
     66, 65),
    (Person("workplace06@example.org", "Rachel Dunn", "Northvale Fire and Rescue Service",
            "Health and Wellbeing Manager", "Health and Wellbeing Manager for operational staff"),
     Answers("Wellbeing of operational staff",
             "A wellbeing strategy for firefighters and control room staff after traumatic incidents.",
             "Our staff face risks most workplaces do not; I want to learn from other services."),
     60, 58),
    (Person("workplace07@example.org", "Owen Pritchard", "Kestrel Bay Council",
            "Employee Wellbeing Officer", "Employee Wellbeing Officer"),
     Answers("Sickness absence and wellbeing",
             "A refreshed attendance policy that treats wellbeing as more than absence figures.",
             "Our only wellbeing measure today is sickness absence; we need better ones."),
     45, 43),
    (Person("workplace08@example.org", "Sana Iqbal", "Eastcliffe Council",
            "Public Health Practitioner", "Public Health Practitioner for workplace health"),
     Answers("Wellbeing of care staff",
             "The wellbeing of the council's adult social care workforce.",
             "Care staff have the lowest wellbeing scores in our staff survey."),
     31, 29),
    (Person("workplace09@example.org", "Declan Moore", "Harbourne District Council",
            "Policy Officer, People and Culture", "Policy Officer in the People and Culture team"),
     Answers("Wellbeing measures in the staff survey",
             "New wellbeing questions in our annual staff survey and a way to report them.",
             "To choose measures that are comparable with other councils and with national data."),
     24, 22),
)

# Sent recently; the facilitator has not decided yet. (person, answers, applied days ago)
WAITING = (
    (Person("n.kowalski@example.org", "Nina Kowalski", "Fenmoor District Council",
            "HR Adviser", "HR Adviser leading on wellbeing policies"),
     Answers("Menopause and wellbeing at work",
             "A menopause at work policy as part of our wellbeing offer.",
             "To make sure the policy rests on evidence and is measured."),
     12),
    (Person("p.osei@example.org", "Peter Osei", "Millbrook County Council",
            "Head of Organisational Development", "Head of Organisational Development"),
     Answers("Staff wellbeing strategy",
             "Our staff wellbeing strategy for 2025 to 2028.",
             "Our current strategy ends next year and was written without measures."),
     6),
    (Person("l.carver@example.org", "Lucy Carver", "Westfold Borough Council",
            "Wellbeing Champions Coordinator", "Coordinator of the council's wellbeing champions"),
     Answers("Wellbeing champions network",
             "A plan for our network of 40 wellbeing champions.",
             "To learn how other organisations support and measure their champions' work."),
     2),
)


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
