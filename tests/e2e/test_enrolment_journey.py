"""Enrolment in the browser: apply to the running cohort's call, be accepted, sign in for the
first time through the invitation. axe runs on every page each person sees."""

import re

import pytest
from sqlalchemy import select

from cohort.cohorts.models import Cohort
from cohort.core.models import MailMessage
from cohort.extensions import db
from tests.e2e.conftest import EXPECTED_STATUS, sign_in_browser

RUNNING_TITLE = "Workplace wellbeing cohort"
APPLICANT = {
    "name": "Ada Brennan",
    "email": "Ada.Brennan@Example.org",
    "organisation_name": "Stourvale District Council",
    "job_title": "Employee Wellbeing Lead",
    "professional_background": "Eight years in HR, the last two leading on employee wellbeing.",
    "area_of_focus": "Staff wellbeing strategy",
    "strategy": "Our first staff wellbeing strategy, with measures from the staff survey.",
    "motivation": "To test my draft with peers who are writing the same kind of strategy.",
}
NEW_PASSWORD = "kettle lantern orchard bicycle"


@pytest.fixture
def open_page(browser, live_server):
    """open_page() -> a tab in a new browser context (its own cookies), checked like `page`."""
    contexts, errors = [], []

    def _open():
        context = browser.new_context(base_url=live_server)
        contexts.append(context)
        tab = context.new_page()
        tab.set_default_timeout(15_000)
        tab.on("console", lambda m: errors.append(f"{tab.url}: {m.text}")
               if m.type == "error" and not re.match(EXPECTED_STATUS, m.text) else None)
        tab.on("pageerror", lambda e: errors.append(f"{tab.url}: {e}"))
        return tab

    yield _open
    for context in contexts:
        context.close()
    assert not errors, "errors in the browser console:\n" + "\n".join(errors)


def _click(page, role: str, name: str) -> None:
    page.get_by_role(role, name=name, exact=True).click()
    page.wait_for_load_state()


def test_an_applicant_is_accepted_and_signs_in_for_the_first_time(
    page, open_page, demo, audit, live_server
):
    slug = db.session.execute(select(Cohort.slug).where(Cohort.title == RUNNING_TITLE)).scalar_one()
    db.session.commit()  # end the read, so the test holds no transaction open against the server

    # The applicant finds the call and sends the form empty first.
    page.goto(f"/apply/{slug}")
    assert page.locator("h1").inner_text() == RUNNING_TITLE
    assert "Applications close at 11:59pm on" in page.locator("main").inner_text()
    assert "How we use your information" in page.locator("main").inner_text()
    audit(page)
    _click(page, "button", "Send application")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "There is a problem" in summary
    assert "Enter your full name" in summary and "Tell us why you want to join" in summary
    audit(page, "empty form")
    # Each message in the summary leads to its field.
    page.locator(".govuk-error-summary a", has_text="Enter your email address").click()
    assert page.evaluate("() => document.activeElement.id") == "email"

    for field, value in APPLICANT.items():
        page.fill(f"#{field}", value)
    _click(page, "button", "Send application")
    assert page.locator("h1").inner_text() == "Check your email"
    audit(page, "check your email")
    # The applicant confirms through the link mailed to them.
    message = db.session.execute(
        select(MailMessage).where(MailMessage.recipient == APPLICANT["email"].lower())
        .order_by(MailMessage.id.desc())).scalars().first()
    db.session.commit()
    confirm = re.search(r"http\S+/applications/confirm/\S+", message.body).group(0)
    page.goto(confirm.replace("http://localhost", live_server))
    assert page.locator("h1").inner_text() == "Confirm your application"
    audit(page)
    _click(page, "button", "Confirm my application")
    assert page.locator("h1").all_inner_texts() == ["Application sent"]
    assert re.search(r"State\s+Submitted", page.locator("main").inner_text())
    status_page = page.url
    audit(page, "application sent")

    # The facilitator's home says what waits for them; they act on it from there.
    facilitator = open_page()
    sign_in_browser(facilitator, "facilitator@example.org")
    audit(facilitator)
    _click(facilitator, "link", "4 applications wait for review")
    listing = facilitator.locator("main").inner_text()
    assert "3 of 12 places free. 4 to review, 0 on the waitlist." in listing
    assert APPLICANT["name"] in listing  # the list opens filtered to those waiting
    audit(facilitator)
    _click(facilitator, "link", APPLICANT["name"])
    assert facilitator.locator("h1").inner_text() == APPLICANT["name"]
    assert APPLICANT["strategy"] in facilitator.locator("main").inner_text()
    audit(facilitator)
    _click(facilitator, "button", "Send decision")
    assert "Choose a decision" in facilitator.locator(".govuk-error-summary").inner_text()
    audit(facilitator, "no decision chosen")
    facilitator.get_by_label("Accept: offer a place and send an invitation").check()
    facilitator.fill("#message", "Welcome: the deep dive is next week.")
    _click(facilitator, "button", "Send decision")
    assert f"{APPLICANT['name']} has a place" in facilitator.locator("main").inner_text()
    assert "2 of 12 places free. 3 to review" in facilitator.locator("main").inner_text()
    audit(facilitator, "accepted")

    # The invitation is in the mail log (development mail goes there), newest first, above
    # the demo's reminders: the applicant has had three messages.
    admin = open_page()
    sign_in_browser(admin, "admin@example.org")
    _click(admin, "link", "Mail log")
    assert admin.locator("main").inner_text().lower().count(APPLICANT["email"].lower()) == 3
    audit(admin)
    _click(admin, "link", f"You have a place in {RUNNING_TITLE}")
    audit(admin)
    body = admin.locator(".cohort-mail-body").inner_text()
    assert "Welcome: the deep dive is next week." in body
    link = re.search(r"http\S+/invitation/\S+", body).group(0)

    # The applicant's status page has moved on.
    page.goto(status_page)
    assert re.search(r"State\s+Accepted", page.locator("main").inner_text())
    audit(page, "accepted")

    # The applicant takes the place: their first sign-in.
    page.goto(link.replace("http://localhost", live_server))
    assert APPLICANT["name"] in page.locator("h1").inner_text()
    audit(page)
    _click(page, "button", "Accept and continue")
    assert "There is a problem" in page.locator(".govuk-error-summary").inner_text()
    audit(page, "no password")
    page.fill("#password", NEW_PASSWORD)
    page.fill("#confirm", NEW_PASSWORD)
    _click(page, "button", "Accept and continue")
    assert page.url == f"{live_server}/"
    assert page.locator("h1").inner_text() == "Your cohorts"
    main = page.locator("main").inner_text()
    assert "Welcome to Cohort. Your password is set." in main
    assert RUNNING_TITLE in main and "Participant" in main
    assert "Local authority wellbeing policy making cohort 2021" not in main
    audit(page, "first sign-in")

    # The new participant is on the roster and the facilitator's directory.
    facilitator.goto(facilitator.url)
    _click(facilitator, "link", "Roster")
    assert "10 of 12 places taken." in facilitator.locator("main").inner_text()
    assert f"Place 10: {APPLICANT['name']}" in facilitator.locator("main").inner_text()
    audit(facilitator)
