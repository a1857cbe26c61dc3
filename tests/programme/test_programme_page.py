"""The programme page: timeline, next session and its joining link, times in the viewer's zone."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from cohort.core.database import commit
from cohort.core.timeutil import utcnow
from cohort.extensions import db
from cohort.programme import services
from cohort.programme.models import Material, ProgrammeSession
from cohort.programme.permissions import shows_join_link
from tests.helpers import count_queries, csrf_from, post_form

JOIN = "https://meet.example.org/room-42"


def _page(client, cohort) -> str:
    response = client.get(f"/cohorts/{cohort.id}/programme")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _section(page: str, heading: str) -> str:
    """The part of the page from an h2 to the next h2."""
    start = page.index(f'<h2 class="govuk-heading-m">{heading}</h2>')
    end = page.find("<h2", start + 1)
    return page[start:end if end > 0 else None]


def _next_panel(page: str) -> str:
    start = page.find("cohort-next")
    return page[start:page.index("</div>\n</div>", start)] if start > 0 else ""


def test_past_and_upcoming_sessions_with_the_next_on_top(as_participant, programme, make_session):
    make_session(programme.cohort, "Intro", starts_in=timedelta(days=-30), objectives=["Meet"])
    make_session(programme.cohort, "Workshop 1", starts_in=timedelta(days=-7))
    cancelled = make_session(programme.cohort, "Cancelled one", starts_in=timedelta(days=1))
    services.cancel_session(None, cancelled)
    commit()
    make_session(programme.cohort, "Workshop 2", starts_in=timedelta(days=7),
                 objectives=["Draw a data map", "Name its owners"])
    make_session(programme.cohort, "Deep dive", starts_in=timedelta(days=14))
    page = _page(as_participant, programme.cohort)

    assert "Next: Workshop 2" in _next_panel(page)  # the cancelled one is not next
    upcoming = _section(page, "Upcoming sessions")
    assert upcoming.index("Cancelled one") < upcoming.index("Workshop 2") < upcoming.index(
        "Deep dive")
    assert "govuk-tag--red\">Cancelled" in upcoming
    assert "<li>Draw a data map</li><li>Name its owners</li>" in upcoming
    past = _section(page, "Past sessions")
    assert past.index("Workshop 1") < past.index("Intro")  # newest first
    assert "Workshop 2" not in past and "Intro" not in upcoming


def test_an_empty_programme(as_participant, programme):
    page = _page(as_participant, programme.cohort)
    assert "No upcoming session." in page and "No session has taken place yet." in page
    assert "cohort-next" not in page
    assert "Schedule a session" not in page  # a participant does not schedule


def test_the_facilitator_gets_the_scheduling_links(as_facilitator, programme):
    page = _page(as_facilitator, programme.cohort)
    assert f'href="/cohorts/{programme.cohort.id}/sessions/new"' in page
    assert f'href="/cohorts/{programme.cohort.id}/objectives"' in page


def test_a_member_sees_the_joining_link_as_soon_as_it_is_set(as_participant, programme,
                                                              make_session):
    """Issue 19 item 21: the page hid the link until an hour before, while mail carried it."""
    later = make_session(programme.cohort, "Later", starts_in=timedelta(days=6), join_url=JOIN,
                         join_notes="Code 4242")
    page = _page(as_participant, programme.cohort)
    assert f'href="{JOIN}"' in _next_panel(page) and "Join Later" in _next_panel(page)
    session_page = as_participant.get(f"/cohorts/{programme.cohort.id}/sessions/{later.id}")
    assert JOIN in session_page.get_data(as_text=True)
    assert "Code 4242" in session_page.get_data(as_text=True)


def test_the_facilitator_sees_the_joining_link_even_once_the_session_is_over(
        client, login, programme, make_session):
    held = make_session(programme.cohort, "Held", starts_in=timedelta(days=-2), join_url=JOIN)
    url = f"/cohorts/{programme.cohort.id}/sessions/{held.id}"
    login(programme.participant)
    assert JOIN not in client.get(url).get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_from(client.get(url))})
    login(programme.facilitator)
    assert JOIN in client.get(url).get_data(as_text=True)


def test_the_link_stays_until_the_end_and_then_goes(as_participant, programme, make_session):
    running = make_session(programme.cohort, "Running", starts_in=timedelta(minutes=-30),
                           duration_minutes=60, join_url=JOIN)
    assert JOIN in _next_panel(_page(as_participant, programme.cohort))
    db.session.execute(update(ProgrammeSession).where(ProgrammeSession.id == running.id)
                       .values(starts_at=utcnow() - timedelta(minutes=61)))
    commit()
    page = _page(as_participant, programme.cohort)
    assert JOIN not in page and "Running" in _section(page, "Past sessions")


def test_who_sees_the_joining_link_and_when(programme, make_session):
    session = make_session(programme.cohort, starts_in=timedelta(days=7), duration_minutes=60,
                           join_url=JOIN)
    start, end = session.starts_at, session.ends_at
    assert shows_join_link("participant", session, start - timedelta(days=7))
    assert shows_join_link("participant", session, end - timedelta(seconds=1))
    assert not shows_join_link("participant", session, end)
    assert shows_join_link("facilitator", session, end + timedelta(days=30))
    assert not shows_join_link(None, session, start)  # no role in the cohort
    assert not shows_join_link("colleague", session, start)  # a members' session
    no_link = make_session(programme.cohort, starts_in=timedelta(days=1))
    assert not shows_join_link("facilitator", no_link, no_link.starts_at)
    services.cancel_session(None, session)
    assert not shows_join_link("participant", session, start)
    assert shows_join_link("facilitator", session, start)


def test_a_cancelled_session_shows_no_joining_link(as_participant, programme, make_session):
    session = make_session(programme.cohort, "Called off", starts_in=timedelta(minutes=10),
                           join_url=JOIN)
    services.cancel_session(None, session)
    commit()
    assert JOIN not in _page(as_participant, programme.cohort)
    page = as_participant.get(f"/cohorts/{programme.cohort.id}/sessions/{session.id}")
    assert JOIN not in page.get_data(as_text=True)


def _at(session, starts_at) -> None:
    db.session.execute(update(ProgrammeSession).where(ProgrammeSession.id == session.id).values(starts_at=starts_at))
    commit()


def test_times_are_shown_in_the_viewers_zone_with_the_zone_named(as_participant, programme,
                                                                 make_session):
    winter = make_session(programme.cohort, "Winter")
    summer = make_session(programme.cohort, "Summer")
    _at(winter, datetime(2030, 1, 15, 15, 0, tzinfo=UTC))
    _at(summer, datetime(2030, 7, 15, 14, 0, tzinfo=UTC))

    page = _page(as_participant, programme.cohort)
    assert "Times are in Europe/London." in page
    assert "15 January 2030, 3:00pm (GMT)" in page
    assert "15 July 2030, 3:00pm (BST)" in page

    response = post_form(as_participant, "/settings",
                         {"section": "time-zone", "time-zone-timezone": "America/New_York"})
    assert response.status_code == 302
    page = _page(as_participant, programme.cohort)
    assert "Times are in America/New_York." in page
    assert "15 January 2030, 10:00am (EST)" in page
    assert "15 July 2030, 10:00am (EDT)" in page
    assert "(GMT)" not in page and "(BST)" not in page

    # The session page adds the zone the session was planned in.
    session_page = as_participant.get(
        f"/cohorts/{programme.cohort.id}/sessions/{summer.id}").get_data(as_text=True)
    assert "15 July 2030, 10:00am (EDT)" in session_page
    assert "Planned in" in session_page and "15 July 2030, 3:00pm (BST)" in session_page


def test_an_unknown_zone_preference_is_refused(as_participant, programme):
    response = post_form(as_participant, "/settings",
                         {"section": "time-zone", "time-zone-timezone": "Mars/Base"})
    assert response.status_code == 200
    assert "There is a problem" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(type(programme.participant), programme.participant.id).timezone is None


def _bulk(cohort, count: int, facilitator) -> None:
    """`count` sessions a day apart, half past and half to come, each with objectives and a link."""
    first = utcnow() - timedelta(days=count // 2)
    for n in range(count):
        session = services.add_session(
            facilitator, cohort, f"ProgrammeSession {n}", "workshop", first + timedelta(days=n), 90,
            objectives=[f"Objective {n}.1", f"Objective {n}.2"], topics=[f"Topic {n}"],
            join_url=JOIN, audience="members_and_colleagues" if n % 3 else "members")
        db.session.add(Material(session_id=session.id, title=f"Slides {n}",
                                url="https://example.org/slides"))
    commit()


def _queries(client, cohort) -> int:
    client.get(f"/cohorts/{cohort.id}/programme")  # warm up: the first request builds caches
    with count_queries() as counter:
        _page(client, cohort)
    return counter[0]


def test_the_page_runs_the_same_queries_with_6_sessions_and_with_200(as_participant, new_client,
                                                                      login, programme,
                                                                      make_cohort, make_member):
    services.set_programme_objectives(None, programme.cohort, "Map your data\nPlan")
    _bulk(programme.cohort, 6, programme.facilitator)
    big = make_cohort("Big cohort")
    make_member(big, "participant", user=programme.participant)
    _bulk(big, 200, programme.facilitator)
    services.set_programme_objectives(None, big, "Map your data\nPlan")
    commit()

    small_count = _queries(as_participant, programme.cohort)
    big_count = _queries(as_participant, big)
    assert small_count == big_count, (small_count, big_count)
    assert big_count <= 12, big_count
    assert _page(as_participant, big).count("govuk-summary-card__title-wrapper") == 200
