"""What each cohort shared on its board, for cohort/demo/board.py (which holds the library).

The 2021 cohort's threads follow the report's account of the councils' work and of the
learning community ("a place for participants to share not finished/not perfect work at a
formative stage"); who wrote what, and when, is invented in keeping with it. The running
cohort's are invented. A moment is (day, "HH:MM") in the demo's zone: a date in 2021, or days
from today in the running cohort. People are given by email.
"""

from dataclasses import dataclass
from datetime import date

D = date
FACILITATOR = "facilitator@example.org"
WWW = "https://whatworkswellbeing.org"


@dataclass(frozen=True)
class Say:
    """A post: the opening post comes first; `quotes` is the number of the post it quotes;
    with `hidden`, a facilitator hid it an hour and a half later, for that reason."""

    who: str
    at: tuple
    body: str
    quotes: int | None = None
    hidden: str | None = None


@dataclass(frozen=True)
class Answers:
    who: str
    at: tuple
    answers: tuple[str, ...]  # one a question, in order; "" leaves one unanswered


@dataclass(frozen=True)
class Version:
    at: tuple
    text: str
    changes: str
    pdf: str | None = None  # the file's name: the full draft attached as a PDF too


@dataclass(frozen=True)
class ThreadStory:
    """A thread. For kind "session", the posts are replies to the session's own thread,
    found by the session's title."""

    kind: str
    title: str
    posts: tuple[Say, ...]
    questions: tuple[str, ...] = ()
    draft: str | None = None
    feedback_by: date | int | None = None
    item: str | None = None  # how the title of the action item it asks about begins
    answers: tuple[Answers, ...] = ()
    versions: tuple[Version, ...] = ()
    resolved: tuple | None = None
    pinned: bool = False


def _p(n: int) -> str:
    return f"participant{n:02}@example.org"


def _w(n: int) -> str:
    return f"workplace{n:02}@example.org"


DRAFT_1 = """## Our vision

Great communities with bright and healthy futures that everyone is proud to call home.
Wellbeing is one of the councils' priorities for getting there.

## What we mean by wellbeing

Wellbeing is about being healthy and happy, and having the services that help people stay
that way.

## What affects wellbeing in our districts

We have used the ONS Measuring National Wellbeing domains to assess need: health, where we
live, our relationships, what we do, personal finance, education and skills, the economy and
the natural environment. Our rural communities score well on most of them; access to services
and loneliness among older residents stand out.

## Outcomes

- More residents are physically active.
- Fewer older residents are isolated.
- Residents can reach the services they need.

## How we will measure it

Leisure centre visits, take-up of our community grants, and the number of residents our
Communities team reaches each year."""

DRAFT_2 = """## Our vision

Great communities with bright and healthy futures that everyone is proud to call home.

## What we mean by wellbeing

Wellbeing, put simply, is about "how we are doing" as individuals, within communities, in our
local areas and society, and how sustainable that is for the future. It takes in not just
health but our opportunities, engagement and success in other areas of life: social, civic,
economic, and the built and natural environment.

## Outcomes

By 2027, in the long term: residents are more satisfied with their lives, and the gap between
our most and least deprived wards narrows. By 2023, in the short term: more residents feel
they belong to their neighbourhood, and fewer older residents say they often feel lonely.

## How we will measure it

Twelve measures, objective and subjective: among them life satisfaction and anxiety (ONS4),
how often residents feel lonely, and whether they feel they belong to their neighbourhood,
alongside service data such as leisure centre visits."""

MEGAN_DRAFT = """## Why a staff wellbeing strategy

Oakbridge's 2,400 staff keep the city's services running. Sickness absence has risen for
three years, and stress, anxiety and depression are now its most common cause. We have never
had a strategy that says what we are trying to change.

## What we mean by wellbeing at work

How our staff are doing, at work and because of work: feeling well, finding their work
worthwhile, and having a good-quality job.

## Our three priorities

1. **Good work**: manageable workloads, clear roles and a say in how work is done.
2. **Good managers**: every manager able to hold a wellbeing conversation.
3. **Support when it is needed**: occupational health, the employee assistance programme and
   our mental health first aiders, joined up.

## How we will know it is working

Sickness absence, the staff survey's engagement score, and measures still to be chosen."""

