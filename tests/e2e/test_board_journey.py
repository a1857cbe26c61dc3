"""On the board, one participant shares a draft and asks for feedback, another gives it, and
the author follows the notification of it from the header and marks the request resolved;
axe checks each page on the way."""

import re

from playwright.sync_api import expect

from cohort.core.database import commit
from tests.e2e.conftest import sign_in_browser
from tests.helpers import DEFAULT_PASSWORD

TITLE = "Draft staff wellbeing strategy"


def test_a_draft_is_shared_given_feedback_and_resolved(page, framework, make_cohort,
                                                       make_member, make_user, audit):
    cohort = make_cohort("Workplace peers", ground_rules="Trust\nListen")
    make_member(cohort, "participant", user=make_user("megan@example.org", "Megan Foster"))
    make_member(cohort, "participant", user=make_user("owen@example.org", "Owen Pritchard"))
    commit()

    sign_in_browser(page, "megan@example.org", DEFAULT_PASSWORD)
    page.goto(f"/cohorts/{cohort.id}/board")
    audit(page, "board")
    page.get_by_role("button", name="Start a thread").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Our ground rules")
    page.get_by_label("I will keep to these ground rules").check()
    page.get_by_role("button", name="Continue to the board").click()
    page.get_by_role("button", name="Start a thread").click()
    page.get_by_label("Work in progress: feedback wanted").check()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Your post").fill("Our first draft, before it goes to Cabinet.")
    page.get_by_label("The draft's text").fill("Our vision: **every member of staff** ...")
    page.get_by_label("Your questions, one a line").fill(
        "Are the priorities right?\nWhich measures would you add?")
    audit(page, "new thread")
    page.get_by_role("button", name="Post the thread").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("No one has given feedback yet.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in_browser(page, "owen@example.org", DEFAULT_PASSWORD)
    page.goto(f"/cohorts/{cohort.id}/board")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Read and agree to the ground rules").click()
    page.get_by_label("I will keep to these ground rules").check()
    page.get_by_role("button", name="Continue to the board").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    page.get_by_label("2. Which measures would you add?").fill(
        "The ONS4 questions, so you can compare with national data.")
    audit(page, "thread with questions")
    page.get_by_role("button", name="Save your answers").click()
    expect(page.get_by_role("paragraph").filter(
        has_text="The ONS4 questions, so you can compare")).to_be_visible()
    # The answer is filled in on the form, so changing it needs no retyping.
    expect(page.get_by_label("2. Which measures would you add?")).to_have_value(
        "The ONS4 questions, so you can compare with national data.")
    page.get_by_role("button", name="Sign out").click()

    # Megan follows the notification in the header to the feedback.
    sign_in_browser(page, "megan@example.org", DEFAULT_PASSWORD)
    page.get_by_role("link", name="Notifications 1 unread").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    audit(page, "notifications")
    page.get_by_role("link", name=f"Owen Pritchard gave feedback on “{TITLE}”").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text(re.compile(r"Feedback from: Owen Pritchard \(1 answer\)"))
           ).to_be_visible()
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    page.get_by_role("button", name="Mark the request resolved").click()
    expect(page.get_by_text("marked this request resolved")).to_be_visible()
    audit(page, "resolved")
