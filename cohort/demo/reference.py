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


def _council(n: int, name: str) -> tuple[str, str]:
    return f"participant{n:02}@example.org", name


# In the report's order of councils and of areas of focus. The report lists the backgrounds
# without saying whose they were; each is given to the council whose work it fits best. The
# demo accounts participant01 to participant10 are the places' holders at the end.
PLACES = (
    PlaceStory(
        Person(*_council(1, "Priya Shah"), "Southampton City Council", "HR Business Partner",
               "Human Resources Business Partner leading on employee wellbeing"),
        Answers("Employee wellbeing",
                "Review and update 'The Way We Work', our internal employee wellbeing strategy "
                "first published in 2019, for the way the pandemic has changed how we work.",
                "To ground the refreshed strategy in evidence, and to support our network of "
                "staff wellbeing champions and Mental Health First Aiders."),
        date(2021, 1, 14),
    ),
    PlaceStory(
        Person("former02@example.org", "Nadia Hussain", "Blackburn with Darwen Borough Council",
               "Mental Health Development Lead", "Mental Health Development lead"),
        Answers("Mental wellbeing and inequalities",
                "A Mental Wellbeing and Inequalities Framework that council departments and "
                "partners can use to see how a policy or service affects residents' mental "
                "wellbeing, looking closest at the people with the lowest wellbeing.",
                "To raise the profile of mental wellbeing with partners across the public and "
                "voluntary and community sector, and to learn how to measure inequalities in it."),
        date(2021, 1, 18),
        successor=Person(*_council(2, "Tom Birch"), "Blackburn with Darwen Borough Council",
                         "Public Health Specialist",
                         "Public Health Specialist for mental wellbeing in the Public Health team"),
        team_from=date(2021, 5, 11), handed_over_on=date(2021, 7, 19),
    ),
    # The report's list says "East Devon County Council"; its own account of the council's work
    # and its contents page name the district council, which is the right body.
    PlaceStory(
        Person("former03@example.org", "Martin Ellis", "East Devon District Council",
               "Community Development Worker",
               "Community Development Worker in a Tenants and Communities team"),
        Answers("Recovery and resilience",
                "A wellbeing strategy for the district's recovery from the pandemic, starting "
                "from how the Housing service already contributes to tenants' wellbeing.",
                "To understand how to measure tenants' and communities' wellbeing and put it "
                "at the centre of our recovery plans."),
        date(2021, 1, 20),
        successor=Person(*_council(3, "Grace Holloway"), "East Devon District Council",
                         "Tenant Wellbeing Officer",
                         "Tenant Wellbeing Officer in EDDC Housing, working on tenant wellbeing"),
        team_from=date(2021, 4, 20), handed_over_on=date(2021, 8, 16),
    ),
    PlaceStory(
        Person("former04@example.org", "Stephen Clarke", "Walsall Council",
               "Head of Policy and Strategy", "New Head of Service working in the Corporate Centre"),
        Answers("Wellbeing in all policies",
                "Embed wellbeing as one of the building blocks of our new Policy and Strategy "
                "Unit, and in the way every directorate writes policy.",
                "The new Unit is to give evidence-based thought leadership across directorates "
                "and partners; wellbeing evidence should be part of it from the start."),
        date(2021, 1, 25),
        successor=Person(*_council(4, "Daniel Okoro"), "Walsall Council", "Senior Policy Officer",
                         "Senior Policy Officer in the new Policy and Strategy Unit"),
        handed_over_on=date(2021, 9, 6),
    ),
    PlaceStory(
        Person("former05@example.org", "Joanna Price", "Sutton Council",
               "Consultant in Public Health", "Newly qualified Consultant in Public Health"),
        Answers("Helping Early Strategy",
                "Our Helping Early strategy and a shared Children's Plan for children and "
                "families aged 0 to 25, with measures of children's and young people's wellbeing.",
                "To take a systems approach with our partners in health, the voluntary sector, "
                "social care and mental health services, with wellbeing as a shared outcome."),
        date(2021, 1, 27),
        successor=Person(*_council(5, "Hannah Lees"), "Sutton Council", "Public Health Principal",
                         "Public Health Principal for children and young people"),
        team_from=date(2021, 5, 4), handed_over_on=date(2021, 10, 4),
    ),
    PlaceStory(
        Person(*_council(6, "Rhys Morgan"), "Babergh and Mid Suffolk District Councils",
               "Health and Wellbeing Officer",
               "Strategic Health and Wellbeing officer in a Communities team"),
        Answers("Wellbeing strategy",
                "A Wellbeing Strategy for both councils, for 2021 to 2027: a vision for the "
                "wellbeing of communities, the factors that affect it, outcomes and measures.",
                "Wellbeing is one of the councils' priorities; we want the strategy to use the "
                "best evidence on what affects wellbeing and how to measure it."),
        date(2021, 2, 1),
    ),
    PlaceStory(
        Person("former07@example.org", "Fraser Innes", "The City of Edinburgh Council",
               "Senior Change and Delivery Officer",
               "Senior Change and Delivery Officer, working in a central Strategic Change team"),
        Answers("Wellbeing programme",
                "The city's Wellbeing Programme, joining up Culture, Sport and Leisure, "
                "Libraries and Adult Education around shared wellbeing outcomes.",
                "Each service knows its part in the city's wellbeing; we need a shared "
                "definition, and measures to prioritise what we invest in."),
        date(2021, 2, 3),
        successor=Person(*_council(7, "Isla Campbell"), "The City of Edinburgh Council",
                         "Strategy and Insight Officer",
                         "Strategy and Insight Officer for Culture, Sport and Leisure"),
        team_from=date(2021, 4, 27), handed_over_on=date(2021, 7, 28),
        proposed_on=date(2021, 7, 26),
        note="I start a new post in a neighbouring council next month. Isla has been on our "
             "team since April and knows the programme's work as well as I do.",
    ),
    PlaceStory(
        Person("former08@example.org", "Sophie Turner", "Westminster City Council",
               "Wellbeing and Reward Specialist",
               "Wellbeing and Reward Specialist, employee wellbeing"),
        Answers("Employee wellbeing framework",
                "Update our staff wellbeing policy: the current strategy names the enablers of "
                "wellbeing at work but has no clear priorities or measures of impact.",
                "To bring together the evidence on what drives wellbeing at work and on job "
                "quality, and to agree priorities and performance measures."),
        date(2021, 2, 4),
        successor=Person(*_council(8, "Omar Haddad"), "Westminster City Council",
                         "HR Policy Adviser", "HR Policy Adviser for staff wellbeing"),
        team_from=date(2021, 6, 8), handed_over_on=date(2021, 9, 13),
    ),
    PlaceStory(
        Person("former09@example.org", "Helen Ward", "Redcar and Cleveland Council",
               "Public Health Development Manager", "Public Health Development Manager"),
        Answers("Wellbeing strategy",
                "Maximise the wellbeing impact of our existing programmes, with evidence of "
                "what works and wellbeing measures to monitor and target them.",
                "We take an asset-based approach to community wellbeing in a coastal borough, "
                "and want local wellbeing data below council level."),
        date(2021, 2, 8),
        successor=Person(*_council(9, "Laura Pennington"), "Redcar and Cleveland Council",
                         "Public Health Intelligence Analyst",
                         "Public Health Intelligence Analyst building a community wellbeing "
                         "dashboard"),
        handed_over_on=date(2021, 8, 25), proposed_on=date(2021, 8, 23),
        note="I have taken a job outside local government. Laura leads our wellbeing data "
             "work and is keen to take the place on.",
    ),
    PlaceStory(
        Person(*_council(10, "Sam Whitaker"), "Kirklees Council", "Public Health Strategist",
               "Mid-career Strategist working in a Public Health team"),
        Answers("Inclusion Commission",
                "The work of our Inclusion Commission, asking what happens if we look at "
                "inclusion through a wellbeing lens, with wellbeing questions in our household "
                "survey.",
                "To understand the stark differences in wellbeing within and between our "
                "communities, and what our data on wellbeing inequalities tells us."),
        date(2021, 2, 10),
    ),
)

