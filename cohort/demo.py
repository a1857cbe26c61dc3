"""Demo data: the report's 2021 cohort as a finished reference case, and a running cohort.

The reference cohort restates facts from the project report (Phase 3, "Local Authority wellbeing
policy making cohort"): the ten councils and their areas of focus, the participants' professional
backgrounds, the ground rules and Table 4's sessions. People's names are invented. Everything
is created through the services, so the demo obeys the same rules as real data.
"""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from cohort.accounts.models import User
from cohort.accounts.services import create_user
from cohort.core.timeutil import utcnow, zone
from cohort.enrolment.services import add_member, create_cohort
from cohort.extensions import db
from cohort.programme.services import add_session

TIMEZONE = "Europe/London"
SESSION_HOUR = time(10, 0)  # the report gives dates only; sessions start at 10am local time
PROGRAMME_TEAM = "Cohort programme team"

ADMIN = ("admin@example.org", "Alex Admin")
FACILITATOR = ("facilitator@example.org", "Fiona Marsh", "Programme facilitator")
EVALUATOR = ("evaluator@example.org", "Ellis Warren", "Evaluation lead")

# (name, council, area of focus, professional background, job title), in the report's order of
# councils and of areas of focus. The report lists the backgrounds without saying whose they
# were; each is given to the council whose work in the report it fits best.
PARTICIPANTS = (
    ("Priya Shah", "Southampton City Council", "Employee wellbeing",
     "Human Resources Business Partner leading on employee wellbeing", "HR Business Partner"),
    ("Tom Birch", "Blackburn with Darwen Borough Council", "Mental wellbeing and inequalities",
     "Mental Health Development lead", "Mental Health Development Lead"),
    # The report's list says "East Devon County Council"; its own account of the council's work
    # and its contents page name the district council, which is the right body.
    ("Grace Holloway", "East Devon District Council", "Recovery and resilience",
     "Community Development Worker in a Tenants and Communities team",
     "Community Development Worker"),
    ("Daniel Okoro", "Walsall Council", "Wellbeing in all policies",
     "New Head of Service working in the Corporate Centre", "Head of Policy and Strategy"),
    ("Hannah Lees", "Sutton Council", "Helping Early Strategy",
     "Newly qualified Consultant in Public Health", "Consultant in Public Health"),
    ("Rhys Morgan", "Babergh and Mid Suffolk District Councils", "Wellbeing strategy",
     "Strategic Health and Wellbeing officer in a Communities team",
     "Health and Wellbeing Officer"),
    ("Isla Campbell", "The City of Edinburgh Council", "Wellbeing programme",
     "Senior Change and Delivery Officer, working in a central Strategic Change team",
     "Senior Change and Delivery Officer"),
    ("Omar Haddad", "Westminster City Council", "Employee wellbeing framework",
     "Wellbeing and Reward Specialist, employee wellbeing", "Wellbeing and Reward Specialist"),
    ("Laura Pennington", "Redcar and Cleveland Council", "Wellbeing strategy",
     "Public Health Development Manager", "Public Health Development Manager"),
    ("Sam Whitaker", "Kirklees Council", "Inclusion Commission",
     "Mid-career Strategist working in a Public Health team", "Public Health Strategist"),
)

# Agreed by the 2021 participants in their first workshop.
GROUND_RULES = (
    "Trust",
    "A safe space free from judgement",
    "Action-focused",
    "Pragmatic: experience, practice, data and evidence of what works",
    "Listen",
    "A 'no wrong answer' approach in discussions",
)

