"""A site admin in the browser: finds a person by name on the people page, deactivates their
account, then reads the entry in the audit log through its person filter. The person can no
longer sign in. Another, locked out by failed sign-ins, is let in again from their page. axe
runs on every page the admin sees."""

from tests.e2e.conftest import sign_in_browser
from tests.e2e.test_accessibility_crawl import narrow_screen_problems

PERSON = "Ellis Warren"  # the demo's evaluator


def _click(page, role: str, name: str) -> None:
    page.get_by_role(role, name=name, exact=True).click()
    page.wait_for_load_state()


def test_an_admin_deactivates_a_person_and_reads_the_audit_entry(page, browser, live_server,
                                                                 demo, audit):
    sign_in_browser(page, "admin@example.org")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="People").click()
    page.wait_for_load_state()
    audit(page)

    page.get_by_label("Name or email address").fill("warren")
    _click(page, "button", "Search")
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    assert "evaluator@example.org" in rows.first.inner_text()
    audit(page, "search")
    _click(page, "link", PERSON)
    assert page.locator("h1").inner_text() == PERSON
    assert "Workplace wellbeing cohort" in page.locator("main").inner_text()
    audit(page)

    _click(page, "link", "Deactivate account")
    assert page.locator("h1").inner_text() == f"Deactivate {PERSON}'s account?"
    audit(page, "confirm")
    _click(page, "button", "Deactivate account")
    assert f"{PERSON}'s account has been deactivated" in page.locator(
        ".govuk-notification-banner").inner_text()
    assert "Reactivate account" in page.locator("main").inner_text()
    audit(page, "deactivated")

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Audit log").click()
    page.wait_for_load_state()
    page.get_by_label("Person or object").fill(PERSON)
    _click(page, "button", "Show entries")
    entry = page.locator("table tbody tr").first
    text = entry.inner_text()
    assert "Account deactivated" in text
    assert "Alex Admin (admin@example.org)" in text
    assert f"{PERSON} (evaluator@example.org)" in text
    audit(page, "filtered")

    # The person is refused as a wrong password would be.
    context = browser.new_context(base_url=live_server)
    try:
        theirs = context.new_page()
        sign_in_browser(theirs, "evaluator@example.org")
        assert "Enter a correct email address and password" in theirs.locator(
            "main").inner_text()
    finally:
        context.close()


def test_an_admin_lifts_a_lock_out_and_the_person_signs_in(page, browser, live_server, demo,
                                                           audit):
    email = "participant07@example.org"
    context = browser.new_context(base_url=live_server)
    try:
        theirs = context.new_page()
        for _ in range(5):  # LOGIN_MAX_FAILURES_PER_ACCOUNT
            sign_in_browser(theirs, email, "not their password")
        sign_in_browser(theirs, email)
        assert "/login" in theirs.url  # locked out, the right password or not

        sign_in_browser(page, "admin@example.org")
        page.goto("/admin/people?q=" + email)
        page.locator("table tbody tr").first.get_by_role("link").click()
        page.wait_for_load_state()
        assert "Too many failed sign-ins" in page.locator("main").inner_text()
        audit(page, "locked out")
        assert narrow_screen_problems(page, page.url) == []
        _click(page, "button", "Lift the lock-out")
        assert "lock-out has been lifted" in page.locator(".govuk-notification-banner").inner_text()
        assert "Lift the lock-out" not in page.locator("main").inner_text()

        sign_in_browser(theirs, email)
        assert "/login" not in theirs.url
    finally:
        context.close()
