"""The demo's sessions: Table 4 of the report for the 2021 cohort, and the running cohort's.

Each row: title, kind, day, minutes, topics, learning objectives, other fields. The 2021 rows
give the local date; the running cohort's rows give the week's offset from today.
"""

from datetime import date

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
