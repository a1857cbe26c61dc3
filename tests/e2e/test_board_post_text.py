"""A post reads in the service's font, with the line breaks its author typed."""

from cohort.board import services
from cohort.board.services import NewThread
from cohort.core.database import commit
from tests.e2e.conftest import sign_in_browser
from tests.helpers import DEFAULT_PASSWORD


def test_a_post_is_in_the_services_font_with_its_line_breaks(page, framework, make_cohort,
                                                             make_member, make_user):
    """issue 19 item 24"""
    cohort = make_cohort("Workplace peers")
    megan = make_member(cohort, "participant",
                        user=make_user("megan@example.org", "Megan Foster"))
    services.acknowledge(megan)
    thread = services.create_thread(megan.user, megan, cohort, NewThread(
        kind="discussion", title="Our next steps",
        body="Three things:\nthe survey\nthe budget\nthe board paper"))
    commit()
    sign_in_browser(page, "megan@example.org", DEFAULT_PASSWORD)
    page.goto(f"/cohorts/{cohort.id}/board/threads/{thread.id}")
    body = page.locator(".cohort-post__body").first
    paragraph = body.locator("p").first
    font = paragraph.evaluate("p => getComputedStyle(p).fontFamily")
    heading_font = page.locator("h1").evaluate("h => getComputedStyle(h).fontFamily")
    assert font == heading_font and font.startswith("system-ui"), font
    assert body.inner_text().splitlines() == [
        "Three things:", "the survey", "the budget", "the board paper"]
