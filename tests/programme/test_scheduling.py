"""Scheduling through the form: times in a named zone stored in UTC, and every bad input."""

from datetime import UTC, datetime

import pytest

from cohort.programme.services import get_session
from tests.helpers import csrf_from

from .conftest import latest_session, schedule, session_count, session_form


@pytest.mark.parametrize(("day", "zone", "expected"), [
    ("16", "Europe/London", datetime(2021, 3, 16, 10, 0, tzinfo=UTC)),  # GMT
    ("13", "Europe/London", datetime(2021, 4, 13, 9, 0, tzinfo=UTC)),  # BST
    ("16", "America/New_York", datetime(2021, 3, 16, 14, 0, tzinfo=UTC)),  # EDT from 14 March
    ("13", "UTC", datetime(2021, 4, 13, 10, 0, tzinfo=UTC)),
])
def test_the_start_is_stored_in_utc(as_facilitator, programme, day, zone, expected):
    month = "3" if day == "16" else "4"
    response = schedule(as_facilitator, programme.cohort, **{
        "day-day": day, "day-month": month, "timezone": zone, "start_time": "10:00"})
    assert response.status_code == 302, response.get_data(as_text=True)
    session = latest_session()
    assert session.starts_at == expected
    assert session.timezone == zone
    assert response.headers["Location"] == f"/cohorts/{programme.cohort.id}/sessions/{session.id}"


def test_a_real_zone_outside_the_short_list_is_accepted(as_facilitator, programme):
    schedule(as_facilitator, programme.cohort, timezone="Asia/Tokyo")
    session = latest_session()
    assert session.starts_at == datetime(2021, 4, 13, 1, 0, tzinfo=UTC)
    page = as_facilitator.get(f"/cohorts/{programme.cohort.id}/sessions/{session.id}/edit")
    assert '<option value="Asia/Tokyo" selected>' in page.get_data(as_text=True)


def test_a_new_york_session_before_the_us_change(as_facilitator, programme):
    schedule(as_facilitator, programme.cohort, **{
        "day-day": "1", "day-month": "3", "timezone": "America/New_York", "start_time": "9.30"})
    assert latest_session().starts_at == datetime(2021, 3, 1, 14, 30, tzinfo=UTC)  # EST


def test_every_field_is_saved(as_facilitator, programme):
    response = schedule(
        as_facilitator, programme.cohort, title="  Deep dive: data sharing  ", kind="deep_dive",
        audience="members_and_colleagues", duration_minutes="90",
        topics="Data sharing agreements\n\n  Information governance  \n",
        objectives="Explain a data sharing agreement\nName the lawful bases",
        join_notes="Code 1234", description="A deep dive.", facilitator_notes="Invite Sam")
    assert response.status_code == 302
    session = get_session(programme.cohort, latest_session().id)
    assert (session.title, session.kind, session.audience) == (
        "Deep dive: data sharing", "deep_dive", "members_and_colleagues")
    assert session.duration_minutes == 90
    assert session.topic_list == ["Data sharing agreements", "Information governance"]
    assert [(o.position, o.text) for o in session.objectives] == [
        (1, "Explain a data sharing agreement"), (2, "Name the lawful bases")]
    assert (session.join_url, session.join_notes) == ("https://meet.example.org/w1", "Code 1234")
    assert session.facilitator_notes == "Invite Sam"
    assert (session.status, session.sequence) == ("scheduled", 0)
    assert session.uid.endswith("@cohort")
    page = as_facilitator.get(response.headers["Location"]).get_data(as_text=True)
    assert "Deep dive: data sharing has been scheduled." in page


def test_the_form_starts_in_the_cohorts_zone(as_facilitator, programme):
    page = as_facilitator.get(f"/cohorts/{programme.cohort.id}/sessions/new").get_data(as_text=True)
    assert '<option value="Europe/London" selected>' in page


def test_the_form_says_when_members_see_the_link(as_facilitator, programme):
    page = as_facilitator.get(f"/cohorts/{programme.cohort.id}/sessions/new").get_data(as_text=True)
    assert "see it on its page and in its reminders from when you add it until the session ends" \
        in page


def _refused(client, cohort, message, **overrides):
    before = session_count()
    response = schedule(client, cohort, **overrides)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, response.headers.get("Location")
    assert "There is a problem" in page
    assert message in page, page[page.find("govuk-error-summary"):][:1500]
    assert session_count() == before
    return page