REFERENCE = {
    "title": "Local authority wellbeing policy making cohort 2021",
    "focus": "Wellbeing policy making",
    "status": "finished",
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

# Table 4 of the report: title, kind, local date, minutes, topics, learning objectives, extras.
REFERENCE_SESSIONS = (
    ("Introduction to Strategic Space and Policy Skills", "introduction", date(2021, 3, 16), 90,
     ("Introducing Strategic Space",
      "Good strategic thinking and overcoming obstacles",
      "Mapping wellbeing policy making and personal action plannings"),
     ("Describe a public sector model for strategic thinking",
      "Take action and apply learning to own policy making"),
     {}),
    ("Introduction to Wellbeing (Wellbeing 101)", "introduction", date(2021, 3, 18), 90,
     ("What is wellbeing, how is it defined and measured",
      "Key factors that influence individual wellbeing and community wellbeing"),
     ("Explain what wellbeing is and how is can be measured",
      "Describe the drivers of individual personal subjective wellbeing and community wellbeing"),
     # Unlike the other sessions, this one was open to participants' colleagues.
     {"audience": "members_and_colleagues"}),
    ("Workshop 1", "workshop", date(2021, 4, 13), 150,
     ("Introduce cohort approach and agree 'ground rules'",
      "Get to know each other, and the topics we are working on",
      "Recap of policy making and introduction to wellbeing"),
     ("Clear on 'ask' of being part of cohort",
      "Meet other participants",
      "Identify opportunities for collaboration"),
     {}),
    ("Workshop 2", "workshop", date(2021, 6, 23), 150,
     ("Introducing the six hallmarks of coherent wellbeing policy making",
      "Wellbeing Inequalities: concepts and approaches to measuring"),
     ("Explain what makes coherent wellbeing policy and why it matters",
      "Describe approaches to wellbeing inequality and inequity",
      "Understand how to measure different aspects of wellbeing",
      "Take action and apply wellbeing findings and tools to your wellbeing policy making"),
     {}),
    # The report gives no length for the deep dive; 90 minutes matches the other short sessions.
    ("Exploring Wellbeing Inequality", "deep_dive", date(2021, 7, 6), 90,
     ("what is wellbeing inequality?",
      "why does wellbeing inequality matter",
      "how we measured wellbeing inequality",
      "wellbeing inequality across Britain",
      "wellbeing inequality between groups"),
     ("Explain what wellbeing inequality is and how is can be measured",
      "Identify which groups are most at risk of low wellbeing",
      "Describe how to compare wellbeing inequality between groups and over time",
      "Apply insight to own policy making"),
     {"description": "Added after Workshop 2 at the request of a smaller group of participants. "
                     "Works through a report and how-to guide on wellbeing inequality."}),
    ("Workshop 3", "workshop", date(2021, 9, 23), 150,
     ("Deep Dive - The Implementation hallmark (of coherent wellbeing policy making)",
      "Wellbeing and Levelling up"),
     ("Explain the role of implementation in wellbeing policy and why it matters",
      "Describe key features of a wellbeing approach to levelling up",
      "Take action and apply wellbeing findings and tools across the local authority and "
      "wider partnership",
      "Clear about what's required for reporting: action plans, blog and optional practice "
      "example"),
     {}),
)

# The report suggests a next cohort with a single focus, such as workplace wellbeing.
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

# As REFERENCE_SESSIONS, with the week offset from today in place of the date.
RUNNING_SESSIONS = (
    ("Introduction to Strategic Space and Policy Skills", "introduction", -9, 90,
     ("Introducing Strategic Space",
      "Good strategic thinking and overcoming obstacles",
      "Mapping your workplace wellbeing policy and your own action plan"),
     ("Describe a public sector model for strategic thinking",
      "Apply the model to your own workplace wellbeing policy"),
     {}),
    ("Introduction to Workplace Wellbeing", "introduction", -8, 90,
     ("What wellbeing at work means and how it is measured",
      "What drives wellbeing at work: job quality, line management, security and voice"),
     ("Explain what workplace wellbeing is and how it can be measured",
      "Describe the main drivers of employee wellbeing"),
     {"audience": "members_and_colleagues"}),
    ("Workshop 1", "workshop", -6, 150,
     ("Introduce the cohort approach and agree our ground rules",
      "Get to know each other and the staff wellbeing policies we are working on",
      "Recap of policy making and of workplace wellbeing"),
     ("Be clear on what taking part in the cohort asks of you",
      "Meet the other participants",
      "Identify opportunities to work together"),
     {}),
    ("Workshop 2", "workshop", -1, 150,
     ("The six hallmarks of coherent wellbeing policy making, applied to a staff wellbeing "
      "strategy",
      "Measuring employee wellbeing: staff surveys, sickness absence and job quality"),
     ("Explain what makes a staff wellbeing policy coherent and why it matters",
      "Choose measures that show whether a workplace wellbeing policy is working",
      "Take action and apply the evidence to your own workplace wellbeing policy"),
     {}),
    ("Wellbeing Inequality at Work", "deep_dive", 1, 90,
     ("Which staff groups are most at risk of low wellbeing",
      "Comparing wellbeing between staff groups and over time",
      "Acting on the gaps a staff survey reveals"),
     ("Identify which staff groups are most at risk of low wellbeing",
      "Describe how to compare wellbeing between staff groups and over time",
      "Apply the insight to your own workplace wellbeing policy"),
     {}),
    ("Workshop 3", "workshop", 6, 150,
     ("The implementation hallmark in a workplace: line managers, wellbeing champions and "
      "mental health first aiders",
      "Reporting on a staff wellbeing strategy to senior leaders"),
     ("Explain the role of implementation in a staff wellbeing policy and why it matters",
      "Plan how your organisation will report progress on staff wellbeing",
      "Be clear about what is needed for reporting: action plan, blog and optional practice "
      "example"),
     {}),
)


def database_is_empty() -> bool:
    """True when there are no users, so the demo can be loaded without losing anyone's data."""
    return db.session.execute(select(User.id).limit(1)).first() is None


def load(password: str) -> list[tuple[str, str]]:
    """Delete every record, then create the demo; flushes only. Returns (email, description).

    Raises AccountError if the password breaks the password rules.
    """
    _delete_everything()
    admin = create_user(*ADMIN, password=password, is_admin=True)
    facilitator = create_user(FACILITATOR[0], FACILITATOR[1], password=password,
                              organisation=PROGRAMME_TEAM, job_title=FACILITATOR[2])
    evaluator = create_user(EVALUATOR[0], EVALUATOR[1], password=password,
                            organisation=PROGRAMME_TEAM, job_title=EVALUATOR[2])
    participants = [
        create_user(f"participant{n:02}@example.org", name, password=password,
                    organisation=council, job_title=job_title)
        for n, (name, council, _focus, _background, job_title) in enumerate(PARTICIPANTS, 1)
    ]

    reference = create_cohort(admin, ground_rules="\n".join(GROUND_RULES), timezone=TIMEZONE,
                              **REFERENCE)
    _add_staff(admin, reference, facilitator, evaluator)
    for user, (_name, council, focus, background, _title) in zip(
        participants, PARTICIPANTS, strict=True
    ):
        add_member(admin, reference, user, "participant", organisation=council,
                   area_of_focus=focus, professional_background=background)
    for title, kind, day, minutes, topics, objectives, extra in REFERENCE_SESSIONS:
        _add_session(facilitator, reference, title, kind, day, minutes, topics, objectives, extra)

    today = utcnow().astimezone(zone(TIMEZONE)).date()
    days = [_weekday(today + timedelta(weeks=weeks)) for _t, _k, weeks, *_ in RUNNING_SESSIONS]
    running = create_cohort(admin, ground_rules="\n".join(GROUND_RULES), timezone=TIMEZONE,
                            starts_on=days[0], ends_on=days[-1] + timedelta(weeks=4), **RUNNING)
    _add_staff(admin, running, facilitator, evaluator)
    _name, council, focus, background, _title = PARTICIPANTS[0]
    add_member(admin, running, participants[0], "participant", organisation=council,
               area_of_focus=focus, professional_background=background)
    for day, (title, kind, _weeks, minutes, topics, objectives, extra) in zip(
        days, RUNNING_SESSIONS, strict=True
    ):
        _add_session(facilitator, running, title, kind, day, minutes, topics, objectives, extra)

    return [
        (admin.email, "site administrator"),
        (facilitator.email, "facilitator of both cohorts"),
        (evaluator.email, "evaluator of both cohorts"),
        (participants[0].email, f"participant in both cohorts ({PARTICIPANTS[0][1]})"),
        *(
            (user.email, f"participant in the 2021 cohort ({council})")
            for user, (_name, council, *_rest) in zip(
                participants[1:], PARTICIPANTS[1:], strict=True
            )
        ),
    ]


def _delete_everything() -> None:
    db.session.flush()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    # Objects loaded before the delete are gone from the database; forget them, so a new row
    # that reuses an old id does not collide with a stale copy in the session.
    db.session.expunge_all()


def _add_staff(admin, cohort, facilitator, evaluator) -> None:
    add_member(admin, cohort, facilitator, "facilitator")
    add_member(admin, cohort, evaluator, "evaluator")


def _add_session(facilitator, cohort, title, kind, day, minutes, topics, objectives, extra):
    starts_at = datetime.combine(day, SESSION_HOUR, tzinfo=zone(TIMEZONE)).astimezone(UTC)
    return add_session(facilitator, cohort, title, kind, starts_at, minutes, timezone=TIMEZONE,
                       topics=list(topics), objectives=list(objectives), **extra)


def _weekday(day: date) -> date:
    """Move a weekend day to the nearest working day (Saturday back, Sunday forward)."""
    if day.weekday() == 5:
        return day - timedelta(days=1)
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day
