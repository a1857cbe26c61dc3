"""The one daylight-saving policy: wall-clock times the clocks skip or repeat."""

from datetime import UTC, datetime

import pytest

from cohort.core.timeutil import AmbiguousTime, NonexistentTime, local_to_utc, shift_days


def test_a_skipped_time_lands_as_much_later_as_the_clocks_jump_and_a_repeated_one_is_the_first():
    # London's clocks went forward at 01:00 on 28 March 2027 and back at 02:00 on 31 October.
    assert local_to_utc(datetime(2027, 3, 28, 1, 30), "Europe/London") == \
        datetime(2027, 3, 28, 1, 30, tzinfo=UTC)  # 02:30 BST
    assert local_to_utc(datetime(2027, 10, 31, 1, 30), "Europe/London") == \
        datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # the first 01:30, in BST
    with pytest.raises(NonexistentTime):
        local_to_utc(datetime(2027, 3, 28, 1, 30), "Europe/London", strict=True)
    with pytest.raises(AmbiguousTime):
        local_to_utc(datetime(2027, 10, 31, 1, 30), "Europe/London", strict=True)


def test_days_are_counted_on_the_wall_clock():
    ten_in_summer = datetime(2027, 4, 1, 9, tzinfo=UTC)  # 10:00 BST
    assert shift_days(ten_in_summer, -7, "Europe/London") == \
        datetime(2027, 3, 25, 10, tzinfo=UTC)  # 10:00 GMT
    assert shift_days(ten_in_summer, -7, "UTC") == datetime(2027, 3, 25, 9, tzinfo=UTC)
