"""A person's data in the browser: a participant finds "Your data" from their account page,
downloads it and asks for it to be erased; a site administrator follows the request from their
home page to the erasure page and declines it with a reason (after an empty one is refused),
which the person reads; they ask again, and the administrator, stopped by an empty
confirmation, erases the account.
axe runs on each page and state, and each page holds to a 375 px screen."""

from tests.e2e.conftest import sign_in_browser
from tests.e2e.test_accessibility_crawl import narrow_screen_problems

PERSON = "participant05@example.org"


def _check(page, audit, state: str = "normal") -> None:
    audit(page, state)
    assert narrow_screen_problems(page, page.url) == []


def test_a_participant_downloads_and_asks_and_an_admin_erases(page, browser, live_server, demo,
                                                              audit):
    sign_in_browser(page, PERSON)
    page.goto("/account")
    page.get_by_role("link", name="Download or erase your data").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Your data"
    _check(page, audit)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download your data").click()
    assert download.value.suggested_filename.startswith("cohort-data-")
    assert download.value.suggested_filename.endswith(".zip")
    page.get_by_role("button", name="Ask for my data to be erased").click()
    page.wait_for_load_state()
    assert "Your request has been sent to the site administrators" in page.locator(
        "main").inner_text()
    _check(page, audit, "asked")

    admin = browser.new_context(base_url=live_server).new_page()
    sign_in_browser(admin, "admin@example.org")
    link = admin.get_by_role("link", name="'s data").filter(has_text="Erase")
    link.click()
    admin.wait_for_load_state()
    assert admin.locator("h1").inner_text() == "Erase a person's data"
    assert PERSON in admin.locator("main").inner_text()
    _check(admin, audit)
    # declined first, with a reason the person reads; then they ask again
    admin.get_by_role("button", name="Decline the request").click()
    admin.wait_for_load_state()
    assert "Say why the request is declined" in admin.locator(".govuk-error-summary").inner_text()
    _check(admin, audit, "empty reason")
    admin.fill("#reason", "Your attendance is kept for the funder's audit until March 2027.")
    admin.get_by_role("button", name="Decline the request").click()
    admin.wait_for_load_state()
    assert "request has been declined" in admin.locator("main").inner_text()
    _check(admin, audit, "declined")
    page.goto("/account/data")
    assert "kept for the funder's audit" in page.locator("main").inner_text()
    _check(page, audit, "declined")
    page.get_by_role("button", name="Ask for my data to be erased").click()
    page.wait_for_load_state()
    admin.goto("/")
    admin.get_by_role("link", name="'s data").filter(has_text="Erase").click()
    admin.wait_for_load_state()
    admin.get_by_role("button", name="Erase their data").click()
    admin.wait_for_load_state()
    assert "Type the person's email address to confirm" in admin.locator(
        ".govuk-error-summary").inner_text()
    _check(admin, audit, "empty confirmation")
    admin.fill("#email", PERSON)
    admin.get_by_role("button", name="Erase their data").click()
    admin.wait_for_load_state()
    assert "data has been erased" in admin.locator("main").inner_text()
    _check(admin, audit, "erased")

    page.goto("/account")  # signed out everywhere
    assert "/login" in page.url
