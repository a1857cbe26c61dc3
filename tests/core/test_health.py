"""/healthz tells a monitor when mail is not going out: the scheduler stopped, never started,
or due mail waiting too long (issue 23 item 3)."""

from datetime import timedelta

from sqlalchemy import update

from cohort.core import mail
from cohort.core.database import commit
from cohort.core.models import MailMessage, SchedulerBeat
from cohort.core.outbox import claim, claiming_as, discard_queued
from cohort.core.scheduler import beat
from cohort.core.timeutil import utcnow
from cohort.extensions import db
from tests.helpers import IsolatedClient


def _health(app):
    response = IsolatedClient(app, app.response_class).get("/healthz")
    return response.status_code, response.get_json()


def test_a_working_scheduler_is_healthy(app):
    beat(utcnow())
    code, body = _health(app)
    assert code == 200 and body["status"] == "ok" and body["problems"] == []
    assert body["scheduler"]["age_seconds"] <= 5


def test_a_stopped_scheduler_answers_503_with_the_reason(app):
    beat(utcnow())
    db.session.get(SchedulerBeat, 1).beat_at = utcnow() - timedelta(minutes=10)
    commit()
    code, body = _health(app)
    assert code == 503 and body["status"] == "failing"
    (problem,) = body["problems"]
    assert problem.startswith("the scheduler last reported 60") and "(more than 180)" in problem
    assert 600 <= body["scheduler"]["age_seconds"] < 610


def test_no_scheduler_ever_is_a_problem_once_the_grace_is_over(build_app):
    waiting = build_app(HEALTH_SCHEDULER_GRACE=timedelta(minutes=5))
    assert _health(waiting) == (200, {"status": "ok", "problems": [], "scheduler": None,
                                      "mail": {"oldest_due_seconds": 0}})
    over = build_app(HEALTH_SCHEDULER_GRACE=timedelta(0))
    code, body = _health(over)
    assert code == 503
    assert body["problems"] == ["no scheduler has ever reported: start `flask --app wsgi "
                                "cohort scheduler`"]


def test_mail_claimed_by_a_dead_scheduler_for_five_minutes_is_a_problem(app):
    beat(utcnow())  # another scheduler is at work, but these wait
    for n in range(30):
        mail.queue_mail(f"person{n}@example.org", "Waiting", "Body")
    db.session.commit()
    discard_queued()  # not sent by the commit, as the tests' setting would
    with claiming_as("scheduler gone 1 00000000"):
        assert len(claim(100)[1]) == 30
    db.session.rollback()
    db.session.execute(update(MailMessage).values(
        created_at=utcnow() - timedelta(minutes=5, seconds=30),
        next_attempt_at=utcnow() - timedelta(minutes=5, seconds=30),
        claimed_at=utcnow() - timedelta(minutes=5)))
    commit()
    code, body = _health(app)
    assert code == 503
    (problem,) = body["problems"]
    assert problem.startswith("mail that is due has waited 33") and "(more than 300)" in problem
    assert 330 <= body["mail"]["oldest_due_seconds"] < 340


def test_mail_waiting_for_its_retry_is_not_late(app):
    beat(utcnow())
    mail.queue_mail("later@example.org", "Retried later", "Body")
    db.session.commit()
    discard_queued()
    db.session.execute(update(MailMessage).values(
        created_at=utcnow() - timedelta(hours=1), next_attempt_at=utcnow() + timedelta(minutes=5)))
    commit()
    assert _health(app)[0] == 200
