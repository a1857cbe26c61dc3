"""Journeys of each role through the browser, with axe run on every page they visit."""

import re
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import DEMO_PASSWORD, sign_in_browser

ROLES = [
    ("admin@example.org", "Your cohorts"),
    ("facilitator@example.org", "Facilitator"),
    ("evaluator@example.org", "Evaluator"),
    ("participant01@example.org", "Participant"),
]


@pytest.mark.parametrize(("email", "expected"), ROLES)
def test_each_demo_role_signs_in_and_out(page, demo, audit, email, expected):
    page.goto("/")
    assert page.locator("h1").inner_text() == "Cohort"  # the open calls, for a visitor
    assert "Workplace wellbeing cohort" in page.locator("main").inner_text()
    audit(page)
    page.goto("/account")
    assert page.url.endswith("/login?next=%2Faccount")
    audit(page)
    sign_in_browser(page, email)
    assert page.locator("h1").inner_text() == "Your cohorts"
    assert expected in page.locator("main").inner_text()
    audit(page)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    assert "You have signed out" in page.locator("main").inner_text()
    audit(page)
    page.goto("/account")
    assert "/login" in page.url


def test_wrong_password_shows_an_accessible_error(page, demo, audit):
    page.goto("/login")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "There is a problem" in page.locator(".govuk-error-summary").inner_text()
    audit(page, "empty form")
    page.fill("#email", "participant01@example.org")
    page.fill("#password", "not the password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "Enter a correct email address and password" in page.locator("main").inner_text()
    audit(page, "wrong password")


def test_forgotten_password_reset_through_the_mail_log(page, demo, audit, browser, live_server):
    page.goto("/login")
    page.get_by_role("link", name="Forgotten your password?").click()
    audit(page)
    page.get_by_role("button", name="Send the link").click()
    page.wait_for_load_state()
    audit(page, "empty form")
    page.fill("#email", "Participant02@Example.org")
    page.get_by_role("button", name="Send the link").click()
    page.wait_for_load_state()
    assert "Check your email" in page.locator("h1").inner_text()
    audit(page)

    # The admin finds the message in the mail log (development mail goes there).
    admin = browser.new_context(base_url=live_server).new_page()
    sign_in_browser(admin, "admin@example.org")
    admin.get_by_role("link", name="Mail log").click()
    audit(admin)
    admin.get_by_role("link", name="Reset your Cohort password").first.click()
    audit(admin)
    body = admin.locator(".cohort-mail-body").inner_text()
    link = re.search(r"http\S+/reset-password/\S+", body).group(0)
    admin.context.close()

    page.goto(link.replace("http://localhost", live_server))
    audit(page)
    page.fill("#password", "short")
    page.fill("#confirm", "short")
    page.get_by_role("button", name="Change password").click()
    page.wait_for_load_state()
    assert "8 characters or more" in page.locator(".govuk-error-summary").inner_text()
    audit(page, "password too short")
    page.fill("#password", "a new and long passphrase")
    page.fill("#confirm", "a new and long passphrase")
    page.get_by_role("button", name="Change password").click()
    page.wait_for_load_state()
    assert "Your password has been changed" in page.locator("main").inner_text()
    sign_in_browser(page, "participant02@example.org", "a new and long passphrase")
    assert page.locator("h1").inner_text() == "Your cohorts"

    page.goto(link.replace("http://localhost", live_server))
    assert "already been used" in page.locator("main").inner_text()
    audit(page, "used link")


def test_sign_in_with_the_keyboard_only(page, demo, audit):
    page.goto("/login")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    # From the skip link, Tab walks to the email field, then the password field.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "email":
            break
    assert page.evaluate("() => document.activeElement.id") == "email"
    page.keyboard.type("facilitator@example.org")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "password"
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    # The fragment of the skip link survives the redirect: compare paths only.
    page.wait_for_url(lambda url: urlsplit(url).path == "/")
    assert page.locator("h1").inner_text() == "Your cohorts"
    # A visible focus indicator on the first link in the page after the header.
    page.keyboard.press("Tab")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    box = page.evaluate("() => getComputedStyle(document.activeElement).boxShadow")
    assert outline != "none" or box != "none"
