"""iCalendar feeds: the personal feed and a session's .ics, parsed with the icalendar library."""

from datetime import UTC, datetime, timedelta

import icalendar
from sqlalchemy import update

from cohort.accounts.models import User
from cohort.core.database import commit
from cohort.extensions import db
from cohort.programme.models import ProgrammeSession
from tests.helpers import csrf_from, post_form

from .conftest import session_form

START = datetime(2030, 4, 16, 9, 0, tzinfo=UTC)  # 10:00 BST


def _events(response) -> dict[str, icalendar.Event]:
    """Session title -> VEVENT of a feed response, after checking it is a calendar. The
    SUMMARY is the title followed by the cohort's, in brackets."""
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    calendar = icalendar.Calendar.from_ical(response.get_data())
    assert str(calendar["VERSION"]) == "2.0"
    return {str(event["SUMMARY"]).rsplit(" (", 1)[0]: event for event in calendar.walk("VEVENT")}


def _token(user) -> str:
    db.session.rollback()
    return db.session.get(User, user.id).calendar_token


def _at(session, starts_at=START) -> None:
    db.session.execute(update(ProgrammeSession).where(ProgrammeSession.id == session.id)
                       .values(starts_at=starts_at))
    commit()


def test_a_session_carries_uid_start_summary_sequence_and_status(client, programme, make_session):
    session = make_session(programme.cohort, "Workshop 1", duration_minutes=150,
                           objectives=["Name three data roles"], topics=["Data roles"],
                           join_url="https://meet.example.org/secret-room",
                           join_notes="Code 4242", facilitator_notes="Private note")
    _at(session)
    response = client.get(f"/calendar/{_token(programme.participant)}.ics")
    event = _events(response)["Workshop 1"]
    assert str(event["UID"]) == session.uid
    assert event.decoded("DTSTART") == START
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert event.decoded("DTEND") == START + timedelta(minutes=150)
    assert "DTSTART:20300416T090000Z" in response.get_data(as_text=True).replace("\r\n ", "")
    assert int(event["SEQUENCE"]) == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    description = str(event["DESCRIPTION"])
    assert "Name three data roles" in description and "Data roles" in description
    assert str(event["URL"]).endswith(f"/cohorts/{programme.cohort.id}/sessions/{session.id}")
    body = response.get_data(as_text=True).replace("\r\n ", "")
    # The joining link, its notes and the facilitator's notes stay on the site.
    for secret in ("meet.example.org", "secret-room", "Code 4242", "Private note"):
        assert secret not in body


def test_an_edit_and_a_cancellation_reach_the_feed(client, new_client, login, programme,
                                                   make_session):
    session = make_session(programme.cohort, "Workshop 1")
    _at(session)
    url = f"/calendar/{_token(programme.participant)}.ics"
    facilitator = new_client()
    login(programme.facilitator, the_client=facilitator)

    edit = f"/cohorts/{programme.cohort.id}/sessions/{session.id}/edit"
    response = post_form(facilitator, edit, session_form(
        title="Workshop 1 (moved)", **{"day-day": "17", "day-month": "4", "day-year": "2030"}))
    assert response.status_code == 302
    event = _events(client.get(url))["Workshop 1 (moved)"]
    assert str(event["UID"]) == session.uid
    assert int(event["SEQUENCE"]) == 1
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("DTSTART") == datetime(2030, 4, 17, 9, 0, tzinfo=UTC)

    cancel = f"/cohorts/{programme.cohort.id}/sessions/{session.id}/cancel"
    assert post_form(facilitator, cancel, {}).status_code == 302
    event = _events(client.get(url))["Workshop 1 (moved)"]
    assert str(event["UID"]) == session.uid
    assert int(event["SEQUENCE"]) == 2
    assert str(event["STATUS"]) == "CANCELLED"

    # The session's own .ics says the same.
    login(programme.participant)
    single = _events(client.get(f"/cohorts/{programme.cohort.id}/sessions/{session.id}.ics"))
    event = single["Workshop 1 (moved)"]
    assert (str(event["UID"]), int(event["SEQUENCE"]), str(event["STATUS"])) == (
        session.uid, 2, "CANCELLED")