# Brought onto the Blackburn with Darwen team by its first holder; still a team member.
COLLEAGUE = Person("colleague01@example.org", "Chloe Adams", "Blackburn with Darwen Borough Council",
                   "Partnerships Officer",
                   "Partnerships Officer working with the voluntary and community sector")
COLLEAGUE_FROM = date(2021, 6, 1)
COLLEAGUE_OF = 1  # index in PLACES

WAITING_MESSAGE = (
    "We are starting with ten participants so the group can get to know each other. If one of "
    "them withdraws before the first workshop, we will offer you their place."
)
OTHER_APPLICATIONS = (
    # (person, answers, applied on, decision, message)
    (Person("m.okafor@example.org", "Michael Okafor", "Ravensby Metropolitan Borough Council",
            "Workforce Wellbeing Lead", "Workforce Wellbeing Lead in Organisational Development"),
     Answers("Employee wellbeing",
             "A staff wellbeing plan for the council's workforce after the pandemic.",
             "To learn from other councils working on the wellbeing of their staff."),
     date(2021, 2, 9), "waitlist", WAITING_MESSAGE),
    (Person("r.lindqvist@example.org", "Rebecca Lindqvist", "Westmarch County Council",
            "Public Health Officer", "Public Health Officer for healthy ageing"),
     Answers("Healthy ageing",
             "The wellbeing chapter of our Health and Wellbeing Strategy's refresh, on later life.",
             "To bring wellbeing evidence into our work on independence in later life."),
     date(2021, 2, 11), "waitlist", WAITING_MESSAGE),
    (Person("d.baines@example.org", "David Baines", "Lowhaven Borough Council",
            "Environmental Protection Officer", "Environmental Protection Officer"),
     Answers("Air quality",
             "Our next air quality action plan, due in 2023.",
             "To understand how air quality and wellbeing are linked."),
     date(2021, 2, 12), "decline",
     "This cohort is for policy makers with a strategy to prepare or refresh in 2021/22, and "
     "your plan is due in 2023. We hope you will apply to a later cohort."),
)


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
