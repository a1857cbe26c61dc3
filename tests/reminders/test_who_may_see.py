"""A reminder tells its session's title, time, joining link and topics: it reaches only people
who may see the session. A team member chosen for a session for members only is refused by
name, and skipped, with the reason in the log, if the session closes to them afterwards."""

from dataclasses import replace
from datetime import timedelta

import pytest

from cohort.core.database import commit
from cohort.programme import services as programme
from cohort.programme.services import SessionData
from cohort.reminders import services
from cohort.reminders.services import ReminderError
from tests.helpers import post_form

from .conftest import by_recipient, deliveries, remind

DAY = 24 * 60


def test_a_team_member_cannot_be_chosen_for_a_session_for_members_only(group, make_session):
    session = make_session(group.cohort, "Workshop 1", starts_in=timedelta(days=10))
    with pytest.raises(ReminderError, match="Cal Colleague is a team member, and Workshop 1 is "
                                            "for members only") as refused:
        remind(group, session_id=session.id, audience="chosen",
               chosen=[group.pat.id, group.colleague.id])
    assert refused.value.field == "chosen"


def test_team_members_cannot_be_the_audience_of_a_session_for_members_only(group,
                                                                           make_session):
    session = make_session(group.cohort, "Workshop 1", starts_in=timedelta(days=10))
    with pytest.raises(ReminderError, match="Team members cannot see Workshop 1") as refused:
        remind(group, session_id=session.id, audience="colleagues")
    assert refused.value.field == "audience"


def test_the_form_names_the_team_member_it_refuses(client, login, group, make_session):
    session = make_session(group.cohort, "Workshop 1", starts_in=timedelta(days=10))
    login(group.facilitator.user)
    page = post_form(client, f"/cohorts/{group.cohort.id}/reminders/new", {
        "when": "before", "session": str(session.id), "days": "1", "hours": "0",
        "audience": "chosen", "chosen": [str(group.colleague.id)],
        "subject": "Soon: ((session))", "body": "Hello ((name)).",
        "action": "save"}).get_data(as_text=True)
    assert "There is a problem" in page
    assert "Cal Colleague is a team member, and Workshop 1 is for members only" in page


def test_a_team_member_chosen_for_an_open_session_is_skipped_once_it_closes_to_them(
        client, login, group, make_session, outbox):
    session = make_session(group.cohort, "Open workshop", starts_in=timedelta(hours=12),
                           audience="members_and_colleagues")
    reminder = remind(group, session_id=session.id, offset_minutes=-DAY, audience="chosen",
                      chosen=[group.pat.id, group.colleague.id])
    session = programme.get_session(group.cohort, session.id)
    programme.update_session(None, session, replace(SessionData(
        title=session.title, kind=session.kind, starts_at=session.starts_at,
        duration_minutes=session.duration_minutes), audience="members"))
    commit()
    outbox.clear()
    services.send_due_reminders()
    commit()
    assert list(by_recipient(outbox)) == ["pat@example.org"]
    assert {d.membership_id: d.reason for d in deliveries()} == {
        group.pat.id: None,
        group.colleague.id: "is a team member, and the session is for members only"}
    login(group.facilitator.user)
    log = client.get(f"/cohorts/{group.cohort.id}/reminders/{reminder.id}")
    assert "Is a team member, and the session is for members only" in log.get_data(as_text=True)


@pytest.mark.parametrize(("audience", "chosen", "named"), [
    ("chosen", True, "not to chosen people"),
    ("participants", False, "not to the participants"),
    ("colleagues", False, "not to the team members"),
])
def test_a_moment_reminder_refuses_an_audience_it_cannot_honour(group, offer_moment, audience,
                                                                chosen, named):
    """A moment's reminder goes to the people the moment names (an action item's owner): a
    choice of others would be ignored, so it is refused, not saved."""
    offer_moment("test_item_due", "an action item's due date", lambda *_args: [])
    with pytest.raises(ReminderError, match=f"goes to the people each moment concerns[^:]*, "
                                            f"{named}") as refused:
        remind(group, anchor="moment", moment_key="test_item_due", audience=audience,
               chosen=[group.ny.id] if chosen else [], subject="Due: ((moment))",
               body="Hello ((name)).")
    assert refused.value.field == "audience"


def test_the_form_says_who_a_moment_reminder_goes_to(client, login, group, offer_moment):
    offer_moment("test_item_due", "an action item's due date", lambda *_args: [])
    login(group.facilitator.user)
    url = f"/cohorts/{group.cohort.id}/reminders/new"
    assert "For a reminder of a moment, choose Everyone in the cohort" in \
        client.get(url).get_data(as_text=True)
    page = post_form(client, url, {
        "when": "before_moment", "moment_key": "test_item_due", "days": "1", "hours": "0",
        "audience": "chosen", "chosen": [str(group.ny.id)], "subject": "Due: ((moment))",
        "body": "Hello ((name)).", "action": "save"}).get_data(as_text=True)
    assert "There is a problem" in page and 'href="#audience"' in page
    assert "not to chosen people" in page
    reminder = remind(group, anchor="moment", moment_key="test_item_due",
                      subject="Due: ((moment))", body="Hello ((name)).")
    log = client.get(f"{url.removesuffix('/new')}/{reminder.id}").get_data(as_text=True)
    assert "The people each moment concerns, optional" in log
