"""What each place rated and planned, for cohort/demo/plans.py.

The 2021 cohort's items follow the report's account of each council's work ("Action: policy
making taking place" and "Interest - learning and actively exploring opportunities"); the
levels the councils agreed and the dates are invented, in keeping with that account. The
running cohort's are invented.

Levels are given per hallmark in the framework's order (1, 2, 3a, 3b, 4, 5, 6) as digits:
0 for not yet at assuring, 1 assuring, 2 optimising, 3 maximising.
"""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Item:
    """An action: `hallmarks` are keys separated by spaces; `owner` indexes the people on the
    place (0 is its holder). `update` is the progress note that moved it to `status`, written on
    `update_on` (days after `added` in the running cohort)."""

    title: str
    hallmarks: str
    added: date | int
    due: date | int
    status: str = "not_started"
    update: str | None = None
    update_on: date | int | None = None
    evidence: str | None = None
    owner: int = 0


@dataclass(frozen=True)
class Story:
    holder: str  # the email of the place's holder
    start: str
    end: str | None
    items: tuple[Item, ...]


WHAT_WORKS = "https://whatworkswellbeing.org/resources/"
D = date

REFERENCE_STORIES = (
    Story("participant01@example.org", "1000100", "2011100", (
        Item("Lunch and learn sessions on employee wellbeing for our wellbeing champions and "
             "Mental Health First Aiders", "3b 6", D(2021, 4, 19), D(2021, 9, 30), "done",
             "Four sessions run with the Centre, on the Five Ways to Wellbeing and on acting "
             "on the evidence for personal mental wellbeing.", D(2021, 9, 22)),
        Item("Share the Ten Keys to Happier Living with the champions network", "3b",
             D(2021, 4, 19), D(2021, 7, 30), "done",
             "Shared at the champions' June meeting, with a short guide for their teams.",
             D(2021, 6, 24), "https://actionforhappiness.org/10-keys"),
        Item("Review 'The Way We Work' against the evidence on wellbeing at work", "1 3b",
             D(2021, 4, 19), D(2021, 12, 17), "in_progress",
             "Postponed over the summer by the pressures on HR; restarted with the evidence "
             "summaries from the workshops.", D(2021, 11, 8)),
    )),
    Story("participant02@example.org", "1110000", "2221111", (
        Item("Draft a Mental Wellbeing and Inequalities Framework with partners across the "
             "public and voluntary and community sector", "1 2", D(2021, 4, 20),
             D(2021, 10, 29), "done",
             "The framework is agreed with the partnership board, with a tool for departments "
             "and partners to use.", D(2021, 10, 25)),
        Item("Identify the residents with the lowest mental wellbeing using Covid:WIRED and the "
             "groups at risk of low wellbeing", "3a", D(2021, 4, 20), D(2021, 7, 30), "done",
             "Groups at risk mapped against our own data; the framework asks users to look "
             "closest at them.", D(2021, 7, 12),
             "https://whatworkswellbeing.org/projects/covidwired/", owner=1),
        Item("Test the framework with two council departments and a partner organisation", "6",
             D(2021, 9, 1), D(2022, 3, 31), "in_progress",
             "Housing and Leisure have agreed to try it on a service review this winter.",
             D(2021, 11, 29), owner=1),
    )),
    Story("participant03@example.org", "1000000", "1110101", (
        Item("Review how the Housing service contributes to tenants' wellbeing and map our "
             "spheres of influence", "3a 4", D(2021, 4, 20), D(2021, 7, 30), "done",
             "The review showed existing commitments to work with rather than a new strategy.",
             D(2021, 7, 5)),
        Item("Propose to Housing's senior leaders that tenant wellbeing be the overarching goal "
             "of all our activities", "2", D(2021, 7, 19), D(2022, 1, 31), "in_progress",
             "Presentation drafted, with the Your Home Your Wellbeing recommendations.",
             D(2021, 12, 6)),
        Item("Collect consenting tenants' ONS4 wellbeing scores and report them in next year's "
             "annual report", "5", D(2021, 7, 19), D(2022, 6, 30)),
    )),
    Story("participant04@example.org", "1100000", "2210001", (
        Item("Turn the programme's content into a policy writer's toolkit for the Policy and "
             "Strategy Unit", "1 2 6", D(2021, 4, 21), D(2021, 11, 30), "done",
             "The toolkit is published on the intranet with a wellbeing section in every "
             "template.", D(2021, 11, 22)),
        Item("Brief each directorate's policy leads on using wellbeing evidence", "3b",
             D(2021, 9, 6), D(2022, 2, 28)),
    )),
    Story("participant05@example.org", "1101000", "2222120", (
        Item("Develop wellbeing measures for the Children's Plan around Myself, My family, "
             "Online, My community, My relationships and My safety", "5", D(2021, 4, 20),
             D(2021, 10, 29), "done",
             "Measures agreed with the Children's Society's help, drawing on the Good Childhood "
             "Index.", D(2021, 10, 18), WHAT_WORKS
             + "measuring-children-and-young-peoples-subjective-wellbeing/"),
        Item("Design a survey of 16 to 18 year olds to run every year", "3a 5", D(2021, 5, 4),
             D(2021, 11, 30), "done", "The survey is ready for its first run in the spring.",
             D(2021, 11, 15)),
        Item("Agree wellbeing as a shared outcome with partners in health, the voluntary sector "
             "and children's social care", "2", D(2021, 5, 4), D(2022, 3, 31), "in_progress",
             "The shared Children's Plan names it; the partners' boards sign off in the new "
             "year.", D(2021, 12, 8)),
    )),
    Story("participant06@example.org", "1111100", "3322221", (
        Item("Write the Wellbeing Strategy 2021-2027: a vision, the factors that affect "
             "wellbeing, outcomes and measures", "1 2 4", D(2021, 4, 19), D(2021, 10, 29),
             "done", "The strategy is adopted by both councils' Cabinets.", D(2021, 10, 21)),
        Item("Assess wellbeing need using the ONS Measuring National Wellbeing domains", "3a",
             D(2021, 4, 19), D(2021, 7, 30), "done",
             "Needs assessment finished; it forms the strategy's second chapter.",
             D(2021, 7, 26)),
        Item("Set a mix of objective and subjective performance measures", "5", D(2021, 6, 14),
             D(2021, 10, 29), "done", "Twelve measures agreed, four of them subjective.",
             D(2021, 10, 11)),
        Item("Describe how the strategy will be implemented, and with whom", "6",
             D(2021, 9, 13), D(2022, 3, 31), "in_progress",
             "Implementation approaches drafted with the Communities team.", D(2021, 12, 1)),
    )),
    Story("participant07@example.org", "1010000", "2120010", (
        Item("Agree a shared definition of wellbeing across Culture, Sport and Leisure, "
             "Libraries and Adult Education, starting from the evidence", "1",
             D(2021, 4, 27), D(2021, 9, 30), "done",
             "Agreed at the services' joint workshop, using the six hallmarks as the starting "
             "point.", D(2021, 9, 14)),
        Item("Use local data and national measures to challenge our assumptions about "
             "wellbeing needs", "3a", D(2021, 4, 27), D(2021, 12, 17), "in_progress",
             "First comparison with the national measures done; local data to follow.",
             D(2021, 11, 3)),
        Item("Define themes, then refine measures with the Measures Bank, starting with Pleasure "
             "and Purpose", "5", D(2021, 8, 2), D(2022, 3, 31), "in_progress",
             "Themes agreed; measures chosen for the first two.", D(2021, 12, 2),
             "https://measure.whatworkswellbeing.org/measures-bank/"),
    )),
    Story("participant08@example.org", "1101100", "2222220", (
        Item("Bring together the evidence on the drivers of workplace wellbeing and on job "
             "quality", "3b 4", D(2021, 4, 20), D(2021, 7, 30), "done",
             "Evidence summary written after the Centre's workplace wellbeing session.",
             D(2021, 7, 16), WHAT_WORKS + "job-quality-and-wellbeing/"),
        Item("Set priorities for action in a model of three pillars of wellbeing", "2 4",
             D(2021, 6, 8), D(2021, 10, 29), "done",
             "Promotion, prevention and restitution: the strategy's three pillars.",
             D(2021, 10, 27)),
        Item("Agree performance measures that show the strategy's impact", "5", D(2021, 9, 13),
             D(2022, 1, 31), "in_progress", "Shortlist of measures with the staff survey team.",
             D(2021, 12, 6)),
    )),
    Story("participant09@example.org", "1111100", "2232321", (
        Item("Add the ONS4 personal wellbeing measures to the borough household survey", "3a 5",
             D(2021, 4, 21), D(2021, 9, 30), "done",
             "The survey now gives wellbeing data below council level for the first time.",
             D(2021, 9, 20)),
        Item("Map the community's assets: the coast, heritage, arts and culture", "3a 4",
             D(2021, 5, 10), D(2021, 9, 30), "done", "Asset map shared with the partnership.",
             D(2021, 9, 6)),
        Item("Build a community wellbeing dashboard on the local needs for wellbeing data "
             "framework", "5", D(2021, 8, 25), D(2021, 12, 17), "done",
             "The dashboard is live for the council's teams.", D(2021, 12, 9)),
        Item("Use evidence of what works to target our existing programmes", "3b 6",
             D(2021, 8, 25), D(2022, 3, 31), "in_progress",
             "Two programmes reviewed against the evidence so far.", D(2021, 12, 10)),
    )),
    Story("participant10@example.org", "1010000", "2121100", (
        Item("Add wellbeing questions to the CLiK household survey: loneliness, influence, "
             "trust, and the ONS4", "3a 5", D(2021, 4, 22), D(2021, 9, 30), "done",
             "The questions are in this year's survey.", D(2021, 9, 2)),
        Item("Analyse the differences in wellbeing within and between our communities", "3a",
             D(2021, 4, 22), D(2021, 11, 30), "done",
             "Analysis shared with the Inclusion Commission.", D(2021, 11, 24)),
        Item("Take a life course lens into the Inclusion Commission's recommendations", "2 3b",
             D(2021, 7, 5), D(2022, 3, 31), "in_progress",
             "Parental mental health and emotional health at 16 are in the draft.",
             D(2021, 12, 3), WHAT_WORKS + "origins-of-happiness-briefing/"),
    )),
)

