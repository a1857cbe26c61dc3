"""A participant rates their knowledge before the programme and again after it; the evaluator
reads the report: the response rates, the participant's change and the caution that comes
with a single pair. Axe checks each page on the way."""

import re
from datetime import timedelta

from playwright.sync_api import expect

from cohort.core.database import commit
from cohort.core.timeutil import utcnow
from cohort.evaluation import services
from tests.e2e.conftest import sign_in_browser
from tests.helpers import DEFAULT_PASSWORD

COHORT = "Wellbeing in policy cohort"
BEFORE = "Knowledge self-assessment (before the programme)"
AFTER = "Knowledge self-assessment (after the programme)"
# A phrase from each question asked both times, as its legend reads.
QUESTIONS = ("knowledge of wellbeing, what it means", "what drives wellbeing up or down",
             "how wellbeing is measured", "knowledge of wellbeing inequality",
             "evidence on what works", "apply wellbeing evidence in policy making")
LOOKING_BACK = "Thinking back to before the programme"


def question(page, phrase):
    return page.get_by_role("group", name=re.compile(re.escape(phrase)))


def rate(page, phrases, answer):
    for phrase in phrases:
        question(page, phrase).get_by_role("radio", name=answer, exact=True).check()


def answer_link(page, title):
    return page.get_by_role("link", name=re.compile(f"^Answer the survey.*{re.escape(title)}"))


def cells(table, row_name):
    return table.get_by_role("row", name=re.compile(f"^{re.escape(row_name)}")).get_by_role(
        "cell")


def test_a_participant_answers_before_and_after_and_the_evaluator_reads_the_change(
        page, make_cohort, make_member, make_user, audit):
    cohort = make_cohort(COHORT)
    fay = make_member(cohort, "facilitator", user=make_user("fay@example.org", "Fay Fox"))
    make_member(cohort, "evaluator", user=make_user("eve@example.org", "Eve Hartley"))
    megan = make_member(cohort, "participant",
                        user=make_user("megan@example.org", "Megan Foster"))
    owen = make_member(cohort, "participant",
                       user=make_user("owen@example.org", "Owen Pritchard"))
    priya = make_member(cohort, "participant", user=make_user("priya@example.org", "Priya Shah"))
    now = utcnow()
    for member in (megan, owen, priya):  # on the programme since before the first survey
        member.joined_at = now - timedelta(days=2)
    before = services.attach_survey(fay.user, cohort, "knowledge", "pre",
                                    now - timedelta(days=1), now + timedelta(days=7), False)
    after = services.attach_survey(fay.user, cohort, "knowledge", "post",
                                   now + timedelta(days=60), now + timedelta(days=67), False)
    # Another participant answered before the programme and not after it.
    services.save_answers(owen.user, owen, before, {
        "knowledge-" + key: "3" for key in ("wellbeing", "drivers", "measurement",
                                            "inequality", "what-works", "policy-making")},
        submit=True)
    commit()

    sign_in_browser(page, "megan@example.org", DEFAULT_PASSWORD)
    page.get_by_role("link", name=COHORT).first.click()
    page.get_by_role("link", name="Surveys", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Surveys")
    audit(page, "my surveys, before")
    answer_link(page, BEFORE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(BEFORE)
    expect(page.get_by_text("This survey is named")).to_be_visible()
    audit(page, "survey before the programme")
    rate(page, QUESTIONS[:-1], "A little")  # the last question is left out at first
    page.get_by_role("button", name="Submit", exact=True).click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link", name="Select an answer")).to_be_visible()
    expect(question(page, QUESTIONS[-1])).to_contain_text("Error: Select an answer")
    kept = question(page, QUESTIONS[0]).get_by_role("radio", name="A little", exact=True)
    expect(kept).to_be_checked()
    audit(page, "survey with an answer missing")
    rate(page, QUESTIONS[-1:], "A little")
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.get_by_text("Your answers are submitted.")).to_be_visible()
    expect(page.get_by_text("Submitted", exact=True)).to_be_visible()
    expect(page.get_by_text("Not open yet")).to_be_visible()
    audit(page, "my surveys, submitted")

    # The programme runs; the first survey closes and the second opens.
    before.closes_at = utcnow() - timedelta(minutes=2)
    after.opens_at = utcnow() - timedelta(minutes=1)
    after.closes_at = utcnow() + timedelta(days=7)
    commit()

    page.reload()
    expect(page.get_by_text("You submitted your answers.")).to_be_visible()
    answer_link(page, AFTER).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(AFTER)
    rate(page, QUESTIONS, "Good")
    rate(page, [LOOKING_BACK], "None")
    audit(page, "survey after the programme")
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.get_by_text("Your answers are submitted.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in_browser(page, "eve@example.org", DEFAULT_PASSWORD)
    page.get_by_role("link", name=COHORT).first.click()
    page.get_by_role("link", name="Evaluation", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evaluation")
    expect(page.get_by_text("Named: each answer is kept with the person")).to_be_visible()
    rates = page.get_by_role("table", name=re.compile("submitted each survey"))
    expect(cells(rates, "Before the programme")).to_have_text(["2", "3", "2 of 3 (67%)"])
    expect(cells(rates, "After the programme")).to_have_text(["1", "3", "1 of 3 (33%)"])

    expect(page.get_by_role("heading", name=re.compile("^Question 1: .*what it means"))
           ).to_be_visible()
    # The first question's tables come first: how the answers spread, then the change.
    spread = page.get_by_role("table", name="How many people gave each answer").first
    expect(cells(spread, "A little")).to_have_text(["1", "50%", "0", "0%"])
    expect(cells(spread, "Some")).to_have_text(["1", "50%", "0", "0%"])
    expect(cells(spread, "Good")).to_have_text(["0", "0%", "1", "100%"])
    change = page.get_by_role("table", name=re.compile("compared with their own answer")).first
    expect(cells(change, "People who answered both times")).to_have_text(["1"])
    expect(cells(change, "Answered only before")).to_have_text(["1"])
    expect(cells(change, "Answered higher after")).to_have_text(["1"])
    expect(cells(change, "Mean score before, the pairs only")).to_have_text(["2.00"])
    expect(cells(change, "Mean score after, the pairs only")).to_have_text(["4.00"])
    expect(cells(change, "Middle change (median)")).to_have_text(["2.0"])
    expect(cells(change, "p-value")).to_have_text(["no test"])
    expect(page.get_by_text("Only one person answered both the pre and the post survey")
           ).to_have_count(len(QUESTIONS))
    audit(page, "evaluation report")
