"""Long lists of choices in the browser: a select of more than 30 choices (the time zones, a
national programme's cohorts) is typed into. A participant finds their time zone by part of
its name; a name that is none of the list is refused with a message, stays in the box as
typed (described by the message, as the select was) and is refused again if sent again, where
the select alone would have sent the zone chosen before; an emptied box chooses the site's
zone. A site admin picks one cohort among 40 for the audit log's filter (two sharing a title
are told apart by their address), and an invitation naming no cohort of the list is refused
rather than sent with none. The list's empty choice ("Any cohort", "No cohort") is suggested
for part of its label, and alone for an emptied box; chosen, it sends no cohort. axe runs with
the suggestions open, and the pages hold to a 375 px screen."""

from playwright.sync_api import expect
from sqlalchemy import select

from cohort.accounts.models import User
from cohort.cohorts.models import Membership
from cohort.extensions import db
from tests.e2e.conftest import sign_in_browser
from tests.e2e.test_accessibility_crawl import narrow_screen_problems


def _check(page, audit, state: str) -> None:
    audit(page, state)
    assert narrow_screen_problems(page, page.url) == []


def _box(page, field_id: str):
    """The autocomplete's box, once the page's script has made the select one."""
    box = page.locator(f"input.autocomplete__input#{field_id}")
    expect(box).to_be_visible()
    return box


def _save_zone(page) -> None:
    page.get_by_role("button", name="Save time zone").click()
    page.wait_for_load_state()


ZONE = "time-zone-timezone"


def test_a_participant_types_their_time_zone_and_a_name_of_none_is_refused(page, demo, audit):
    sign_in_browser(page, "participant01@example.org")
    page.goto("/settings")
    _box(page, ZONE).fill("toky")
    suggestions = page.get_by_role("listbox").get_by_role("option")
    expect(suggestions).to_have_text(["Asia/Tokyo"])
    _check(page, audit, "suggesting")
    suggestions.first.click()
    _save_zone(page)
    assert "Your time zone has been saved" in page.locator("main").inner_text()
    expect(_box(page, ZONE)).to_have_value("Asia/Tokyo")

    _box(page, ZONE).fill("Atlantis")
    _save_zone(page)
    summary = page.locator(".govuk-error-summary")
    assert "Choose a time zone from the list" in summary.inner_text()
    box = _box(page, ZONE)
    expect(box).to_have_value("Atlantis")
    described = box.get_attribute("aria-describedby").split()
    assert f"{ZONE}-error" in described
    _check(page, audit, "refused")
    _save_zone(page)  # sent again as it stands: refused again, nothing else saved
    assert "Choose a time zone from the list" in page.locator(".govuk-error-summary").inner_text()
    page.goto("/settings")
    expect(_box(page, ZONE)).to_have_value("Asia/Tokyo")

    _box(page, ZONE).fill("")
    _save_zone(page)
    assert "Your time zone has been saved" in page.locator("main").inner_text()
    expect(_box(page, ZONE)).to_have_value("The site's time zone (Europe/London)")


def test_an_admin_picks_one_cohort_among_many_and_an_unknown_one_is_refused(
        page, demo, make_cohort, audit):
    for number in range(1, 39):
        make_cohort(f"Regional cohort {number:02}")
    make_cohort("Twin cohort")
    second = make_cohort("Twin cohort")
    sign_in_browser(page, "admin@example.org")
    page.goto("/admin/audit")
    assert page.locator(".govuk-error-summary").count() == 0
    box = _box(page, "cohort")
    box.fill("regional cohort 3")
    suggestions = page.get_by_role("listbox").get_by_role("option")
    expect(suggestions).to_have_count(9)  # 30 to 38
    box.fill("regional cohort 37")
    expect(suggestions).to_have_text(["Regional cohort 37"])
    suggestions.first.click()
    _check(page, audit, "chosen")
    page.get_by_role("button", name="Show entries").click()
    page.wait_for_load_state()
    expect(_box(page, "cohort")).to_have_value("Regional cohort 37")
    rows = page.locator("table tbody tr")
    assert rows.count() >= 1
    assert all("Regional cohort 37" in text for text in rows.all_inner_texts())

    _box(page, "cohort").fill("twin")
    expect(suggestions).to_have_text(["Twin cohort (twin-cohort)",
                                      f"Twin cohort ({second.slug})"])
    suggestions.nth(1).click()
    page.get_by_role("button", name="Show entries").click()
    page.wait_for_load_state()
    assert f"cohort={second.id}" in page.url

    page.goto("/admin/invite")
    page.get_by_label("Email address").fill("new.person@example.org")
    _box(page, "cohort").fill("Regional cohort 99")
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_load_state()
    assert "Choose a cohort from the list, or No cohort" in page.locator(
        ".govuk-error-summary").inner_text()
    _check(page, audit, "refused")
    assert "Invitation sent" not in page.locator("main").inner_text()