# The running cohort: added and due in days from today. participant01 has only a draft; the
# overdue item (due five days ago) and the blocked item are marked.
RUNNING_STORIES = (
    Story("participant01@example.org", "21", None, (
        Item("Compare our wellbeing measures with two other councils in the cohort", "5",
             -20, 40, "in_progress", "Megan and Owen have shared their staff survey questions.",
             -6),
    )),
    Story("workplace02@example.org", "1100100", None, (
        Item("Test the first draft of the strategy with peers before Cabinet", "1 2", -38, 30,
             "in_progress", "Draft shared on the board for feedback.", -10),
        Item("Set out the evidence on what drives wellbeing at work", "3b", -38, 20),
    )),
    Story("workplace03@example.org", "1010100", None, (
        Item("Pilot the line manager wellbeing toolkit with two teams", "6", -36, -5,  # overdue
             "in_progress", "First team done; the second team's pilot has not started.", -12),
        Item("Add the toolkit's questions to the staff survey's line manager section", "5",
             -36, 60),
    )),
    Story("workplace04@example.org", "1000000", None, (
        Item("Summarise the evidence on hybrid working and wellbeing for the policy", "3b",
             -35, 25, "done", "Summary written and shared with the policy's working group.", -8),
    )),
    Story("workplace05@example.org", "1101000", None, (
        Item("Agree how occupational health and the mental health first aiders refer to each "
             "other", "6", -34, 45, "blocked",
             "Waiting for the occupational health contract to be renewed before we can agree "
             "the referral route.", -9),
        Item("Find out which staff groups are at risk of low wellbeing", "3a", -34, 35),
    )),
    Story("workplace06@example.org", "1110100", None, (
        Item("Review the support after traumatic incidents against the evidence", "3b 6", -30,
             50, "in_progress", "Control room staff interviewed.", -7),
    )),
    Story("workplace07@example.org", "0000100", None, (
        Item("Choose wellbeing measures beyond sickness absence", "5", -28, 42),
    )),
    Story("workplace08@example.org", "1000000", None, (
        Item("Look at care staff's staff survey results by team", "3a", -20, 30, "in_progress",
             "Results by team received from the survey provider.", -4),
    )),
    Story("workplace09@example.org", "1100000", None, ()),
)
