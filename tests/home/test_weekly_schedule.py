"""When the weekly summary falls due: at the chosen weekday and hour of the person's own time
zone, once in each ISO week of that zone; a time changed mid-week; the choice on the settings
page (off by default, bad values refused with a message); the person's data."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from cohort.core.database import commit
from cohort.extensions import db
from cohort.home import personal_data, services
from cohort.home.models import WeeklyChoice, WeeklySummary
from tests.helpers import post_form

# January 2027: Monday the 11th starts ISO week 2; New York is 5 hours behind UTC.
MONDAY = datetime(2027, 1, 11, tzinfo=UTC)
LONG_AGO = MONDAY - timedelta(days=60)
TUESDAY, WEDNESDAY, THURSDAY, FRIDAY = 1, 2, 3, 4


def _at(day: int, hour: int, minute: int = 0, weeks: int = 0) -> datetime:
    """An instant in UTC: the week's `day` (0 is Monday) at hour:minute."""
    return MONDAY + timedelta(weeks=weeks, days=day, hours=hour, minutes=minute)


def _zoned(make_user, tz: str | None, *args):
    """A new person whose times are shown in `tz`."""
    user = make_user(*args)
    user.timezone = tz
    commit()
    return user


@pytest.fixture
def person(make_member, make_user):
    """A participant in New York, whose summary has been chosen for Tuesdays at 9am."""
    member = make_member(user=_zoned(make_user, "America/New_York", "nyc@example.org",
                                          "Nora York"))
    services.set_weekly(member.user, True, TUESDAY, 9, now=LONG_AGO)
    commit()
    return member.user


def test_due_at_the_chosen_hour_of_the_persons_own_zone_and_not_before(person, make_member,
                                                                       make_user):
    londoner = make_member(user=make_user("ldn@example.org", "Lou Don")).user  # the site's zone
    services.set_weekly(londoner, True, TUESDAY, 9, now=LONG_AGO)
    commit()
    assert services.due_summaries(_at(TUESDAY, 8, 59)) == []
    assert services.due_summaries(_at(TUESDAY, 9)) == [(londoner.id, "2027-W02")]
    assert services.due_summaries(_at(TUESDAY, 13, 59)) == [(londoner.id, "2027-W02")]
    assert sorted(services.due_summaries(_at(TUESDAY, 14))) == sorted(
        [(londoner.id, "2027-W02"), (person.id, "2027-W02")])  # 9am in New York


def test_a_week_is_the_iso_week_of_the_persons_zone(make_member, make_user):
    """In Auckland (13 hours ahead in January) Monday 8am comes on Sunday evening in UTC, and
    belongs to Auckland's new week."""
    kiwi = make_member(user=_zoned(make_user, "Pacific/Auckland", "akl@example.org", "Kiri"))
    services.set_weekly(kiwi.user, True, 0, 8, now=LONG_AGO)
    commit()
    assert services.due_summaries(_at(-1, 18, 59)) == []
    assert services.due_summaries(_at(-1, 19)) == [(kiwi.user_id, "2027-W02")]


def test_once_considered_a_week_is_not_due_again(person):
    services.send_weekly_summary(person.id, "2027-W02", now=_at(TUESDAY, 14))
    commit()
    assert services.due_summaries(_at(FRIDAY, 12)) == []
    assert services.due_summaries(_at(TUESDAY, 14, weeks=1)) == [(person.id, "2027-W03")]


def test_a_time_moved_earlier_mid_week_starts_next_week(person):
    """On Monday, Nora moves Tuesday's summary to Monday 8am, already gone by: nothing this
    week (no summary straight away, none on Tuesday), then Mondays."""
    services.set_weekly(person, True, 0, 8, now=_at(0, 20))
    commit()
    for moment in (_at(0, 21), _at(TUESDAY, 14), _at(6, 23)):
        assert services.due_summaries(moment) == []
    assert services.due_summaries(_at(0, 13, weeks=1)) == [(person.id, "2027-W03")]


def test_a_time_moved_later_in_a_week_not_yet_sent_is_kept_this_week(person):
    services.set_weekly(person, True, THURSDAY, 9, now=_at(0, 20))
    commit()
    assert services.due_summaries(_at(TUESDAY, 14)) == []
    assert services.due_summaries(_at(THURSDAY, 14)) == [(person.id, "2027-W02")]


def test_a_time_moved_after_this_weeks_summary_went_waits_for_next_week(person):
    services.send_weekly_summary(person.id, "2027-W02", now=_at(TUESDAY, 14))
    commit()
    services.set_weekly(person, True, FRIDAY, 9, now=_at(WEDNESDAY, 12))
    commit()
    assert services.due_summaries(_at(FRIDAY, 14)) == []
    assert services.next_summary_at(person, _at(WEDNESDAY, 13)) == _at(FRIDAY, 14, weeks=1)
    assert services.due_summaries(_at(FRIDAY, 14, weeks=1)) == [(person.id, "2027-W03")]