REFERENCE_THREADS = (
    ThreadStory("discussion", "Wellbeing questions in our household survey", (
        Say(_p(10), (D(2021, 5, 6), "10:15"),
            "We are adding wellbeing questions to this year's Current Living in Kirklees (CLiK) "
            "household survey, so we can see how different people and communities are doing, "
            "not just the borough's average. The draft set:\n\n"
            "- How often do you feel lonely?\n"
            "- To what extent do you agree or disagree that you personally can influence "
            "decisions affecting your local area?\n"
            "- To what extent do you agree or disagree that your local area is a place where "
            "people trust each other?\n"
            "- The four ONS personal wellbeing questions (ONS4): life satisfaction, feeling "
            "that what you do is worthwhile, happiness and anxiety yesterday.\n\n"
            "Has anyone asked these in a local survey? I would like to hear how you analysed "
            "them by area and group, and what sample sizes you needed."),
        Say("former09@example.org", (D(2021, 5, 6), "15:40"),
            "We are adding the ONS4 to our borough household survey this year too: it will give "
            "us wellbeing data below council level for the first time. We kept the ONS wording "
            "and the 0 to 10 scale exactly, so we can compare with the national figures."),
        Say("former02@example.org", (D(2021, 5, 7), "09:20"),
            "We use the same loneliness question. Covid:WIRED shows which groups were most at "
            "risk of low wellbeing in the pandemic, young people and people living alone among "
            "them: worth checking that your sample reaches them."),
        Say(_p(10), (D(2021, 5, 10), "11:05"),
            "That settles a debate here: our survey team wanted a 1 to 5 scale to match the "
            "rest of the questionnaire. We will keep the ONS scale.", quotes=2),
        Say(FACILITATOR, (D(2021, 5, 11), "14:30"),
            "The Origins of Happiness briefing is worth reading alongside this: parents' mental "
            "health is among the strongest drivers of their children's life satisfaction as "
            "adults, and emotional health at 16 is the best predictor of how well people do as "
            "adults. It is in the library under Evidence of what works."),
        Say(_p(10), (D(2021, 5, 12), "09:50"),
            "This is a standout for us. It argues for a life course lens in the Inclusion "
            "Commission's recommendations, and for starting with early years and educational "
            "inequalities."),
        Say(_p(9), (D(2021, 9, 29), "13:25"),
            "Picking this up from Helen: our household survey results are in, and for the first "
            "time we have the ONS4 by ward. We are building a community wellbeing dashboard on "
            "the Centre's local needs for wellbeing data framework, and I am happy to share how "
            "we show small-area figures."),
    )),
    ThreadStory("question", "A workplace wellbeing strategy in three pillars?", (
        Say(_p(8), (D(2021, 6, 29), "14:10"),
            "Our staff wellbeing strategy names the enablers of wellbeing at work, but it has no "
            "priorities for action and no measures of impact. We are thinking of organising the "
            "new one in three pillars: **promotion** (good-quality jobs in safe environments "
            "where staff can thrive), **prevention**, and **restitution** (supporting people "
            "when they are unwell and unable to work).\n\n"
            "Has anyone built a workplace wellbeing framework this way? How did you set "
            "priorities within each pillar?"),
        Say(_p(1), (D(2021, 6, 30), "12:30"),
            "We are refreshing 'The Way We Work'. Ours is organised around what we offer (the "
            "employee assistance programme, mental health first aiders, champions), which makes "
            "it hard to say what we are trying to change. Your pillars start from what staff "
            "experience: I like that, and I would like to hear how you measure them."),
        Say(FACILITATOR, (D(2021, 7, 1), "10:00"),
            "@priya-shah and @omar-haddad, you are both working on staff wellbeing, so the Centre "
            "will run a workplace wellbeing session for your two teams this month. Before it, the "
            "evidence on the drivers of workplace wellbeing and on job quality is in the library. "
            "For priorities, hallmark 4 asks whether they address the factors that matter most "
            "for wellbeing at work: job quality, relationships with managers, security and voice "
            "come out strongly."),
        Say(_p(8), (D(2021, 7, 20), "16:45"),
            "Thank you both. After the session we will set the promotion pillar's priorities from "
            "the job quality evidence, and look for one or two measures for each pillar."),
    )),
    ThreadStory("feedback", "Draft Wellbeing Strategy 2021-2027", (
        Say(_p(6), (D(2021, 7, 1), "09:40"),
            "Babergh and Mid Suffolk's first Wellbeing Strategy, for both councils, is below at "
            "a very early stage: not finished and not perfect. It goes to both Cabinets in the "
            "autumn. I would be grateful for answers to any of the three questions."),
        Say(FACILITATOR, (D(2021, 7, 8), "11:15"),
            "Thank you for sharing it this early: this is what the board is for. On measures, "
            "hallmark 5 asks for a mix of objective and subjective ones; the Measures Bank in "
            "the library has validated questions for each."),
        Say(_p(6), (D(2021, 8, 12), "15:20"),
            "Thank you all: version 2 is up, with what changed. I am marking this resolved, and "
            "will share the final strategy when the Cabinets have adopted it."),
    ), questions=(
        "Does our definition of wellbeing make sense to someone who does not work in health?",
        "Are the outcomes specific enough to act on, in the long and the short term?",
        "Which subjective measures would you add, and where would the data come from?",
    ), draft=DRAFT_1, feedback_by=D(2021, 7, 23), item="Write the Wellbeing Strategy",
        answers=(
        Answers(_p(10), (D(2021, 7, 5), "16:00"), (
            "It reads as health with a wellbeing label. Residents' wellbeing also depends on "
            "their work, money, neighbourhood and relationships: say so.",
            "",
            "If you run a residents' survey, add the ONS4: the questions are free to use and "
            "compare with the national figures. We have added loneliness, influence over local "
            "decisions and trust as well.")),
        Answers(_p(7), (D(2021, 7, 7), "10:30"), (
            "We got lost in definitions for weeks; starting from the evidence base helped. "
            "Something like 'how we are doing, and how sustainable that is' travels well.",
            "",
            "Define your themes first and refine the measures as the strategy develops: the "
            "Measures Bank was our best source.")),
        Answers(_p(3), (D(2021, 7, 12), "14:45"), (
            "",
            "The long-term outcomes are clear. The short-term ones read as activities: could "
            "each say what changes for residents within two years?",
            "")),
    ), versions=(
        Version((D(2021, 8, 12), "15:10"), DRAFT_2,
                "The definition is rewritten around 'how we are doing', beyond health. Outcomes "
                "are split into the long term (2027) and the short term (2023), each saying what "
                "changes for residents. Four subjective measures are added: life satisfaction and "
                "anxiety (ONS4), loneliness and belonging. The full draft, with the needs "
                "assessment, is attached.", pdf="wellbeing-strategy-draft-2.pdf"),
    ), resolved=(D(2021, 8, 12), "15:25")),
    ThreadStory("session", "Exploring Wellbeing Inequality", (
        Say(FACILITATOR, (D(2021, 7, 7), "15:00"),
            "Slides and follow-up: the slides are on the session's page. The two tools we used "
            "are in the library under Wellbeing inequalities: Covid:WIRED, and who is at risk of "
            "low wellbeing. Bring one comparison from your own data to Workshop 3."),
    )),
)

