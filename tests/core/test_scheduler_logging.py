"""What the scheduler and the dispatcher write to their logs: what they did, at info, and a
slow batch reported once rather than a warning at every run it holds up."""

import logging
import threading
import time

import pytest

from cohort.core import mail
from cohort.core.scheduler import run_scheduler
from cohort.extensions import db
from tests.helpers import wait_for

SKIPPED = "maximum number of running instances reached"


@pytest.fixture
def unconfigured_logging(app):
    """As in a process whose logging nobody configured: the app's logger has no level."""
    app.logger.setLevel(logging.NOTSET)
    yield
    app.logger.setLevel(logging.NOTSET)


def test_the_dispatch_command_logs_what_it_sent_at_info(app, make_user, caplog, monkeypatch,
                                                        unconfigured_logging):
    """issue 23 item 8: `flask cohort dispatch` said nothing of what it sent."""
    app.config["MAIL_SEND_AFTER_COMMIT"] = False
    try:
        mail.queue_mail(make_user().email, "Queued", "Body")
        db.session.commit()

        def stop(_seconds):  # one round, then the process is stopped
            raise KeyboardInterrupt

        monkeypatch.setattr("cohort.cli.time.sleep", stop)
        app.test_cli_runner().invoke(args=["cohort", "dispatch"])
    finally:
        app.config["MAIL_SEND_AFTER_COMMIT"] = True
    lines = [(r.levelname, r.getMessage()) for r in caplog.records
             if r.name == app.logger.name]
    assert ("INFO", "Dispatched 1 messages") in lines
    assert lines[0][1].startswith("Dispatcher running")


def test_runs_skipped_while_a_slow_dispatch_runs_are_reported_once(
        build_app, caplog, monkeypatch, unconfigured_logging):
    """issue 23 item 8: APScheduler warned at every run a slow batch held up, flooding the
    log; now one line at info says the runs are skipped, and one how many when it ends."""
    app = build_app(MAIL_DISPATCH_SECONDS=0.05, SCHEDULER_SWEEP_SECONDS=60,
                    SCHEDULER_STANDBY_POLL_SECONDS=0.1)
    app.logger.setLevel(logging.INFO)
    batches = []
    release = threading.Event()

    def slow_batch(*_args):  # the first batch lasts until a skipped run has been reported
        batches.append(time.monotonic())
        if len(batches) == 1:
            release.wait(timeout=120)
        return 0

    def logged(start: str) -> list[str]:
        return [r.getMessage() for r in list(caplog.records) if r.getMessage().startswith(start)]

    monkeypatch.setattr("cohort.core.scheduler.dispatch_all", slow_batch)
    stop = threading.Event()

    def scheduler():
        with app.app_context():
            run_scheduler(stop)

    caplog.set_level(logging.INFO)
    thread = threading.Thread(target=scheduler, daemon=True)
    thread.start()
    try:
        assert wait_for(lambda: logged("The dispatch is still running")), "no skipped run reported"
        # Let more runs fall due while the batch still holds: none of them is reported again.
        time.sleep(0.5)
        during = logged("The dispatch is still running")
    finally:
        release.set()
    # Once the slow batch has ended, a later one goes ahead.
    assert wait_for(lambda: len(batches) >= 2 and logged("The slow dispatch ended"))
    stop.set()
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert not [r for r in caplog.records if SKIPPED in r.getMessage()]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], [
        r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(during) == 1  # once for the slow batch, not once a skipped run
    # A busy machine may make a later batch slow too: each slow batch is reported once when
    # runs are first skipped and once when it ends.
    started = logged("The dispatch is still running")
    ended = logged("The slow dispatch ended")
    assert len(ended) <= len(started) <= len(ended) + 1
    assert len(ended) >= 1 and all("runs were skipped meanwhile" in m for m in ended)