@pytest.mark.parametrize(("overrides", "message"), [
    ({"duration_minutes": "0"}, "the session must end after it starts"),
    ({"duration_minutes": "-30"}, "the session must end after it starts"),
    ({"duration_minutes": "721"}, "Enter a length from 1 to 720 minutes"),
    ({"duration_minutes": "two hours"}, "Enter the length as a whole number of minutes"),
    ({"duration_minutes": "1.5"}, "Enter the length as a whole number of minutes"),
    ({"duration_minutes": ""}, "Enter the length in minutes"),
    ({"start_time": "25:00"}, "Enter a start time in 24-hour form, like 09:30 or 14:00"),
    ({"start_time": "9am"}, "Enter a start time in 24-hour form, like 09:30 or 14:00"),
    ({"start_time": "10:60"}, "Enter a start time in 24-hour form, like 09:30 or 14:00"),
    ({"start_time": ""}, "Enter the start time"),
    ({"start_time": "٠٩:٣٠"}, "Enter the start time with the digits 0 to 9, like 09:30"),
    ({"start_time": "０９:３０"}, "Enter the start time with the digits 0 to 9, like 09:30"),
    ({"day-month": ""}, "Date must include a month"),
    ({"day-day": "", "day-year": ""}, "Date must include a day and year"),
    ({"day-day": "31", "day-month": "2"}, "Date must be a real date"),
    ({"day-day": "", "day-month": "", "day-year": ""}, "Enter the date of the session"),
    ({"title": "   "}, "Enter the session&#39;s title"),
    ({"kind": ""}, "Choose the kind of session"),
    ({"kind": "webinar"}, "Choose the kind of session"),
    ({"audience": "everyone"}, "Choose who the session is for"),
    ({"join_url": "javascript:alert(1)"}, "Enter a joining link that starts with https:// or http://"),
    ({"join_url": "ftp://files.example.org/w1"}, "Enter a joining link that starts with https://"),
    ({"join_url": "https://"}, "Enter a joining link that starts with https://"),
    ({"join_url": "meet.example.org/w1"}, "Enter a joining link that starts with https://"),
    ({"join_url": "https://[::1"}, "Enter a joining link that starts with https://"),
    ({"timezone": "Mars/Olympus_Mons"}, "Choose a time zone from the list"),
    ({"timezone": ""}, "Choose a time zone from the list"),
    ({"objectives": "x" * 501}, "Keep each learning objective to 500 characters or fewer"),
])
def test_bad_input_is_refused_with_a_clear_message(as_facilitator, programme, overrides, message):
    _refused(as_facilitator, programme.cohort, message, **overrides)


def test_a_start_in_the_spring_gap_does_not_exist(as_facilitator, programme):
    # The clocks go forward at 01:00 on Sunday 28 March 2021 in London.
    _refused(as_facilitator, programme.cohort,
             "01:30 on 28 March 2021 does not exist in Europe/London: the clocks go forward",
             **{"day-day": "28", "day-month": "3", "start_time": "01:30"})


def test_a_start_in_the_autumn_hour_that_happens_twice_is_the_first(as_facilitator, programme):
    # The clocks go back at 02:00 on Sunday 31 October 2021 in London: 01:30 BST comes first.
    response = schedule(as_facilitator, programme.cohort, **{
        "day-day": "31", "day-month": "10", "start_time": "01:30"})
    assert response.status_code == 302
    assert latest_session().starts_at == datetime(2021, 10, 31, 0, 30, tzinfo=UTC)


def test_the_hours_either_side_of_a_change_are_accepted(as_facilitator, programme):
    for day, month, clock, expected in [
        ("28", "3", "00:59", datetime(2021, 3, 28, 0, 59, tzinfo=UTC)),
        ("28", "3", "02:00", datetime(2021, 3, 28, 1, 0, tzinfo=UTC)),
        ("31", "10", "00:30", datetime(2021, 10, 30, 23, 30, tzinfo=UTC)),
        ("31", "10", "02:00", datetime(2021, 10, 31, 2, 0, tzinfo=UTC)),
    ]:
        response = schedule(as_facilitator, programme.cohort, **{
            "day-day": day, "day-month": month, "start_time": clock})
        assert response.status_code == 302, (day, month, clock)
        assert latest_session().starts_at == expected


def test_the_new_york_gap_is_named_in_that_zone(as_facilitator, programme):
    # The US clocks went forward at 02:00 on 14 March 2021.
    _refused(as_facilitator, programme.cohort,
             "02:30 on 14 March 2021 does not exist in America/New_York",
             **{"day-day": "14", "day-month": "3", "start_time": "02:30",
                "timezone": "America/New_York"})


def test_a_refused_form_keeps_what_was_typed(as_facilitator, programme):
    page = _refused(as_facilitator, programme.cohort, "does not exist",
                    **{"day-day": "28", "day-month": "3", "start_time": "01:30",
                       "title": "Kept title", "objectives": "Kept objective"})
    assert 'value="Kept title"' in page
    assert "Kept objective</textarea>" in page
    assert 'value="01:30"' in page


def test_a_form_posted_twice_schedules_two_sessions(as_facilitator, programme):
    """The CSRF token is per browser session, not per form, so a second POST of the same form
    (a double click the page's button does not stop, or a resent request) schedules a second
    session with its own UID; the facilitator cancels the extra one."""
    url = f"/cohorts/{programme.cohort.id}/sessions/new"
    token = csrf_from(as_facilitator.get(url))
    data = {"csrf_token": token, **session_form()}
    first, second = as_facilitator.post(url, data=data), as_facilitator.post(url, data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] != second.headers["Location"]
    assert session_count() == 2
