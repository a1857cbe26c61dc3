"""Each reminder's tally of deliveries (sent, waiting, failed, skipped) is kept as deliveries
are made and as the outbox records their outcomes, so the list of reminders shows it without
counting every delivery: it stays equal to a fresh count through sends, failures and resends,
and the list's work does not grow with the deliveries."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from cohort.accounts.models import User
from cohort.cohorts.models import Membership
from cohort.core.database import commit
from cohort.core.models import MailMessage
from cohort.core.outbox import dispatch_all
from cohort.core.timeutil import utcnow
from cohort.extensions import db
from cohort.reminders import services
from cohort.reminders.models import Delivery
from tests.helpers import count_queries, statements_run

from .conftest import remind

DAY = 24 * 60


@pytest.fixture
def as_facilitator(client, login, group):
    login(group.facilitator.user)
    return client


def _tallies(cohort) -> dict[int, dict[str, int] | None]:
    db.session.expire_all()
    return {r.id: r.tally for r in services.reminders_of(cohort)}


def _counted_afresh(cohort) -> dict[int, dict[str, int] | None]:
    counts = services.delivery_counts(cohort)
    return {r.id: counts.get(r.id) for r in services.reminders_of(cohort)}


def _resend(group, reminder, member) -> None:
    delivery = db.session.execute(select(Delivery).where(
        Delivery.reminder_id == reminder.id, Delivery.membership_id == member.id)).scalar_one()
    services.resend_delivery(group.facilitator.user, reminder, delivery.id)
    commit()


def _retry_now() -> None:
    """The dispatcher's next round, once a deferred message's wait is over."""
    db.session.execute(update(MailMessage).where(MailMessage.status == "pending")
                       .values(next_attempt_at=utcnow()))
    commit()
    dispatch_all()


def test_tallies_equal_a_fresh_count_after_sends_failures_and_resends(
        group, make_session, outbox, mail_server):
    first = make_session(group.cohort, "Workshop 1", starts_in=timedelta(hours=3))
    second = make_session(group.cohort, "Workshop 2", starts_in=timedelta(hours=5))
    one = remind(group, session_id=first.id, offset_minutes=-DAY)
    two = remind(group, session_id=second.id, offset_minutes=-DAY, essential=True)
    services.set_reminders_off(group.pat, True)
    commit()
    mail_server.refused.add("nia@example.org")
    mail_server.deferred.add("fay@example.org")
    services.send_due_reminders()
    commit()
    expected = {"pending": 1, "sent": 0, "failed": 1, "skipped": 1}
    assert _tallies(group.cohort) == _counted_afresh(group.cohort) == {
        one.id: expected, two.id: expected | {"sent": 1, "skipped": 0}}

    _resend(group, one, group.ny)  # refused again
    assert _tallies(group.cohort) == _counted_afresh(group.cohort)
    assert _tallies(group.cohort)[one.id] == expected

    mail_server.refused.clear()
    _resend(group, one, group.ny)  # accepted this time
    _resend(group, two, group.ny)
    assert _tallies(group.cohort) == _counted_afresh(group.cohort)
    assert _tallies(group.cohort)[one.id] == expected | {"sent": 1, "failed": 0}

    mail_server.deferred.clear()
    _retry_now()
    assert _tallies(group.cohort) == _counted_afresh(group.cohort) == {
        one.id: {"pending": 0, "sent": 2, "failed": 0, "skipped": 1},
        two.id: {"pending": 0, "sent": 3, "failed": 0, "skipped": 0}}


def test_a_failed_resend_of_an_address_refused_for_good_stays_one_failure(
        group, make_session, outbox, mail_server):
    session = make_session(group.cohort, "Workshop 1", starts_in=timedelta(hours=3))
    reminder = remind(group, session_id=session.id, offset_minutes=-DAY)
    mail_server.refused.add("pat@example.org")
    services.send_due_reminders()
    commit()
    for _ in range(3):
        _resend(group, reminder, group.pat)
    assert _tallies(group.cohort)[reminder.id] == {
        "pending": 0, "sent": 2, "failed": 1, "skipped": 0}
    assert _tallies(group.cohort) == _counted_afresh(group.cohort)


def _add_people(cohort, how_many: int) -> None:
    users = [User(email=f"crowd{n}@example.org", name=f"Crowd {n}") for n in range(how_many)]
    db.session.add_all(users)
    db.session.flush()
    db.session.add_all([Membership(cohort_id=cohort.id, user_id=u.id, role="participant")
                        for u in users])
    commit()


def _statements(client, url: str) -> list[str]:
    with statements_run() as seen:
        assert client.get(url).status_code == 200
    return seen


def test_the_list_shows_the_tallies_without_reading_the_deliveries(
        as_facilitator, group, make_session, outbox):
    listing = f"/cohorts/{group.cohort.id}/reminders"
    first = make_session(group.cohort, "Workshop 1", starts_in=timedelta(hours=3))
    remind(group, session_id=first.id, offset_minutes=-DAY)
    services.send_due_reminders()
    commit()
    as_facilitator.get(listing)
    with count_queries() as few:
        page = as_facilitator.get(listing).get_data(as_text=True)
    assert re.findall(r"(\d+) sent", page) == ["3"]

    _add_people(group.cohort, 300)
    second = make_session(group.cohort, "Workshop 2", starts_in=timedelta(hours=5))
    remind(group, session_id=second.id, offset_minutes=-DAY)
    services.send_due_reminders()
    commit()
    assert len(db.session.execute(select(Delivery.id)).scalars().all()) == 306
    with count_queries() as many:
        page = as_facilitator.get(listing).get_data(as_text=True)
    assert re.findall(r"(\d+) sent", page) == ["3", "303"]
    assert many[0] == few[0]
    statements = _statements(as_facilitator, listing)
    assert not [s for s in statements if "reminder_delivery" in s]