def test_saving_the_same_choice_again_moves_nothing(person):
    services.set_weekly(person, True, TUESDAY, 9, now=_at(WEDNESDAY, 12))
    commit()
    assert db.session.get(WeeklyChoice, person.id).changed_at == LONG_AGO
    assert services.next_summary_at(person, _at(0, 12)) == _at(TUESDAY, 14)


def test_an_hour_the_clocks_skip_comes_as_much_later(make_member, make_user):
    """1am on Sunday 28 March 2027 does not exist in London: that week's summary is due at
    2am BST, the same instant as 1am GMT would have been."""
    member = make_member(user=_zoned(make_user, "Europe/London", "dst@example.org", "Di Est"))
    choice = services.set_weekly(member.user, True, 6, 1, now=LONG_AGO)
    commit()
    now = datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    assert services.due_this_week(choice, "Europe/London", now) == (
        "2027-W12", datetime(2027, 3, 28, 1, 0, tzinfo=UTC))


def test_the_services_refuse_a_day_or_hour_out_of_range(person):
    for weekday, hour, field in ((7, 9, "weekday"), (-1, 9, "weekday"), (0, 24, "hour"),
                                 (0, -1, "hour")):
        with pytest.raises(services.HomeError) as refused:
            services.set_weekly(person, True, weekday, hour)
        assert refused.value.field == field


# The settings page ---------------------------------------------------------------------------


def _section(page: str) -> str:
    start = page.index('id="weekly-summary"')
    return page[start:page.index("</section>", start)]


def test_the_settings_page_offers_it_off_and_says_what_it_holds(client, login, make_member):
    member = make_member()
    login(member.user)
    section = _section(client.get("/settings").get_data(as_text=True))
    assert "Weekly summary" in section
    assert "the most active threads on the board in the past 7 days" in section
    assert "who joined in the past 7 days" in section
    assert "It is off unless you turn it on." in section
    assert 'name="weekly-summary-enabled"' in section and " checked" not in section
    assert "next summary" not in section


def test_turning_it_on_from_the_settings_page(client, login, make_member, make_user):
    member = make_member(user=_zoned(make_user, "Europe/Paris"))
    login(member.user)
    response = post_form(client, "/settings", {
        "section": "weekly-summary", "weekly-summary-enabled": "y",
        "weekly-summary-weekday": "4", "weekly-summary-hour": "17"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert ("Your weekly summary is on: every Friday at 5pm (Europe/Paris), when there is "
            "anything to tell you.") in page
    section = _section(page)
    assert "Your next summary is due on Friday " in section and "5:00pm (CE" in section
    assert "In your time zone, Europe/Paris" in section
    db.session.rollback()
    choice = db.session.get(WeeklyChoice, member.user_id)
    assert (choice.enabled, choice.weekday, choice.hour) == (True, 4, 17)

    response = post_form(client, "/settings", {
        "section": "weekly-summary", "weekly-summary-weekday": "4",
        "weekly-summary-hour": "17"}, follow_redirects=True)
    assert "Your weekly summary is off." in response.get_data(as_text=True)
    db.session.rollback()
    assert not db.session.get(WeeklyChoice, member.user_id).enabled


@pytest.mark.parametrize(("weekday", "hour", "message"), [
    ("7", "8", "Choose the day of the week to get the summary on"),
    ("\u0663", "8", "Choose the day of the week to get the summary on"),  # an Arabic-Indic 3
    ("1", "9" * 25, "Choose the time of day to get the summary at"),
    ("1", "8\r\n", "Choose the time of day to get the summary at"),
    ("", "", "Choose the day of the week to get the summary on"),
])
def test_a_bad_day_or_hour_gets_a_message_and_saves_nothing(client, login, make_member,
                                                           weekday, hour, message):
    member = make_member()
    login(member.user)
    response = post_form(client, "/settings", {
        "section": "weekly-summary", "weekly-summary-enabled": "y",
        "weekly-summary-weekday": weekday, "weekly-summary-hour": hour})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(WeeklyChoice, member.user_id) is None


def test_someone_in_no_cohort_is_not_offered_it(client, login, make_user):
    user = make_user()
    login(user)
    assert 'id="weekly-summary"' not in client.get("/settings").get_data(as_text=True)


# The person's data ---------------------------------------------------------------------------


def test_the_choice_and_the_weeks_are_the_persons_data(person):
    services.send_weekly_summary(person.id, "2027-W02", now=_at(TUESDAY, 14))
    commit()
    assert personal_data.export(person) == {
        "weekly_summary": {"on": True, "day": "Tuesday", "time": "9am",
                           "changed": LONG_AGO.isoformat()},
        "weekly_summaries": [{"week": "2027-W02", "considered": _at(TUESDAY, 14).isoformat(),
                              "mailed": False}]}
    personal_data.erase(person)
    commit()
    assert db.session.get(WeeklyChoice, person.id) is None
    assert db.session.execute(select(WeeklySummary)).first() is None
