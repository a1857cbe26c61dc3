"""A participant finishes their self-assessment, adds an action to their place's plan and
records progress on it; the facilitator sees both in the cohort's maturity heatmap."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in_browser

HALLMARKS = ("1", "2", "3a", "3b", "4", "5", "6")
ACTION = "Agree three staff wellbeing measures with the unions"


def test_assess_plan_record_progress_and_see_it_in_the_heatmap(page, demo, audit):
    sign_in_browser(page, "participant01@example.org")
    page.get_by_role("link", name="Workplace wellbeing cohort").first.click()
    page.get_by_role("link", name="Self-assessment", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Start of the programme")
    # The draft kept what was saved before.
    expect(page.locator('input[name="level-1"][value="optimising"]')).to_be_checked()
    audit(page, "self-assessment")
    for key in HALLMARKS:
        page.check(f'input[name="level-{key}"][value="optimising"]')
    page.fill("#notes-5", "Sickness absence and the staff survey's engagement index.")
    page.get_by_role("button", name="Submit my ratings").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("submitted")
    audit(page, "after submitting")

    page.get_by_role("link", name="Action plan", exact=True).click()
    page.get_by_role("button", name="Add an item").click()
    page.fill("#title", ACTION)
    page.check('input[name="hallmarks"][value="5"]')
    page.check('input[name="current_level"][value="optimising"]')
    page.check('input[name="target_level"][value="maximising"]')
    audit(page, "item form")
    page.get_by_role("button", name="Save item").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(ACTION)

    page.fill("#text", "The unions asked to see the survey questions first.")
    page.fill("#evidence", "https://example.org/minutes/2026-11")
    page.select_option("#status", "blocked")
    page.get_by_role("button", name="Record progress").click()
    expect(page.get_by_text("The unions asked to see the survey questions first.")).to_be_visible()
    expect(page.get_by_role("link", name="https://example.org/minutes/2026-11")).to_be_visible()
    audit(page, "item with progress")
    page.get_by_role("button", name="Sign out").click()

    sign_in_browser(page, "facilitator@example.org")
    page.get_by_role("link", name="Workplace wellbeing cohort").first.click()
    page.get_by_role("link", name="Maturity", exact=True).click()
    table = page.get_by_role("table", name=re.compile("Agreed level by place and hallmark"))
    row = table.get_by_role("row", name=re.compile("Southampton City Council"))
    expect(row).to_contain_text("Optimising wellbeing")
    expect(row).to_contain_text("Target: Maximising wellbeing")
    attention = page.get_by_role("table", name=re.compile("across the cohort that are blocked$"))
    expect(attention.get_by_role("row", name=re.compile(ACTION))).to_contain_text("Blocked")
    expect(page.get_by_role("img", name=re.compile("."))).not_to_have_count(0)
    audit(page, "heatmap")
