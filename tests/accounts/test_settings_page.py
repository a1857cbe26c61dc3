"""A person's settings are on one page: their time zone, then each of their cohorts' reminders
and board email, each section saved on its own; the old pages' links land on it; the header
and every member mail link to it."""

import re

import pytest

from cohort.board import services as board
from cohort.core.database import commit
from cohort.extensions import db
from cohort.reminders import services as reminders
from tests.helpers import home_queries, post_form


@pytest.fixture
def two_cohorts(make_cohort, make_member, make_user):
    """Pat takes part in two cohorts and evaluates a third (no board there)."""
    pat = make_user("pat@example.org", "Pat Participant")
    first, second, third = (make_cohort("Data maturity 2026"), make_cohort("Wellbeing 2027"),
                            make_cohort("Evaluated 2027"))
    members = [make_member(first, user=pat), make_member(second, user=pat),
               make_member(third, "evaluator", user=pat)]
    commit()
    return pat, (first, second, third), members


def _headings(page: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", page)]


def test_one_page_holds_the_time_zone_and_each_cohorts_mail(client, login, two_cohorts):
    pat, (first, second, third), _members = two_cohorts
    login(pat)
    page = client.get("/settings").get_data(as_text=True)
    headings = _headings(page)
    assert headings[0] == "Time zone"
    for cohort in (first, second):
        at = headings.index(cohort.title)
        assert headings[at + 1:at + 4] == ["People to talk to", "Reminders", "Board email"]
        assert f'id="cohort-{cohort.id}-reminders"' in page
        assert f'id="cohort-{cohort.id}-board"' in page
    # The evaluator has no board there: reminders only.
    at = headings.index(third.title)
    assert headings[at + 1] == "Reminders" and "Board email" not in headings[at + 2:at + 3]
    assert f'id="cohort-{third.id}-board"' not in page
    # No two fields share an id, though every cohort has the same form.
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_each_section_saves_only_its_own_cohort(client, login, two_cohorts):
    pat, (first, second, _third), (in_first, in_second, _eval) = two_cohorts
    login(pat)
    key = f"cohort-{second.id}-board"
    response = post_form(client, "/settings", {"section": key, f"{key}-notify": "digest"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/settings#{key}")
    db.session.rollback()
    assert board.board_member(in_second).notify == "digest"
    assert board.board_member(in_first) is None  # still the default: at once

    key = f"cohort-{first.id}-reminders"
    page = post_form(client, "/settings", {"section": key}, follow_redirects=True)
    assert f"Your reminder settings for {first.title} are saved." in page.get_data(as_text=True)
    db.session.rollback()
    assert reminders.reminders_off(in_first) and not reminders.reminders_off(in_second)


def test_a_bad_answer_is_shown_on_its_section_and_saves_nothing(client, login, two_cohorts):
    pat, (first, _second, _third), (in_first, _in_second, _eval) = two_cohorts
    login(pat)
    key = f"cohort-{first.id}-board"
    response = post_form(client, "/settings", {"section": key, f"{key}-notify": "hourly"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and f'href="#{key}-notify"' in page
    db.session.rollback()
    assert board.board_member(in_first) is None


def test_a_section_the_person_does_not_have_is_not_found(client, login, two_cohorts,
                                                         make_cohort):
    pat, _cohorts, _members = two_cohorts
    other = make_cohort("Not Pat's")
    commit()
    login(pat)
    key = f"cohort-{other.id}-reminders"
    assert post_form(client, "/settings", {"section": key}).status_code == 404


def test_the_old_pages_land_on_their_section(client, login, two_cohorts):
    pat, (first, _second, _third), _members = two_cohorts
    login(pat)
    for old, anchor in ((f"/cohorts/{first.id}/reminders/settings", f"cohort-{first.id}-reminders"),
                        (f"/cohorts/{first.id}/board/settings", f"cohort-{first.id}-board"),
                        ("/account/preferences", "time-zone")):
        response = client.get(old)
        assert response.status_code == 302, old
        assert response.headers["Location"].endswith(f"/settings#{anchor}"), old


def test_the_header_links_to_the_settings_page(client, login, two_cohorts):
    pat, _cohorts, _members = two_cohorts
    login(pat)
    page = client.get("/").get_data(as_text=True)
    assert re.search(r'<a[^>]+href="/settings"[^>]*>\s*Your settings', page)


def _section(page: str, key: str) -> str:
    return page.split(f'id="{key}"')[1].split("</form>")[0]


def test_the_page_runs_as_many_statements_for_many_cohorts_as_for_few(client, login, two_cohorts,
                                                                        make_cohort, make_member):
    """Each cohort's reminders and board email are read for all the person's cohorts at once:
    a facilitator of a national programme's cohorts gets the page in the same statements, and
    each cohort's section still shows what was chosen there."""
    pat, _cohorts, _members = two_cohorts
    login(pat)
    few, page = home_queries(client, "/settings")
    assert page.count("Save board email settings") == 2
    grown = []
    for number in range(4):
        member = make_member(make_cohort(f"Grown {number}"), user=pat)
        reminders.set_reminders_off(member, number % 2 == 0)
        board.set_notify(member, "none" if number % 2 else "digest")
        grown.append(member.cohort_id)
    commit()
    many, page = home_queries(client, "/settings")
    assert page.count("Save board email settings") == 6
    assert many == few
    for number, cohort_id in enumerate(grown):
        optional = _section(page, f"cohort-{cohort_id}-reminders")
        assert ("checked" in optional) == (number % 2 == 1), number
        chosen = re.search(r'value="(\w+)" checked', _section(page, f"cohort-{cohort_id}-board"))
        assert chosen and chosen.group(1) == ("none" if number % 2 else "digest"), number
