"""The scheduler's sweep, its command, and the lock that keeps a second scheduler waiting."""

import logging
import threading
from datetime import timedelta

from sqlalchemy import func, select

from cohort.accounts.models import LoginFailure, UserSession
from cohort.accounts.services import open_session
from cohort.core import mail, outbox
from cohort.core.database import commit
from cohort.core.models import MailMessage
from cohort.core.scheduler import leader_lock, sweep
from cohort.core.timeutil import utcnow
from cohort.extensions import db


def _leftovers(app, make_user):
    """A message left pending, an expired session and an old sign-in failure."""
    user = make_user()
    mail.queue_mail(user.email, "Left pending", "Body")
    db.session.commit()
    outbox.discard_queued()  # as if the process stopped before sending
    open_session(user, None, None)
    row = db.session.execute(select(UserSession)).scalar_one()
    row.last_seen_at = utcnow() - app.config["SESSION_IDLE_TIMEOUT"] - timedelta(minutes=1)
    db.session.add(LoginFailure(scope="account", key=user.email,
                                created_at=utcnow() - app.config["LOGIN_WINDOW"] * 2))
    commit()


def _count(model) -> int:
    db.session.rollback()
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_scheduler_once_runs_a_sweep_and_prints_it(app, outbox, make_user):
    _leftovers(app, make_user)
    result = app.test_cli_runner().invoke(args=["cohort", "scheduler", "--once"])
    assert result.exit_code == 0, result.output
    assert "dispatch_mail_job: 1" in result.output
    assert "purge_expired_job: 2" in result.output
    assert [m["Subject"] for m in outbox] == ["Left pending"]
    db.session.rollback()
    assert db.session.execute(select(MailMessage.status)).scalar_one() == "sent"
    assert _count(UserSession) == 0
    assert _count(LoginFailure) == 0

    again = app.test_cli_runner().invoke(args=["cohort", "scheduler", "--once"])
    assert "purge_expired_job: 0" in again.output and "dispatch_mail_job: 0" in again.output
    assert len(outbox) == 1


def test_a_failing_job_does_not_stop_the_others(app, outbox, make_user, monkeypatch):
    _leftovers(app, make_user)

    def broken():
        raise RuntimeError("mail retry broke")

    monkeypatch.setattr("cohort.core.jobs.dispatch_all", broken)
    assert sweep() == ("purge_expired_job: 2; retention_job: 0; purge_applications_job: 0; "
                       "send_reminders_job: 0; send_digests_job: 0; session_threads_job: 0; "
                       "announce_surveys_job: 0; send_weekly_summaries_job: 0; "
                       "purge_audit_job: 0; dispatch_mail_job: failed")


def test_a_second_scheduler_waits_for_the_first(app):
    acquired = threading.Event()
    release_second = threading.Event()
    errors = []

    def second_scheduler():
        try:
            with app.app_context(), leader_lock(poll_seconds=0.05):
                acquired.set()
                release_second.wait(timeout=120)
        except Exception as exc:  # reported by the main thread
            errors.append(exc)
            acquired.set()

    with leader_lock(poll_seconds=0.05):
        thread = threading.Thread(target=second_scheduler, daemon=True)
        thread.start()
        assert not acquired.wait(timeout=0.5), "a second scheduler ran beside the first"
    # The first has stopped: the standby takes over promptly.
    assert acquired.wait(timeout=60), "the standby never took over"
    release_second.set()
    thread.join(timeout=60)
    assert not errors, errors
    assert not thread.is_alive()

    # And once the standby has stopped, the lock is free again.
    with leader_lock(poll_seconds=0.05):
        pass


def test_the_scheduler_reports_a_heartbeat(app, client, login, make_user):
    from cohort.core.scheduler import beat

    assert client.get("/healthz").get_json()["scheduler"] is None
    login(make_user(is_admin=True))
    assert "The scheduler has not reported yet" in client.get("/admin/mail").get_data(as_text=True)
    beat(utcnow())
    health = client.get("/healthz").get_json()
    assert health["status"] == "ok" and health["scheduler"]["age_seconds"] <= 5
    assert "The scheduler, which sends the mail, last reported" in client.get(
        "/admin/mail").get_data(as_text=True)


def test_the_scheduler_command_reports_its_start_at_info_and_shows_it(app, caplog, monkeypatch):
    """Starting is no warning, and an info message still shows in the command."""
    started, stops = [], []

    class Scheduler:  # the real one would run jobs until stopped
        def __init__(self, **_options):
            pass

        def add_job(self, *_args, **_options):
            pass

        def add_listener(self, *_args):
            pass

        def start(self):
            started.append(True)
            stops[0]()  # as if SIGTERM came straight after the start

        def shutdown(self, wait=True):
            pass

    monkeypatch.setattr("cohort.core.scheduler.BackgroundScheduler", Scheduler)
    monkeypatch.setattr("cohort.core.scheduler.signal.signal",
                        lambda _signal, handler: stops.append(handler))
    app.logger.setLevel(logging.NOTSET)  # as in a process whose logging nobody configured
    try:
        result = app.test_cli_runner().invoke(args=["cohort", "scheduler"])
        assert result.exit_code == 0, result.output
        assert started
        (record,) = [r for r in caplog.records if r.getMessage().startswith("Scheduler running")]
        assert record.levelname == "INFO"
        assert record.getMessage() == "Scheduler running: a sweep every 60 seconds."
        (sweep_record,) = [r for r in caplog.records if r.getMessage().startswith("Sweep: ")]
        assert sweep_record.levelname == "INFO"
        assert "purge_expired_job: " in sweep_record.getMessage()
    finally:
        app.logger.setLevel(logging.NOTSET)
