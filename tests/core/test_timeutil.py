"""The one daylight-saving policy: wall-clock times the clocks skip or repeat."""

from datetime import UTC, datetime

import pytest

from cohort.core.errors import UserError
from cohort.core.timeutil import NonexistentTime, local_to_utc, shift_days, zone_for


def test_a_time_the_clocks_skip_is_refused_naming_the_change():
    # London's clocks went forward at 01:00 on 28 March 2027 and back at 02:00 on 31 October.
    with pytest.raises(NonexistentTime) as caught:
        local_to_utc(datetime(2027, 3, 28, 1, 30), "Europe/London", field="start_time")
    assert str(caught.value) == (
        "01:30 on 28 March 2027 does not exist in Europe/London: the clocks go forward from "
        "01:00 to 02:00. Choose a time before 01:00 or from 02:00")
    assert isinstance(caught.value, UserError) and caught.value.field == "start_time"
    with pytest.raises(NonexistentTime, match="from 02:00 to 02:30"):  # half an hour
        local_to_utc(datetime(2027, 10, 3, 2, 10), "Australia/Lord_Howe")
    with pytest.raises(NonexistentTime, match="from 00:00 to 01:00"):  # at midnight
        local_to_utc(datetime(2027, 9, 5, 0, 0), "America/Santiago")
    with pytest.raises(NonexistentTime, match="from 00:00 on 30 December 2011 to 00:00 on 31"):
        local_to_utc(datetime(2011, 12, 30, 12, 0), "Pacific/Apia")  # a day skipped
    assert local_to_utc(datetime(2027, 3, 28, 2, 0), "Europe/London") == \
        datetime(2027, 3, 28, 1, 0, tzinfo=UTC)  # the first minute after the change


def test_a_time_that_happens_twice_is_the_earlier_unless_the_later_is_asked_for():
    assert local_to_utc(datetime(2027, 10, 31, 1, 30), "Europe/London") == \
        datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # the first 01:30, in BST
    assert local_to_utc(datetime(2027, 10, 31, 1, 30), "Europe/London", fold="later") == \
        datetime(2027, 10, 31, 1, 30, tzinfo=UTC)  # the second, in GMT
    assert local_to_utc(datetime(2027, 7, 1, 10), "Europe/London", fold="later") == \
        datetime(2027, 7, 1, 9, tzinfo=UTC)  # any other time: one answer


def test_a_persons_zone_is_their_own_else_the_sites(app):
    class Person:
        timezone = None

    assert zone_for(Person()) == app.config["TIMEZONE"] == zone_for(None)
    Person.timezone = "America/New_York"
    assert zone_for(Person()) == "America/New_York"


def test_days_are_counted_on_the_wall_clock_and_a_skipped_time_worked_out_moves_on():
    ten_in_summer = datetime(2027, 4, 1, 9, tzinfo=UTC)  # 10:00 BST
    assert shift_days(ten_in_summer, -7, "Europe/London") == \
        datetime(2027, 3, 25, 10, tzinfo=UTC)  # 10:00 GMT
    assert shift_days(ten_in_summer, -7, "UTC") == datetime(2027, 3, 25, 9, tzinfo=UTC)
    # A week before 01:30 BST on 4 April is 01:30 on 28 March, which the clocks skip: a time
    # worked out is not refused but moved on.
    assert shift_days(datetime(2027, 4, 4, 0, 30, tzinfo=UTC), -7, "Europe/London") == \
        datetime(2027, 3, 28, 1, 30, tzinfo=UTC)  # 02:30 BST
