"""Programme services without HTTP: clock times in a zone, scheduling rules, the timeline."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from cohort.core.database import commit
from cohort.core.models import AuditEvent
from cohort.core.timeutil import utcnow
from cohort.extensions import db
from cohort.programme import services
from cohort.programme.models import ProgrammeSession
from cohort.programme.services import ProgrammeError, local_to_utc, parse_clock

# Clock times in a named zone -------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("09:30", time(9, 30)), ("9:30", time(9, 30)), ("14.00", time(14, 0)), (" 00:00 ", time(0, 0)),
    ("23:59", time(23, 59)),
])
def test_parse_clock(text, expected):
    assert parse_clock(text) == expected


@pytest.mark.parametrize("text", ["25:00", "24:00", "9am", "9", "12:60", "", None, "1:2",
                                  "09:30:00", "-1:00"])
def test_parse_clock_refuses(text):
    with pytest.raises(ProgrammeError, match="24-hour form") as caught:
        parse_clock(text)
    assert caught.value.field == "start_time"


@pytest.mark.parametrize("text", ["٠٩:٣٠", "０９:３０", "۰۹:۳۰", "9:３0"])
def test_parse_clock_refuses_digits_other_than_0_to_9(text):
    with pytest.raises(ProgrammeError, match="with the digits 0 to 9") as caught:
        parse_clock(text)
    assert caught.value.field == "start_time"


@pytest.mark.parametrize(("day", "clock", "zone", "expected"), [
    (date(2021, 3, 16), time(10), "Europe/London", datetime(2021, 3, 16, 10, tzinfo=UTC)),
    (date(2021, 4, 13), time(10), "Europe/London", datetime(2021, 4, 13, 9, tzinfo=UTC)),
    (date(2021, 1, 5), time(10), "America/New_York", datetime(2021, 1, 5, 15, tzinfo=UTC)),
    (date(2021, 7, 5), time(10), "America/New_York", datetime(2021, 7, 5, 14, tzinfo=UTC)),
    (date(2021, 7, 5), time(10), "Australia/Sydney", datetime(2021, 7, 5, 0, tzinfo=UTC)),
    (date(2021, 3, 28), time(2, 0), "Europe/London", datetime(2021, 3, 28, 1, tzinfo=UTC)),
    (date(2021, 10, 31), time(2, 0), "Europe/London", datetime(2021, 10, 31, 2, tzinfo=UTC)),
])
def test_local_to_utc(day, clock, zone, expected):
    result = local_to_utc(day, clock, zone)
    assert result == expected and result.tzinfo is UTC


@pytest.mark.parametrize(("day", "clock", "zone", "message"), [
    (date(2021, 3, 28), time(1, 30), "Europe/London",
     "01:30 on 28 March 2021 does not exist in Europe/London: the clocks go forward from 01:00 "
     "to 02:00"),
    (date(2021, 3, 28), time(1, 0), "Europe/London", "does not exist"),
    (date(2021, 3, 14), time(2, 30), "America/New_York", "from 02:00 to 03:00"),
])
def test_local_to_utc_refuses_a_time_the_clocks_skip(day, clock, zone, message):
    with pytest.raises(ProgrammeError, match=message) as caught:
        local_to_utc(day, clock, zone)
    assert caught.value.field == "start_time"


@pytest.mark.parametrize(("day", "clock", "zone", "expected"), [
    (date(2021, 10, 31), time(1, 30), "Europe/London", datetime(2021, 10, 31, 0, 30, tzinfo=UTC)),
    (date(2021, 10, 31), time(1, 0), "Europe/London", datetime(2021, 10, 31, 0, 0, tzinfo=UTC)),
    (date(2021, 11, 7), time(1, 30), "America/New_York", datetime(2021, 11, 7, 5, 30, tzinfo=UTC)),
    (date(2021, 4, 4), time(2, 30), "Australia/Sydney", datetime(2021, 4, 3, 15, 30, tzinfo=UTC)),
])
def test_a_session_starting_at_a_time_that_happens_twice_starts_at_the_first(day, clock, zone,
                                                                             expected):
    assert local_to_utc(day, clock, zone) == expected


@pytest.mark.parametrize("zone", ["", "Mars/Olympus_Mons", "europe/london", "GMT+1", "../etc"])
def test_local_to_utc_refuses_an_unknown_zone(zone):
    with pytest.raises(ProgrammeError, match="Choose a time zone from the list") as caught:
        local_to_utc(date(2021, 4, 13), time(10), zone)
    assert caught.value.field == "timezone"


# Scheduling rules ------------------------------------------------------------------------------


def _add(cohort, **overrides):
    fields = {"title": "Workshop", "kind": "workshop", "starts_at": utcnow() + timedelta(days=1),
              "duration_minutes": 90, **overrides}
    return services.add_session(None, cohort, **fields)


@pytest.mark.parametrize(("overrides", "field"), [
    ({"duration_minutes": 0}, "duration_minutes"),
    ({"duration_minutes": -15}, "duration_minutes"),
    ({"duration_minutes": None}, "duration_minutes"),
    ({"duration_minutes": 721}, "duration_minutes"),
    ({"title": " "}, "title"),
    ({"kind": "webinar"}, "kind"),
    ({"audience": "public"}, "audience"),
    ({"timezone": "Nowhere/Town"}, "timezone"),
    ({"join_url": "javascript:alert(1)"}, "join_url"),
    ({"join_url": "JAVASCRIPT://x.org/%0Aalert(1)"}, "join_url"),
    ({"join_url": "data:text/html,hi"}, "join_url"),
    ({"join_url": "ftp://example.org"}, "join_url"),
    ({"objectives": ["x" * 501]}, "objectives"),
])
def test_add_session_refuses_bad_fields(make_cohort, overrides, field):
    cohort = make_cohort()
    with pytest.raises(ProgrammeError) as caught:
        _add(cohort, **overrides)
    assert caught.value.field == field
    db.session.rollback()
    assert db.session.execute(select(ProgrammeSession)).first() is None


def test_add_session_keeps_objectives_in_order_and_records_the_change(make_cohort):
    cohort = make_cohort()
    session = _add(cohort, objectives="Second thoughts\n\nFirst things\n",
                   topics=["  A  ", "", "B"], join_url=" https://meet.example.org/x ")
    commit()
    session = services.get_session(cohort, session.id)
    assert [(o.position, o.text) for o in session.objectives] == [
        (1, "Second thoughts"), (2, "First things")]
    assert session.topic_list == ["A", "B"]
    assert session.join_url == "https://meet.example.org/x"
    events = db.session.execute(select(AuditEvent.action, AuditEvent.subject)).all()
    assert ("session_created", session.uid) in events


def test_every_session_has_its_own_uid(make_cohort):
    cohort = make_cohort()
    uids = {_add(cohort).uid for _ in range(5)}
    assert len(uids) == 5


def test_cancel_and_update_record_the_change(make_cohort):
    cohort = make_cohort()
    session = _add(cohort)
    services.update_session(None, session, services.SessionData(
        title="Renamed", kind="workshop", starts_at=session.starts_at, duration_minutes=60))
    services.cancel_session(None, session)
    actions = db.session.execute(select(AuditEvent.action)).scalars().all()
    assert {"session_updated", "session_cancelled"} <= set(actions)
    assert (session.sequence, session.status) == (2, "cancelled")


@pytest.mark.parametrize(("minutes", "label"), [
    (45, "45 minutes"), (60, "1 hour"), (90, "1 hour 30 minutes"), (120, "2 hours"),
    (150, "2 hours 30 minutes"),
])
def test_length_label(make_cohort, minutes, label):
    assert _add(make_cohort(), duration_minutes=minutes).length_label == label


# The timeline ----------------------------------------------------------------------------------


def test_timeline_splits_past_and_upcoming_and_skips_cancelled_for_next(make_cohort):
    cohort = make_cohort()
    now = utcnow()
    done = _add(cohort, title="Done", starts_at=now - timedelta(days=2))
    running = _add(cohort, title="Running", starts_at=now - timedelta(minutes=30))
    called_off = _add(cohort, title="Called off", starts_at=now + timedelta(hours=1))
    services.cancel_session(None, called_off)
    later = _add(cohort, title="Later", starts_at=now + timedelta(days=3))
    commit()
    timeline = services.timeline(cohort, "participant", now)
    assert timeline.next.id == running.id  # still on: the next until it ends
    assert [s.id for s in timeline.upcoming] == [running.id, called_off.id, later.id]
    assert [s.id for s in timeline.past] == [done.id]
    after = services.timeline(cohort, "participant", now + timedelta(hours=2))
    assert after.next.id == later.id
    assert services.timeline(cohort, "participant", now + timedelta(days=4)).next is None


def test_a_team_member_sees_only_sessions_open_to_colleagues(make_cohort):
    cohort = make_cohort()
    _add(cohort, title="Closed")
    _add(cohort, title="Open", audience="members_and_colleagues")
    commit()
    assert [s.title for s in services.sessions_for(cohort, "colleague")] == ["Open"]
    for role in ("participant", "facilitator", "evaluator", None):
        assert len(services.sessions_for(cohort, role)) == 2


def test_next_sessions_of_several_cohorts_in_one_query(make_cohort):
    from tests.helpers import count_queries

    first, second, empty = make_cohort(), make_cohort(), make_cohort()
    now = utcnow()
    _add(first, title="First later", starts_at=now + timedelta(days=5))
    _add(first, title="First soon", starts_at=now + timedelta(days=1))
    _add(first, title="First past", starts_at=now - timedelta(days=1))
    cancelled = _add(second, title="Second cancelled", starts_at=now + timedelta(hours=2))
    services.cancel_session(None, cancelled)
    _add(second, title="Second", starts_at=now + timedelta(days=2))
    commit()
    ids = [first.id, second.id, empty.id]
    with count_queries() as queries:
        found = services.next_sessions(ids)
    assert queries[0] == 1
    assert {k: v.title for k, v in found.items()} == {first.id: "First soon", second.id: "Second"}
    assert services.next_sessions([]) == {}


def test_a_register_lists_who_held_each_place_on_the_day(make_cohort, make_member, make_holder,
                                                        make_user):
    """A handover later does not rewrite an earlier register; someone who joined after the
    session is not on it; staff never are."""
    from sqlalchemy import update

    from cohort.cohorts.models import Membership, PlaceHolding

    cohort = make_cohort()
    stays = make_holder(cohort)
    leaver = make_holder(cohort)
    make_member(cohort, "facilitator")
    make_member(cohort, "evaluator")
    colleague = make_member(cohort, "colleague")
    latecomer = make_holder(cohort, since=timedelta(hours=1))
    # Three days ago the leaver handed the place to a successor.
    handed = utcnow() - timedelta(days=3)
    successor = make_member(cohort, "participant", user=make_user())
    db.session.execute(update(PlaceHolding).where(PlaceHolding.place_id == leaver.place_id)
                       .values(ended_at=handed, how_ended="handover"))
    db.session.execute(update(Membership).where(Membership.id == leaver.id)
                       .values(status="left", left_at=handed))
    db.session.execute(update(Membership).where(Membership.id == successor.id)
                       .values(place_id=leaver.place_id))
    db.session.add(PlaceHolding(place_id=leaver.place_id, user_id=successor.user_id,
                                started_at=handed, how_started="handover"))
    db.session.execute(update(Membership).where(Membership.id == colleague.id)
                       .values(joined_at=utcnow() - timedelta(days=10)))
    before = _add(cohort, starts_at=utcnow() - timedelta(days=5))
    after = _add(cohort, starts_at=utcnow() - timedelta(days=1))
    open_one = _add(cohort, starts_at=utcnow() - timedelta(days=1),
                    audience="members_and_colleagues")
    commit()
    assert {m.id for m in services.attendees(before)} == {stays.id, leaver.id}
    assert {m.id for m in services.attendees(after)} == {stays.id, successor.id}
    assert {m.id for m in services.attendees(open_one)} == {stays.id, successor.id, colleague.id}
    assert latecomer.id not in {m.id for m in services.attendees(after)}
    with pytest.raises(ProgrammeError, match="only be recorded for members"):
        services.record_attendance(None, after, {leaver.id: "present"})


def test_the_home_asks_for_the_sessions_ahead_once_and_sees_one_added_meanwhile(
        make_cohort, make_member, make_user):
    """The home's next sessions and its to-do (the next session to join, within the next
    fortnight) come from one statement; a session scheduled in the same transaction after
    that is seen by the next asking."""
    from flask import current_app

    from cohort.programme.home import todos
    from tests.helpers import count_queries

    cohort = make_cohort()
    member = make_member(cohort, "participant", user=make_user("pat@example.org", "Pat"))
    now = utcnow()
    _add(cohort, title="Next month", starts_at=now + timedelta(days=30))
    commit()
    member.user.timezone, member.role, cohort.id  # noqa: B018 (loaded again after the commit)
    with count_queries() as queries:
        assert services.next_sessions([cohort.id])[cohort.id].title == "Next month"
        assert todos(member.user, [member]) == []  # too far ahead to be a to-do
    assert queries[0] == 1
    _add(cohort, title="Tomorrow", starts_at=now + timedelta(days=1))  # flushed, not committed
    assert services.next_sessions([cohort.id])[cohort.id].title == "Tomorrow"
    with current_app.test_request_context():
        (todo,) = todos(member.user, [member])
    assert todo.key == "next_session" and todo.text.startswith("Next session: Tomorrow on ")