def test_the_empty_choice_is_suggested_by_its_label_and_sends_none(page, demo, make_cohort, audit):
    for number in range(1, 41):
        make_cohort(f"Regional cohort {number:02}")
    make_cohort("Marked <i>up</i> cohort")
    sign_in_browser(page, "admin@example.org")
    page.goto("/admin/audit")
    suggestions = page.get_by_role("listbox").get_by_role("option")
    # A title is suggested as the text it is, tags and all, never as markup.
    _box(page, "cohort").fill("<i>up")
    expect(suggestions).to_have_text(["Marked <i>up</i> cohort"])
    assert page.get_by_role("listbox").locator("i").count() == 0
    font = "el => getComputedStyle(el).fontFamily"  # the site's font, not the browser's
    assert suggestions.first.evaluate(font) == page.locator(".govuk-label").first.evaluate(font)
    _box(page, "cohort").fill("regional cohort 37")
    suggestions.first.click()
    page.get_by_role("button", name="Show entries").click()
    page.wait_for_load_state()
    cohorts = page.locator("table tbody tr td:nth-child(5)")
    assert set(cohorts.all_inner_texts()) == {"Regional cohort 37"}

    # Emptied, the box offers the one choice there is besides a name, and says so to a screen
    # reader; the down arrow reaches it from the box as it stands.
    box = _box(page, "cohort")
    box.fill("")
    expect(suggestions).to_have_text(["Any cohort"])
    expect(page.locator(".autocomplete__status")).to_contain_text("1 result is available")
    _check(page, audit, "emptied")
    box.press("Escape")
    box.press("ArrowDown")
    expect(suggestions).to_have_text(["Any cohort"])
    expect(suggestions.first).to_be_focused()
    page.keyboard.press("Escape")

    box.fill("any")
    expect(suggestions).to_have_text(["Any cohort"])
    _check(page, audit, "suggesting the empty choice")
    suggestions.first.click()
    expect(box).to_have_value("Any cohort")
    page.get_by_role("button", name="Show entries").click()
    page.wait_for_load_state()
    assert "cohort=&" in page.url or page.url.endswith("cohort=")
    assert page.locator(".govuk-error-summary").count() == 0
    expect(_box(page, "cohort")).to_have_value("Any cohort")
    assert len(set(cohorts.all_inner_texts())) > 1  # the whole log, not one cohort's

    page.goto("/admin/invite")
    page.get_by_label("Email address").fill("no.cohort@example.org")
    page.get_by_label("Full name").fill("Nadia Nocohort")
    box = _box(page, "cohort")
    box.fill("Regional cohort 12")
    box.press("Enter")
    box.fill("no c")
    expect(suggestions).to_have_text(["No cohort"])
    box.press("Enter")  # the one suggestion is highlighted: Enter chooses it
    expect(box).to_have_value("No cohort")
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").count() == 0
    assert "Invitation sent to no.cohort@example.org" in page.locator("main").inner_text()
    _check(page, audit, "sent")
    invited = db.session.execute(
        select(User).where(User.email == "no.cohort@example.org")).scalar_one()
    memberships = db.session.execute(
        select(Membership).where(Membership.user_id == invited.id)).scalars().all()
    db.session.commit()  # end the read: the test holds no transaction open against the server
    assert memberships == []