RUNNING_THREADS = (
    ThreadStory("discussion", "Line managers' wellbeing conversations", (
        Say(_w(3), (-12, "14:20"),
            "We are piloting a line manager toolkit with two teams. At its heart is a regular "
            "wellbeing conversation: not a welfare check when someone is off sick, but ten "
            "minutes of every one-to-one. Our staff survey says the relationship with your "
            "manager is where wellbeing is won or lost here.\n\n"
            "How do you prepare managers who find these conversations hard? And do you record "
            "anything? Some managers want a form; our unions are wary of one."),
        Say(_w(5), (-11, "09:45"),
            "Our mental health first aiders say the same: managers are who people tell first. "
            "We record only that a conversation happened, never what was said."),
        Say(_p(1), (-9, "16:05"),
            "In Southampton our wellbeing champions ran lunch and learn sessions for managers on "
            "the Five Ways to Wellbeing: it gave them something to talk about that is not "
            "illness. No form: a prompt card with five questions instead."),
        Say(_w(7), (-8, "11:30"),
            "The trouble is when it goes wrong: in our Revenues team one officer has been off "
            "three times this year with stress, and her manager has never once asked how she is.",
            hidden="It describes a colleague and her health closely enough to identify her. "
                   "Please make the point again without those details: this board is a safe "
                   "space for us and for the people we write about"),
        Say(_w(7), (-8, "14:10"),
            "Fair point, thank you Fiona. What I meant: the managers who avoid the conversation "
            "lead the teams that most need it. Jamal, does your toolkit say what a manager does "
            "after a conversation that raises a concern?"),
        Say(_w(3), (-7, "10:00"),
            "It does: a short 'what next' page pointing to occupational health, the employee "
            "assistance programme and the first aiders. @kwame-mensah, could we borrow your "
            "referral wording once it is agreed?"),
    )),
    ThreadStory("feedback", "First draft of our staff wellbeing strategy", (
        Say(_w(2), (-10, "10:30"),
            "Oakbridge has never had a staff wellbeing strategy. This first draft goes to our "
            "leadership team next month and to Cabinet in the spring. It is rough: the kind of "
            "not-finished work this board is for. Answers to any of the three questions before "
            "next week would help."),
    ), questions=(
        "Is our definition of wellbeing at work clear to staff who have never read a strategy?",
        "Are three priorities the right number, and the right ones for frontline services?",
        "Which measures beyond sickness absence would you use in the first year?",
    ), draft=MEGAN_DRAFT, feedback_by=7, item="Test the first draft of the strategy",
        answers=(
        Answers(_w(3), (-6, "15:00"), (
            "",
            "Three is right. For frontline services I would put good managers first: it is the "
            "priority staff will notice soonest, and the other two depend on it.",
            "")),
    )),
    ThreadStory("question", "Which wellbeing questions are in your staff survey?", (
        Say(_w(9), (-5, "09:50"),
            "We are adding wellbeing questions to our annual staff survey and I would like them "
            "to be comparable with other councils and with national data. What do you ask, and "
            "on what scale? Has anyone used the ONS4 questions with staff?"),
        Say(_w(7), (-4, "12:15"),
            "Sickness absence is our only measure today, so I am following this closely: I "
            "would like to compare notes once you have chosen."),
        Say(FACILITATOR, (-4, "16:30"),
            "The ONS4 work well with staff: four questions on a 0 to 10 scale that compare with "
            "the national figures. The Measures Bank in the library has job quality questions "
            "too. @megan-foster asks the same question in her draft strategy: worth comparing."),
        Say(_w(9), (-3, "10:05"),
            "Thank you: we will use the ONS4 as they are and add two job quality questions."),
    )),
    ThreadStory("session", "Workshop 2", (
        Say(FACILITATOR, (-6, "14:00"),
            "Slides and follow-up: the slides are on the session's page. Measuring employee "
            "wellbeing: the Measures Bank and the ONS4 are in the library under Measuring "
            "wellbeing. Please add the actions you agreed to your action plan this week."),
    )),
    ThreadStory("session", "Wellbeing Inequality at Work", (
        Say(_w(8), (-2, "11:20"),
            "Will we look at comparing staff groups when the numbers are small? Our care teams "
            "have 8 to 15 people each."),
        Say(FACILITATOR, (-1, "09:15"),
            "Yes: bring your team sizes, and we will work through grouping teams so that nobody "
            "can be identified."),
    ), pinned=True),
)

# Chose how they hear of new posts: {email: choice}.
REFERENCE_NOTIFY = {_p(4): "digest"}
RUNNING_NOTIFY = {_w(4): "digest", _w(9): "none"}

# participant01 read each board up to this moment, and last visited it then.
READER = _p(1)
REFERENCE_READ = (D(2021, 12, 17), "09:30")
RUNNING_READ = (-9, "16:10")
