"""The scheduler process: APScheduler drives a periodic sweep of every module's jobs.

It runs in its own process (`flask --app wsgi cohort scheduler`), never in a web worker. Only
one process sweeps at a time: it holds a PostgreSQL advisory lock, or a file lock beside the
SQLite database; a second process waits on the lock as a hot standby.
"""

import contextlib
import logging
import os
import signal
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MAX_INSTANCES
from apscheduler.schedulers.background import BackgroundScheduler
from filelock import FileLock, Timeout
from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from cohort.core.database import commit, write_intent
from cohort.core.models import SchedulerBeat
from cohort.core.outbox import (
    claiming_as,
    dispatch_all,
    reclaim_from_other_schedulers,
    scheduler_holder,
)
from cohort.core.timeutil import utcnow
from cohort.extensions import db

ADVISORY_LOCK_KEY = 0x436F686F7274  # "Cohort"


def sweep() -> str:
    """Run each module's periodic jobs once (the registry's, see cohort/modules.py); each
    commits its own work, and one that fails does not stop the others."""
    results = []
    for job in current_app.extensions["cohort_jobs"]:
        try:
            with write_intent():  # a job reads, then writes: SQLite's write lock first
                results.append(f"{job.__name__}: {job()}")
        except Exception:
            db.session.rollback()
            current_app.logger.exception("Scheduler job %s failed", job.__name__)
            results.append(f"{job.__name__}: failed")
    return "; ".join(results)


_HOLDS_LOCK = text(
    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
    " AND pid = pg_backend_pid() AND objsubid = 1"
    " AND (classid::bigint << 32) + objid::bigint = :key)")


def _wait(stop: threading.Event | None, seconds: float) -> bool:
    """Sleep, or return True at once when `stop` is set."""
    if stop is None:
        time.sleep(seconds)
        return False
    return stop.wait(seconds)


@contextmanager
def leader_lock(poll_seconds: float = 5.0, stop: threading.Event | None = None,
                wait: bool = True):
    """Block until this process is the only scheduler, then hold the lock until the block
    ends. Yields `held()`, which answers whether the lock is still this process's: a
    PostgreSQL lock goes with the connection that took it (a failover or a network cut ends
    it), a file lock with the file (removed or replaced, another process can take it). When
    `stop` is set while waiting, or with `wait=False` when another process holds the lock,
    yields None instead (a restore takes it so that no scheduler runs meanwhile)."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        conn = engine.connect()
        guard = threading.Lock()  # sweeps and dispatches ask from their own threads

        def held() -> bool:
            with guard:
                try:
                    holds = conn.execute(_HOLDS_LOCK, {"key": ADVISORY_LOCK_KEY}).scalar()
                    conn.commit()
                    return bool(holds)
                except SQLAlchemyError:  # the connection is gone, and the lock with it
                    with contextlib.suppress(SQLAlchemyError):
                        conn.rollback()
                    return False

        try:
            announced = False
            while not conn.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
            ).scalar():
                conn.commit()
                if not wait:
                    break
                if not announced:
                    current_app.logger.info("Another scheduler is running; waiting as standby.")
                    announced = True
                if _wait(stop, poll_seconds):
                    break
            else:
                conn.commit()
                yield held
                return
            conn.commit()
            yield None
        finally:
            # close() returns the connection to the pool, still holding a session-level lock:
            # release it first (a broken connection has lost the lock with its session).
            with contextlib.suppress(SQLAlchemyError):
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
                conn.commit()
            conn.close()
    else:
        database = engine.url.database or "memory"
        path = Path(database + ".scheduler.lock") if database != "memory" else Path(
            current_app.instance_path, "scheduler.lock"
        )
        lock = FileLock(str(path))
        announced = False
        while True:
            if stop is not None and stop.is_set():
                yield None
                return
            try:
                lock.acquire(timeout=poll_seconds if wait else 0)
                break
            except Timeout:
                if not wait:
                    yield None
                    return
                if not announced:
                    current_app.logger.info("Another scheduler is running; waiting as standby.")
                    announced = True
        taken = os.stat(path).st_ino

        def held() -> bool:
            try:
                return os.stat(path).st_ino == taken
            except OSError:
                return False

        try:
            yield held
        finally:
            lock.release()


def beat(started_at) -> None:
    """Write the heartbeat the admin's mail log and the health check read."""
    values = {"host": socket.gethostname()[:255], "pid": os.getpid(), "started_at": started_at,
              "beat_at": utcnow()}
    row = db.session.get(SchedulerBeat, 1)
    if row is None:
        db.session.add(SchedulerBeat(id=1, **values))
    else:
        for name, value in values.items():
            setattr(row, name, value)
    commit()


