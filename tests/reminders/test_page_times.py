"""The reminder pages show times in the reader's zone, and a reminder's deliveries a page at a
time."""

from datetime import UTC, datetime, timedelta

from cohort.core.database import commit
from cohort.core.timeutil import utcnow
from cohort.reminders import services
from cohort.reminders.services import sending

from .conftest import remind


def test_a_session_at_half_past_midnight_in_summer_shows_that_days_date(client, login, group,
                                                                       make_session):
    starts = datetime(2027, 6, 10, 23, 30, tzinfo=UTC)  # 00:30 BST on 11 June
    make_session(group.cohort, "Late workshop", starts_in=starts - utcnow())
    login(group.facilitator.user)
    page = client.get(f"/cohorts/{group.cohort.id}/reminders/new").get_data(as_text=True)
    assert "Late workshop (11 June 2027)" in page
    assert "10 June" not in page


def test_a_reminders_deliveries_are_listed_a_page_at_a_time(client, login, group, make_session,
                                                            monkeypatch, outbox):
    monkeypatch.setattr(sending, "DELIVERIES_A_PAGE", 2)
    session = make_session(group.cohort, "Workshop 1", starts_in=timedelta(hours=3))
    reminder = remind(group, session_id=session.id, offset_minutes=-24 * 60)
    services.send_due_reminders()
    commit()
    login(group.facilitator.user)
    url = f"/cohorts/{group.cohort.id}/reminders/{reminder.id}"
    names = ['cell">Fay Facilitator<', 'cell">Pat Participant<', 'cell">Nia York<']
    first, second = (client.get(address).get_data(as_text=True) for address in (url, f"{url}?page=2"))
    assert sum(name in first for name in names) == 2
    assert sum(name in second for name in names) == 1
    assert 'aria-label="Pages of deliveries"' in first and f'href="{url}?page=2"' in first
    assert sum(name in client.get(f"{url}?page=٢").get_data(as_text=True) for name in names) == 2

