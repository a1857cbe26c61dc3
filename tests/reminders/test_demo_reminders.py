"""The demo's running cohort shows reminders at work: its defaults, reminders already sent
with their delivery logs (one refused by the mail server), and reminders still to come."""

from datetime import timedelta

from sqlalchemy import select

from cohort.cohorts.models import Cohort
from cohort.core.timeutil import utcnow
from cohort.extensions import db
from cohort.reminders import services
from tests.helpers import sign_in

PASSWORD = "demo password 2021"


def test_the_running_cohort_has_reminders_sent_failed_and_to_come(client, demo_loaded):
    cohort = db.session.execute(select(Cohort).where(
        Cohort.title == "Workplace wellbeing cohort")).scalar_one()
    reminders = services.reminders_of(cohort)
    defaults = [r for r in reminders if r.is_default]
    assert [(r.anchor, r.offset_minutes) for r in defaults] == [
        ("session_start", -7 * 24 * 60), ("session_start", -24 * 60),
        ("session_end", 24 * 60)]
    sent = [r for r in reminders if r.status == "sent"]
    waiting = [r for r in reminders if r.status == "active" and not r.is_default]
    assert len(sent) >= 9
    assert all(r.sent_at == r.due_at + timedelta(minutes=1) for r in sent)
    assert any(r.due_at < utcnow() + timedelta(days=7) for r in waiting)  # some due soon
    counts = services.delivery_counts(cohort)
    assert sum(c["failed"] for c in counts.values()) == 1
    assert all(c["pending"] == 0 for c in counts.values())
    failed = next(r for r in sent if counts[r.id]["failed"])

    sign_in(client, "facilitator@example.org", PASSWORD)
    listing = client.get(f"/cohorts/{cohort.id}/reminders").get_data(as_text=True)
    assert "In a week: ((session))" in listing and "Workshop 1" in listing
    assert "1 failed" in listing
    log = client.get(f"/cohorts/{cohort.id}/reminders/{failed.id}").get_data(as_text=True)
    assert "Recipient address rejected" in log