def test_the_feed_holds_only_the_users_cohorts(client, programme, make_cohort, make_member,
                                               make_session):
    mine = make_session(programme.cohort, "Mine")
    second = make_cohort("Second cohort")
    make_member(second, "participant", user=programme.participant)
    also_mine = make_session(second, "Also mine")
    make_session(make_cohort("Not mine"), "Someone else's")
    events = _events(client.get(f"/calendar/{_token(programme.participant)}.ics"))
    assert set(events) == {"Mine", "Also mine"}
    assert {str(e["UID"]) for e in events.values()} == {mine.uid, also_mine.uid}
    # Two cohorts in one calendar: each event names its cohort.
    assert {str(e["SUMMARY"]) for e in events.values()} == {
        "Mine (Data maturity 2026)", "Also mine (Second cohort)"}


def test_a_team_member_gets_only_the_sessions_open_to_colleagues(client, login, programme,
                                                                 make_member, make_session):
    colleague = make_member(programme.cohort, "colleague").user
    closed = make_session(programme.cohort, "Members only")
    open_one = make_session(programme.cohort, "Open to colleagues",
                            audience="members_and_colleagues")
    events = _events(client.get(f"/calendar/{_token(colleague)}.ics"))
    assert set(events) == {"Open to colleagues"}
    # A participant gets both.
    assert set(_events(client.get(f"/calendar/{_token(programme.participant)}.ics"))) == {
        "Members only", "Open to colleagues"}
    # And the single .ics follows the same rule.
    login(colleague)
    assert client.get(f"/cohorts/{programme.cohort.id}/sessions/{closed.id}.ics").status_code == 404
    assert client.get(f"/cohorts/{programme.cohort.id}/sessions/{open_one.id}.ics").status_code == 200


def test_an_unknown_token_is_not_found(client, programme, make_session):
    make_session(programme.cohort)
    for token in ("nope", "x" * 43, "x" * 200, _token(programme.participant)[:-1]):
        response = client.get(f"/calendar/{token}.ics")
        assert response.status_code == 404, token
        assert response.mimetype != "text/calendar"


def test_resetting_the_token_ends_the_old_url(as_participant, new_client, programme,
                                              make_session):
    make_session(programme.cohort, "Workshop 1")
    old = _token(programme.participant)
    page = as_participant.get("/account/calendar").get_data(as_text=True)
    assert f"/calendar/{old}.ics" in page

    response = as_participant.post("/account/calendar/reset",
                                   data={"csrf_token": csrf_from(as_participant.get("/account/calendar"))})
    assert response.status_code == 302 and response.headers["Location"] == "/account/calendar"
    new = _token(programme.participant)
    assert new and new != old
    page = as_participant.get("/account/calendar").get_data(as_text=True)
    assert "Your calendar link has changed" in page and f"/calendar/{new}.ics" in page

    anyone = new_client()  # a calendar app: no sign-in, no cookies
    assert anyone.get(f"/calendar/{old}.ics").status_code == 404
    assert set(_events(anyone.get(f"/calendar/{new}.ics"))) == {"Workshop 1"}


def test_resetting_needs_a_post_with_a_token(as_participant, programme):
    old = _token(programme.participant)
    assert as_participant.get("/account/calendar/reset").status_code == 405
    assert as_participant.post("/account/calendar/reset").status_code == 400
    assert _token(programme.participant) == old


def test_a_left_member_drops_out_of_the_feed(client, programme, make_session):
    """The feed follows the active memberships: someone who leaves stops getting the sessions."""
    from cohort.cohorts.models import Membership

    make_session(programme.cohort, "Workshop 1")
    db.session.execute(update(Membership).where(Membership.id == programme.other_membership.id)
                       .values(status="left"))
    commit()
    assert _events(client.get(f"/calendar/{_token(programme.other)}.ics")) == {}