def last_beat() -> SchedulerBeat | None:
    return db.session.get(SchedulerBeat, 1)


class SkippedRuns(logging.Filter):
    """APScheduler warns at every run skipped because the job's previous run is still going
    (a slow sweep, a long mail batch): dropped from its log, as `report(event)` says it
    once at info when a job starts being skipped and once when the slow run ends."""

    def __init__(self, logger: logging.Logger):
        super().__init__()
        self.logger = logger
        self.skipped: dict[str, int] = {}
        self.lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        return "maximum number of running instances reached" not in str(record.msg)

    def report(self, event) -> None:
        with self.lock:
            if event.code == EVENT_JOB_MAX_INSTANCES:
                self.skipped[event.job_id] = self.skipped.get(event.job_id, 0) + 1
                if self.skipped[event.job_id] == 1:
                    self.logger.info("The %s is still running: its next runs are skipped until "
                                     "it ends.", event.job_id)
            elif event.job_id in self.skipped:
                self.logger.info("The slow %s ended; %s runs were skipped meanwhile.",
                                 event.job_id, self.skipped.pop(event.job_id))


def run_scheduler(stop: threading.Event | None = None) -> None:
    """Hold the leader lock, then sweep every SCHEDULER_SWEEP_SECONDS and dispatch mail every
    MAIL_DISPATCH_SECONDS until stopped (SIGTERM, or `stop` set). A leader checks that it
    still holds the lock before each sweep and dispatch; once it does not, it stops, says so
    in the log, and waits as a standby again."""
    app = current_app._get_current_object()
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    while not stop.is_set():
        with leader_lock(app.config["SCHEDULER_STANDBY_POLL_SECONDS"], stop) as held:
            if held is not None:
                _lead(app, held, stop)


def _lead(app, held, stop: threading.Event) -> None:
    """Run the sweeps and dispatches while `held()` and until `stop` is set."""
    interval = app.config["SCHEDULER_SWEEP_SECONDS"]
    started = utcnow()
    holder = scheduler_holder()
    lost = threading.Event()

    def leading() -> bool:
        if not lost.is_set() and not held():
            lost.set()
            app.logger.error("This scheduler no longer holds the scheduler lock (its database "
                             "connection or lock file was lost): it stops sweeping and "
                             "waits as a standby.")
        return not lost.is_set()

    def sweep_job():
        if not leading():
            return
        with app.app_context(), claiming_as(holder):
            _reclaim(app, holder)
            with write_intent():
                app.logger.info("Sweep: %s", sweep())
                beat(started)

    def dispatch_job():
        if not leading():
            return
        with app.app_context(), claiming_as(holder):
            try:
                sent = dispatch_all()
                with write_intent():
                    beat(started)
            except Exception:  # the next run tries again
                db.session.rollback()
                app.logger.exception("Dispatching mail failed")
                return
            if sent:
                app.logger.info("Dispatched %s messages", sent)

    app.logger.info("Scheduler running: a sweep every %s seconds.", interval)
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(sweep_job, "interval", seconds=interval, id="sweep", coalesce=True,
                      max_instances=1)
    scheduler.add_job(dispatch_job, "interval", seconds=app.config["MAIL_DISPATCH_SECONDS"],
                      id="dispatch", coalesce=True, max_instances=1)
    skipped = SkippedRuns(app.logger)
    scheduler.add_listener(skipped.report,
                           EVENT_JOB_MAX_INSTANCES | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    apscheduler_log = logging.getLogger("apscheduler.scheduler")
    apscheduler_log.addFilter(skipped)
    sweep_job()  # a sweep at start: overdue work is done straight after a restart
    scheduler.start()
    try:
        while not lost.is_set() and not stop.wait(0.2):
            pass
    finally:
        scheduler.shutdown(wait=True)  # no job of this leader runs once it has stepped back
        apscheduler_log.removeFilter(skipped)


def _reclaim(app, holder: str) -> None:
    """Make the mail another scheduler claimed due again at once: this one leads, so that
    one is gone (stopped, or cut off and stepping back) and its lease need not be waited out."""
    try:
        taken = reclaim_from_other_schedulers(holder)
    except SQLAlchemyError:
        app.logger.exception("Reclaiming another scheduler's mail failed")
        return
    if taken:
        app.logger.warning("Took back %s messages claimed by a scheduler that stopped", taken)
